"""`infusion-calc report` against totals worked out by hand from a seeded log.

Seven saves through the real `calc --save`: two CMS quarters with different payment limits
(2025Q3 imported, 2026Q1 packaged), a dose given short of the dose prepared, a multi-dose
drug, a vial typed beside the catalog's, an entry with no quarter loaded (no payment) and one
with a stored patient identifier, which no output may show.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.cli import main

DATA = Path(__file__).parent / "data" / "cms"
PATIENT = "MRN-SECRET-4242"
Q3_J2323 = Decimal(
    "24.126"
)  # 2025Q3 payment limit per 1 mg (tests/data/cms/asp-payment-limits-2025Q3.csv)
Q1_J2323 = Decimal("24.512")  # 2026Q1, per 1 mg
Q1_J1745 = Decimal("32.423")  # 2026Q1, per 10 mg
Q1_J9045 = Decimal("2.929")  # 2026Q1, per 50 mg
Q1_J9035 = Decimal("73.632")  # 2026Q1, per 10 mg
CENT = Decimal("0.01")

SAVES = [
    # E1: Tysabri 300 mg, 2025Q3, JZ; TOUCH not confirmed: saved while a check was an error
    ["--dose", "300 mg", "--given-at", "2025-08-01 09:00", "--payer", "medicare"],
    # E2: Tysabri 250 mg, 2025Q3: 250 + JW 50, waste documented
    [
        "--dose",
        "250 mg",
        "--given-at",
        "2025-08-15 09:00",
        "--rems-checked",
        "--waste-reason",
        "dose ordered",
        "--payer",
        "medicare",
    ],
    # E3: Tysabri 250 mg prepared, 200 mg given, 2026Q1: 200 + JW 100; no waste reason (a risk)
    [
        "--dose",
        "250 mg",
        "--dose-given",
        "200 mg",
        "--stop-reason",
        "reaction",
        "--given-at",
        "2026-01-10 09:00",
        "--rems-checked",
        "--payer",
        "medicare",
    ],
    # E4: Remicade 5 mg/kg × 81.5 kg = 407.5 mg from 5 × 100 mg: 41 + JW 9, 2.5 mg under one unit
    [
        "--hcpcs",
        "J1745",
        "--dose",
        "5 mg/kg",
        "--weight",
        "81.5 kg",
        "--given-at",
        "2026-01-15 09:00",
        "--waste-reason",
        "vial size",
        "--payer",
        "medicare",
    ],
    # E5: carboplatin 420 mg from a 450 mg multi-dose vial: 9 units, 30 mg not billable
    [
        "--hcpcs",
        "J9045",
        "--dose",
        "420 mg",
        "--given-at",
        "2026-02-10 09:00",
        "--payer",
        "commercial",
    ],
    # E6: Avastin 450 mg planned from a typed 400 mg vial only: 2 vials, 45 + JW 35
    [
        "--hcpcs",
        "J9035",
        "--dose",
        "450 mg",
        "--vial",
        "400 mg/16 mL",
        "--given-at",
        "2026-03-01 09:00",
        "--waste-reason",
        "vial size",
        "--payer",
        "medicare",
    ],
    # E7: Tysabri 300 mg in 2026Q2, no quarter loaded: no payment; a patient identifier stored
    [
        "--dose",
        "300 mg",
        "--given-at",
        "2026-05-10 09:00",
        "--rems-checked",
        "--patient-id",
        PATIENT,
        "--payer",
        "medicare",
    ],
]


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = main(list(arguments))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def seeded(capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path) -> Path:
    config = isolated_user_dirs / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text("[log]\nstore_patient_id = true\n")
    status, _, err = run(
        capsys,
        "data",
        "import",
        str(DATA / "asp-ndc-hcpcs-crosswalk-2025Q3.csv"),
        str(DATA / "asp-payment-limits-2025Q3.csv"),
    )
    assert status == 0, err
    for arguments in SAVES:
        status, _, err = run(capsys, "calc", *arguments, "--save")
        assert status == 0, err
    return isolated_user_dirs


def report_json(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    status, out, err = run(
        capsys, "report", "--from", "2025-07-01", "--to", "2026-06-30", "--format", "json", *extra
    )
    assert status == 0, err
    report: dict[str, Any] = json.loads(out)
    return report


def cents(value: Decimal) -> str:
    return str(value.quantize(CENT))


def test_totals_match_the_hand_computed_figures(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = report_json(capsys, "--round-within", "10")
    totals = report["totals"]
    assert (report["from"], report["to"]) == ("2025-07-01", "2026-06-30")
    assert totals["administrations"] == 7
    assert totals["units_administered"] == 300 + 250 + 200 + 41 + 9 + 45 + 300
    assert totals["units_discarded"] == 50 + 100 + 9 + 35
    administered = (
        (300 * Q3_J2323).quantize(CENT)
        + (250 * Q3_J2323).quantize(CENT)
        + (200 * Q1_J2323).quantize(CENT)
        + (41 * Q1_J1745).quantize(CENT)
        + (9 * Q1_J9045).quantize(CENT)
        + (45 * Q1_J9035).quantize(CENT)
    )  # E7 has no payment
    recovered = (
        (50 * Q3_J2323).quantize(CENT)
        + (100 * Q1_J2323).quantize(CENT)
        + (9 * Q1_J1745).quantize(CENT)
        + (35 * Q1_J9035).quantize(CENT)
    )
    assert totals["administered_payment"] == cents(administered) == "22840.84"
    assert totals["jw_payment"] == cents(recovered) == "6526.43"
    assert totals["jz_attestations"] == 2  # E1 and E7
    assert totals["dose_given_entries"] == 1
    assert totals["entries_without_payment"] == 1
    assert totals["risks"] == {
        "waste_without_jw": 0,
        "jw_without_waste_documented": 1,
        "saved_with_error": 1,
    }


def test_what_ifs_match_the_hand_computed_figures(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    what_if = report_json(capsys, "--round-within", "10")["totals"]["what_if"]
    # Rounding: only E4 moves (407.5 mg -> 400 mg, 4 vials instead of 5):
    # 10 units at the 2026Q1 limit.
    assert what_if["rounding"] == {
        "applied": False,
        "round_within_percent": "10",
        "doses_moved": 1,
        "vials_saved": 1,
        "units_saved": "10.00",
        "dollars_saved": cents(10 * Q1_J1745),
    }
    # Least waste: E6 with the catalog's 100 mg vial beside the 400 mg: 500 mg instead of 800 mg.
    least = what_if["least_waste"]
    assert (least["doses_changed"], least["units_saved"], least["dollars_saved"]) == (
        1,
        "30.00",
        cents(30 * Q1_J9035),
    )
    # Not billable: 30 mg of carboplatin (0.6 unit,
    # multi-dose) and 2.5 mg of infliximab (0.25 unit).
    waste = what_if["non_billable_waste"]
    assert waste["units"] == {"multi_dose": "0.60", "under_one_unit": "0.25", "capped": "0.00"}
    assert waste["dollars_at_payment_limit"] == cents(
        Decimal("0.6") * Q1_J9045 + Decimal("0.25") * Q1_J1745
    )
    assert waste["administrations"] == 2
    assert all(part["applied"] is False for part in (what_if["rounding"], least, waste))


def test_by_drug_holds_the_same_keys_as_totals_and_adds_up(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = report_json(capsys)
    by_drug = {drug["hcpcs"]: drug for drug in report["by_drug"]}
    assert set(by_drug) == {"J2323", "J1745", "J9045", "J9035"}
    for drug in by_drug.values():
        assert set(report["totals"]) <= set(drug)
    for key in ("administered_payment", "jw_payment"):
        assert sum(Decimal(drug[key]) for drug in by_drug.values()) == Decimal(
            report["totals"][key]
        )
    assert by_drug["J2323"]["administrations"] == 4
    assert by_drug["J2323"]["jw_payment"] == cents(
        (50 * Q3_J2323).quantize(CENT) + (100 * Q1_J2323).quantize(CENT)
    )
    months = [month["month"] for month in report["by_month"]]
    assert months == ["2025-08", "2026-01", "2026-02", "2026-03", "2026-05"]
    assert (
        report["totals"]["what_if"]["rounding"]["round_within_percent"] is None
    )  # no site policy, no --round-within


def test_filters_by_drug_payer_and_period(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report_json(capsys, "--drug", "remicade")["totals"]["administrations"] == 1
    assert report_json(capsys, "--drug", "j2323")["totals"]["administrations"] == 4
    assert report_json(capsys, "--payer", "commercial")["totals"]["administrations"] == 1
    status, out, err = run(
        capsys, "report", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "json"
    )
    assert status == 0 and json.loads(out)["totals"]["administrations"] == 2


def test_details_trace_every_figure_to_its_entries(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = report_json(capsys, "--details", "--round-within", "10")
    details = report["details"]
    assert sorted(entry["id"] for entry in details) == list(range(1, 8))
    assert sorted(report["totals"]["entry_ids"]) == list(range(1, 8))
    assert report["totals"]["what_if"]["rounding"]["entry_ids"] == [4]
    assert report["totals"]["what_if"]["least_waste"]["entry_ids"] == [6]
    assert report["totals"]["risk_entry_ids"]["saved_with_error"] == [1]
    paid = sum(
        Decimal(line["payment"])
        for entry in details
        for line in entry["lines"]
        if line["payment"] and "JW" in line["modifiers"]
    )
    assert str(paid) == report["totals"]["jw_payment"]


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "html"])
def test_no_output_shows_the_stored_patient_identifier(
    seeded: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    status, out, err = run(
        capsys, "report", "--from", "2025-07-01", "--to", "2026-06-30", "--format", fmt, "--details"
    )
    assert status == 0, err
    assert PATIENT not in out and PATIENT not in err
    status, out, _ = run(capsys, "log", "list")
    assert PATIENT in out  # it is stored: the report leaves it out


def test_csv_holds_a_row_per_total_drug_and_month(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys, "report", "--from", "2025-07-01", "--to", "2026-06-30", "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    scopes = [row["scope"] for row in rows]
    assert scopes.count("total") == 1 and scopes.count("drug") == 4 and scopes.count("month") == 5
    assert rows[0]["jw_payment"] == "6526.43"


def test_bad_input_is_one_error_line(seeded: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for arguments, expected in [
        (["--from", "2026-13-01"], "is not a date"),
        (["--from", "2026-02-01", "--to", "2026-01-01"], "is after --to"),
        (["--round-within", "80"], "--round-within"),
        (["--format", "png"], "give --out FILE"),
    ]:
        status, out, err = run(capsys, "report", *arguments)
        assert (
            status == 2 and err.startswith("error: ") and expected in err and "Traceback" not in err
        ), err


def test_the_json_contract_holds_its_keys_and_amounts_as_decimal_strings(
    seeded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = report_json(capsys, "--round-within", "10")
    assert {"from", "to", "totals", "by_drug"} <= set(report)
    required = {
        "administrations",
        "units_administered",
        "units_discarded",
        "administered_payment",
        "jw_payment",
        "what_if",
    }
    assert required <= set(report["totals"])
    assert {"rounding", "least_waste", "non_billable_waste"} <= set(report["totals"]["what_if"])
    for figures in [report["totals"], *report["by_drug"]]:
        for key in ("administered_payment", "jw_payment"):
            assert isinstance(figures[key], str) and Decimal(figures[key]) == Decimal(
                figures[key]
            ).quantize(CENT)
    assert all(
        isinstance(drug["hcpcs"], str) and required <= set(drug) for drug in report["by_drug"]
    )


def test_png_and_html_are_written_to_out(
    seeded: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for fmt, start in (("png", b"\x89PNG\r\n\x1a\n"), ("html", b"<!DOCTYPE html>")):
        target = tmp_path / f"report.{fmt}"
        status, out, err = run(
            capsys,
            "report",
            "--from",
            "2025-07-01",
            "--to",
            "2026-06-30",
            "--format",
            fmt,
            "--out",
            str(target),
        )
        assert status == 0 and out == "", err
        assert target.read_bytes().startswith(start) and target.stat().st_mode & 0o777 == 0o600
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert page.count("<svg") == 3 and "<script" not in page and PATIENT not in page
