"""`infusion-calc report` over entries billed in activity units, not mg (issue 21's codes).

Saved through the real `calc --save`: Botox (J0585, per 1 unit of onabotulinumtoxinA) and
BeneFIX (J7195, per IU of factor IX, from the carton's assayed 3,540 IU), both in 2026Q1,
beside a Tysabri entry in mg. Every figure stays in the entry's own unit; the report sums
billing units and dollars, which add across drugs.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.cli import main
from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers.units import parse_amount
from infusion_calc.log.report_source import Unreadable, saved_amount

Q1_J0585 = Decimal(
    "6.510"
)  # 2026Q1 payment limit per 1 unit (domain-facts §8, issue 21's worked example)
Q1_J7195 = Decimal("1.834")  # 2026Q1 payment limit per 1 IU
Q1_J2323 = Decimal("24.512")  # 2026Q1, per 1 mg
CENT = Decimal("0.01")

SAVES = [
    # Botox 100-unit vial, 60 units given: J0585 × 60 + JW × 40 (issue 21's worked example)
    [
        "--drug",
        "botox",
        "--dose",
        "60 units",
        "--given-at",
        "2026-02-01 09:00",
        "--waste-reason",
        "vial size",
        "--payer",
        "medicare",
    ],
    # BeneFIX 50 IU/kg × 70 kg = 3,500 IU from a vial assayed at 3,540 IU: J7195 × 3500 + JW × 40
    [
        "--drug",
        "benefix",
        "--dose",
        "50 IU/kg",
        "--weight",
        "70 kg",
        "--vial",
        "3540 IU",
        "--given-at",
        "2026-02-02 09:00",
        "--waste-reason",
        "vial size",
        "--payer",
        "medicare",
    ],
    # Tysabri 300 mg, JZ: the mass entry beside them
    ["--dose", "300 mg", "--given-at", "2026-02-03 09:00", "--rems-checked", "--payer", "medicare"],
]


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = main(list(arguments))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def seeded(capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path) -> Path:
    for arguments in SAVES:
        status, _, err = run(capsys, "calc", *arguments, "--save")
        assert status == 0, err
    return isolated_user_dirs


def report(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[dict[str, Any], str]:
    status, out, err = run(
        capsys, "report", "--from", "2026-01-01", "--to", "2026-03-31", "--format", "json", *extra
    )
    assert status == 0, err
    return json.loads(out), err


def cents(value: Decimal) -> str:
    return str(value.quantize(CENT))


def test_the_dates_of_service_fall_in_2026q1(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "calc", *SAVES[0], "--json")
    assert status == 0, err
    assert json.loads(out)["payment"]["quarter"] == "2026Q1"


def test_entries_in_units_and_iu_are_read_and_counted(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures, err = report(capsys)
    assert "could not be read" not in err
    totals = figures["totals"]
    assert totals["administrations"] == 3
    assert totals["units_administered"] == 60 + 3500 + 300
    assert totals["units_discarded"] == 40 + 40
    assert (40 * Q1_J0585).quantize(CENT) == Decimal(
        "260.40"
    )  # the JW payment of issue 21's example
    assert (
        totals["jw_payment"]
        == cents((40 * Q1_J0585).quantize(CENT) + (40 * Q1_J7195).quantize(CENT))
        == "333.76"
    )
    administered = (
        (60 * Q1_J0585).quantize(CENT)
        + (3500 * Q1_J7195).quantize(CENT)
        + (300 * Q1_J2323).quantize(CENT)
    )
    assert totals["administered_payment"] == cents(administered)
    assert totals["jz_attestations"] == 1
    by_drug = {drug["hcpcs"]: drug for drug in figures["by_drug"]}
    assert set(by_drug) == {"J0585", "J7195", "J2323"}
    botox = by_drug["J0585"]
    assert (botox["units_administered"], botox["units_discarded"], botox["jw_payment"]) == (
        60,
        40,
        "260.40",
    )
    assert (by_drug["J7195"]["units_administered"], by_drug["J7195"]["units_discarded"]) == (
        3500,
        40,
    )


def test_what_ifs_work_in_each_entry_s_own_unit(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    what_if = report(capsys, "--round-within", "10")[0]["totals"]["what_if"]
    # Botox 60 units: no whole-vial total of 100 or 200 units lies within
    # 54-66 units; nothing moves. BeneFIX 3,500 IU planned from the typed
    # 3,540 IU vial only: it moves up to that vial, saving nothing.
    assert (
        what_if["rounding"]["doses_moved"],
        what_if["rounding"]["vials_saved"],
        what_if["rounding"]["units_saved"],
    ) == (1, 0, "0.00")
    # Least waste over 100/200 units (Botox) and 1,000/2,000
    # IU beside 3,540 IU (BeneFIX): both already least.
    assert what_if["least_waste"]["doses_changed"] == 0
    # Every unit discarded is on a JW line: nothing is left unbilled.
    assert what_if["non_billable_waste"]["administrations"] == 0


def test_details_print_each_amount_in_its_own_unit(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    details = {entry["hcpcs"]: entry for entry in report(capsys, "--details")[0]["details"]}
    assert details["J0585"]["dose"] == "60 units"
    assert details["J7195"]["dose"] == "3500 IU"
    assert details["J2323"]["dose"] == "300 mg"


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("365 mg", "365", "mg"),
        ("0.5 mg", "0.5", "mg"),
        ("0 mg", "0", "mg"),
        ("60 units", "60", "unit"),
        ("1 unit", "1", "unit"),
        ("3540 IU", "3540", "IU"),
        ("250 mL", "250", "mL"),
        ("1 dose", "1", "dose"),
        ("0 units", "0", "unit"),
    ],
)
def test_saved_amounts_read_back_in_their_own_unit(text: str, value: str, unit: str) -> None:
    assert saved_amount(text) == (Decimal(value), unit)


@pytest.mark.parametrize(
    "text",
    ["60 U", "1e3 mg", "-5 mg", "60 units/kg", "mg", "60", "60 grains", "1,000 IU", "٣٠٠ mg"],
)
def test_anything_else_is_refused_not_guessed(text: str) -> None:
    with pytest.raises(Unreadable):
        saved_amount(text)


def test_a_typed_zero_is_still_refused() -> None:
    """Only amounts the engine saved may be zero (nothing discarded);
    a typed vial or dose may not."""
    with pytest.raises(InputError):
        parse_amount("0 mg", "vial")
    assert parse_amount("0 mg", "saved", zero_ok=True).value == 0


def test_an_entry_mixing_units_is_left_out_and_counted(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hand-edited entry whose dose is in mg while its
    billing unit is in units is not read as either."""
    path = seeded / "data" / "administrations.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "UPDATE administration SET result = json_set(result, '$.dose', '60 mg') WHERE id = 1"
        )
    figures, err = report(capsys)
    assert "warning: 1 log entries could not be read" in err
    assert figures["totals"]["administrations"] == 2
