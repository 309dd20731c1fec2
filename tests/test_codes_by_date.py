"""The code in effect on the date of service (issue 18 §3,
domain-facts §8 "HCPCS codes by date of service").

Worked examples from the shipped CMS quarters: eculizumab is J1300 (10 mg) through
2025Q1 and J1299 (2 mg) from 2025Q2; cyclophosphamide is J9070 through 2024Q1 and J9075
from 2024Q2. Each quarter answers for its own dates with its own billing unit, NDCs and
payment limit.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from infusion_calc.cli import main
from infusion_calc.cms.store import LoadedQuarter
from infusion_calc.core.calculation.payment import payment_for
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.loading import Context

SOLIRIS = ("--drug", "soliris", "--dose", "900 mg", "--vial", "300 mg/30 mL")


def calc(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any] | None, str]:
    status = main(["calc", *args, "--json"])
    captured = capsys.readouterr()
    return status, (json.loads(captured.out) if status == 0 else None), captured.err


# (arguments, code billed, units, payment total, limit per unit, quarter)
BILLABLE = [
    pytest.param(
        (*SOLIRIS, "--given-at", "2025-02-15 10:00"),
        "J1300",
        90,
        "20174.31",
        "224.159",
        "2025Q1",
        id="soliris-2025Q1",
    ),
    pytest.param(
        (
            "--hcpcs",
            "J1300",
            "--dose",
            "900 mg",
            "--vial",
            "300 mg/30 mL",
            "--given-at",
            "2025-02-15 10:00",
        ),
        "J1300",
        90,
        "20174.31",
        "224.159",
        "2025Q1",
        id="J1300-typed-2025Q1",
    ),
    pytest.param(
        (*SOLIRIS, "--given-at", "2025-03-31 23:59"),
        "J1300",
        90,
        "20174.31",
        "224.159",
        "2025Q1",
        id="soliris-last-minute",
    ),
    pytest.param(
        (*SOLIRIS, "--given-at", "2025-04-01 00:00"),
        "J1299",
        450,
        None,
        None,
        "2025Q2",
        id="soliris-first-minute",
    ),
    pytest.param(
        (
            "--hcpcs",
            "J9070",
            "--dose",
            "1000 mg",
            "--vial",
            "500 mg",
            "--given-at",
            "2024-02-15 09:00",
        ),
        "J9070",
        10,
        "205.01",
        "20.501",
        "2024Q1",
        id="cyclophosphamide-J9070-2024Q1",
    ),
]


@pytest.mark.parametrize(("args", "code", "units", "total", "limit", "quarter"), BILLABLE)
def test_a_code_is_billable_with_its_quarters_unit_and_payment(
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    code: str,
    units: int,
    total: str | None,
    limit: str | None,
    quarter: str,
) -> None:
    status, result, err = calc(capsys, *args)
    assert status == 0, err
    assert result is not None
    assert result["hcpcs"] == code
    assert sum(line["units"] for line in result["lines"]) == units
    if total is None:
        assert result["payment"] is None or result["payment"]["quarter"] == quarter
    else:
        payment = result["payment"]
        assert (payment["quarter"], payment["total"], payment["limit_per_unit"]) == (
            quarter,
            total,
            limit,
        )


# (arguments, the text the error must hold)
OUT_OF_EFFECT = [
    pytest.param(
        (
            "--hcpcs",
            "J1299",
            "--dose",
            "900 mg",
            "--vial",
            "300 mg/30 mL",
            "--given-at",
            "2025-02-15 10:00",
        ),
        ("J1299 starts in 2025Q2", "on 2025-02-15 the code is J1300"),
        id="J1299-before-it-starts",
    ),
    pytest.param(
        (
            "--hcpcs",
            "J1300",
            "--dose",
            "900 mg",
            "--vial",
            "300 mg/30 mL",
            "--given-at",
            "2025-04-01 00:00",
        ),
        ("J1300 ended on 2025-03-31", "on 2025-04-01 the code is J1299"),
        id="J1300-after-it-ends",
    ),
    pytest.param(
        ("--hcpcs", "J1300", "--dose", "900 mg", "--vial", "300 mg/30 mL"),
        ("J1300 ended on 2025-03-31", "the code is J1299"),
        id="J1300-without-a-date",
    ),
    pytest.param(
        (
            "--hcpcs",
            "J9070",
            "--dose",
            "1000 mg",
            "--vial",
            "500 mg",
            "--given-at",
            "2024-04-01 00:00",
        ),
        ("J9070 ended on 2024-03-31", "the code is J9075"),
        id="J9070-in-2024Q2",
    ),
]


@pytest.mark.parametrize(("args", "expected"), OUT_OF_EFFECT)
def test_a_code_outside_its_dates_is_refused_naming_the_code_in_effect(
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, str, str, str, str, str, str, str] | tuple[str, str, str, str, str, str],
    expected: tuple[str, str],
) -> None:
    status, _, err = calc(capsys, *args)
    assert status != 0
    for text in expected:
        assert text in err


def test_without_a_date_a_name_resolves_to_the_newest_quarters_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, result, err = calc(capsys, *SOLIRIS)
    assert status == 0, err
    assert result is not None and result["hcpcs"] == "J1299"


def test_a_curated_code_absent_from_older_asp_files_stays_billable_from_its_hcpcs_start(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Q5134 (Tyruko) is in the HCPCS file from 2024-04-01 but in no ASP quarter before 2026Q3:
    # the stronger source (the HCPCS file's ADD DT) decides; the contractor prices it.
    status, result, err = calc(
        capsys, "--drug", "tyruko", "--dose", "300 mg", "--given-at", "2025-02-15"
    )
    assert status == 0, err
    assert result is not None and result["hcpcs"] == "Q5134"
    status, _, err = calc(
        capsys, "--drug", "tyruko", "--dose", "300 mg", "--given-at", "2024-03-31"
    )
    assert status != 0 and "Q5134 starts in 2024Q2" in err


def test_a_date_without_a_time_is_a_date_of_service(capsys: pytest.CaptureFixture[str]) -> None:
    status, result, err = calc(capsys, *SOLIRIS, "--given-at", "2025-02-15")
    assert status == 0, err
    assert result is not None and (result["hcpcs"], result["payment"]["total"]) == (
        "J1300",
        "20174.31",
    )


def test_batch_rows_bill_the_code_of_their_own_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "drug,dose,vial,container,given_at\n"
        "soliris,900 mg,300 mg/30 mL,single-dose,2025-02-15\n"
        "soliris,900 mg,300 mg/30 mL,single-dose,2025-06-01 10:00\n",
        encoding="utf-8",
    )
    status = main(["batch", str(orders), "--format", "jsonl"])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert [(record["hcpcs"], record["units"]) for record in records] == [
        ("J1300", 90),
        ("J1299", 450),
    ]
    assert records[0]["medicare_payment"] == "20174.31"


# -- a date of service picks exactly one quarter ---------------------------------------------


def quarter_of(catalog: Catalog, day: date) -> str:
    """The CMS quarter whose codes answer on `day`."""
    layer = catalog.on(day).cms
    assert layer is not None, "the catalog holds CMS's codes"
    return layer.quarter


@pytest.fixture(scope="module")
def history() -> tuple[Catalog, list[LoadedQuarter]]:
    context = Context()
    catalog = context.catalog
    assert catalog.cms is not None and catalog.cms.history is not None
    return catalog, context.quarters


_FIRST, _LAST = datetime(2024, 1, 1, 0, 0), datetime(2026, 9, 30, 23, 59)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, int((_LAST - _FIRST).total_seconds() // 60)))
@example(int((datetime(2025, 3, 31, 23, 59) - _FIRST).total_seconds() // 60))
@example(int((datetime(2025, 4, 1, 0, 0) - _FIRST).total_seconds() // 60))
@example(int((datetime(2024, 12, 31, 23, 59) - _FIRST).total_seconds() // 60))
@example(int((datetime(2025, 1, 1, 0, 0) - _FIRST).total_seconds() // 60))
def test_a_date_of_service_picks_exactly_one_quarter(
    history: tuple[Catalog, list[LoadedQuarter]], minutes: int
) -> None:
    catalog, quarters = history
    moment = _FIRST + timedelta(minutes=minutes)
    day = moment.date()
    covering = [
        quarter for quarter in quarters if quarter.effective_from <= day <= quarter.effective_to
    ]
    expected_label = f"{day.year}Q{(day.month - 1) // 3 + 1}"
    if (
        expected_label == "2026Q2"
    ):  # not published anywhere reachable: no quarter, and the 2026Q1 codes answer
        assert covering == []
        assert quarter_of(catalog, day) == "2026Q1"
        return
    assert [quarter.quarter for quarter in covering] == [expected_label]
    assert quarter_of(catalog, day) == expected_label
    assert catalog.cms is not None and catalog.cms.history is not None
    assert catalog.cms.history.reference(day).label == expected_label


def test_pricing_and_codes_agree_on_the_quarter_at_its_edges(
    history: tuple[Catalog, list[LoadedQuarter]],
) -> None:
    catalog, quarters = history
    for day, label in ((date(2025, 3, 31), "2025Q1"), (date(2025, 4, 1), "2025Q2")):
        drug = catalog.on(day).lookup("eculizumab")
        assert [each.hcpcs for each in drug if each.generic == "eculizumab"] == (
            ["J1300"] if label == "2025Q1" else ["J1299"]
        )
        from infusion_calc.core.calculation.engine import calculate
        from infusion_calc.core.calculation.request import CalcRequest

        result = calculate(
            catalog, CalcRequest(dose="900 mg", drug="soliris", vials=("300 mg/30 mL",)), day
        )
        payment = payment_for(result, quarters, day)
        assert getattr(payment, "quarter", None) == label
        if label == "2025Q1":
            assert getattr(payment, "total", None) == Decimal("20174.31")


# A product picked from the app's list follows to its code of the day; a code typed never does.
@pytest.mark.parametrize(
    ("code", "day", "billed", "follows"),
    [
        pytest.param("J1299", date(2025, 2, 15), "J1300", True, id="eculizumab-back-to-J1300"),
        pytest.param("J1300", date(2025, 6, 2), "J1299", True, id="eculizumab-on-to-J1299"),
        pytest.param("J1299", date(2025, 6, 2), "J1299", False, id="in-effect-unchanged"),
        pytest.param(
            "J9075", date(2024, 2, 15), "J9070", True, id="cyclophosphamide-back-to-J9070"
        ),
    ],
)
def test_a_picked_product_is_billed_under_the_code_in_effect_that_day(
    code: str, day: date, billed: str, follows: bool
) -> None:
    from infusion_calc.core.calculation.request import CalcRequest
    from infusion_calc.core.pipeline.administration import administer
    from infusion_calc.core.record.encounter import Encounter

    site = Context().site()
    request = CalcRequest(
        dose="900 mg", hcpcs=code, vials=("300 mg/30 mL",), container="single-dose"
    )
    done = administer(
        request,
        Encounter(given_at=datetime.combine(day, datetime.min.time()).astimezone()),
        site,
        follow_code=True,
    )
    assert done.calculation.drug.hcpcs == billed
    assert any(notice.code == "CODE_IN_EFFECT" for notice in done.notices) is follows
    if follows:  # the same order with the code typed is refused, naming the code in effect
        from infusion_calc.core.errors import InputError

        with pytest.raises(InputError, match=f"the code is {billed}"):
            administer(
                request,
                Encounter(given_at=datetime.combine(day, datetime.min.time()).astimezone()),
                site,
            )
