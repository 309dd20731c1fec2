"""The amount actually given: billed administered units come from what reached the
patient, and the part prepared but not infused is counted with the rest of what was discarded.

Rows are worked by hand: administered units = given ÷ billing unit rounded up; discarded units =
(labeled amount opened − given) ÷ billing unit rounded down, capped so administered + JW never
exceeds the labeled units.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers.rounding import ceil_div
from infusion_calc.core.record.steps import StepKind
from infusion_calc.core.words.contract import calculation_to_dict
from infusion_calc.core.words.step_text import step_text


def _lines(calc: Calculation) -> list[tuple[str, int]]:
    return [(line.code, line.units) for line in calc.lines]


# (case, request, expected claim lines as (code, units))
GIVEN_ROWS = [
    (
        "Tysabri ordered 300 mg, one 300 mg vial opened, 200 mg given",
        CalcRequest("300 mg", dose_given="200 mg"),
        [("J2323", 200), ("J2323-JW", 100)],
    ),
    (
        "infliximab 5 mg/kg x 73 kg = 365 mg from 4 x 100 mg, stopped at 200 mg: 20 + JW 20",
        CalcRequest("5 mg/kg", drug="remicade", weight="73 kg", dose_given="200 mg"),
        [("J1745", 20), ("J1745-JW", 20)],
    ),
    (
        "infliximab 400 mg, 355 mg given: 35.5 up to 36, 45 mg down to 4 JW",
        CalcRequest("400 mg", drug="remicade", dose_given="355 mg"),
        [("J1745", 36), ("J1745-JW", 4)],
    ),
    (
        "Ocrevus 600 mg from 2 x 300 mg, 450 mg given",
        CalcRequest("600 mg", drug="ocrelizumab", dose_given="450 mg"),
        [("J2350", 450), ("J2350-JW", 150)],
    ),
    (
        "Spinraza 12 mg, 6 mg given: 0.1 mg units",
        CalcRequest("12 mg", hcpcs="J2326", dose_given="6 mg"),
        [("J2326", 60), ("J2326-JW", 60)],
    ),
    (
        "all of the dose given, entered: the same as not entering it (JZ)",
        CalcRequest("300 mg", dose_given="300 mg"),
        [("J2323-JZ", 300)],
    ),
    (
        "given in g: 0.2 g is 200 mg",
        CalcRequest("300 mg", dose_given="0.2 g"),
        [("J2323", 200), ("J2323-JW", 100)],
    ),
    (
        "less than one unit left over after what was given: no JW line, JZ on the one line",
        CalcRequest("300 mg", dose_given="299.5 mg"),
        [("J2323-JZ", 300)],
    ),
]


@pytest.mark.parametrize(
    ("case", "request_", "expected"), GIVEN_ROWS, ids=[row[0] for row in GIVEN_ROWS]
)
def test_billed_from_the_amount_given(
    catalog: Catalog, case: str, request_: CalcRequest, expected: list[tuple[str, int]]
) -> None:
    assert _lines(calculate(catalog, request_)) == expected


def test_the_order_and_the_vials_stay_those_of_the_dose_prepared(catalog: Catalog) -> None:
    calc = calculate(catalog, CalcRequest("300 mg", dose_given="200 mg"))
    assert calc.dose_mg == Decimal(300) and calc.given_mg == Decimal(200)
    assert calc.preparation.draw_volume_ml == Decimal(15)  # 15 mL was drawn into the bag
    assert [(line.ndc_quantity) for line in calc.lines] == [
        Decimal("10.000"),
        Decimal("5.000"),
    ]  # 10 mL given, 5 mL not
    given = next(step for step in calc.steps if step.kind is StepKind.DOSE_GIVEN)
    assert (dict(given.figures)["given"], dict(given.figures)["dose"]) == (
        Decimal(200),
        Decimal(300),
    )
    assert step_text(given) == "Dose given: 200 mg of the 300 mg prepared"


def test_a_result_with_less_given_says_the_jw_treatment_is_not_verified(catalog: Catalog) -> None:
    calc = calculate(catalog, CalcRequest("300 mg", dose_given="200 mg"))
    notice = next(notice for notice in calc.warnings if notice.code == "DOSE_PARTLY_GIVEN")
    assert "100 mg prepared but not infused is counted as discarded" in notice.message
    assert "PARTIAL, not verified" in notice.message and "confirm with your MAC" in notice.message


@pytest.mark.parametrize("typed", [None, "", "300 mg"])
def test_no_notice_when_the_whole_dose_was_given(catalog: Catalog, typed: str | None) -> None:
    calc = calculate(catalog, CalcRequest("300 mg", dose_given=typed))
    assert "DOSE_PARTLY_GIVEN" not in {notice.code for notice in calc.warnings}


def test_the_contract_adds_dose_given_and_keeps_dose_as_the_dose_ordered(catalog: Catalog) -> None:
    partly = calculation_to_dict(calculate(catalog, CalcRequest("300 mg", dose_given="200 mg")))
    assert (partly["dose"], partly["dose_given"], partly["administered_units"]) == (
        "300 mg",
        "200 mg",
        200,
    )
    assert calculation_to_dict(calculate(catalog, CalcRequest("300 mg")))["dose_given"] is None


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("400 mg", "400 mg given is more than the 300 mg prepared for this order"),
        ("300.01 mg", "300.01 mg given is more than the 300 mg prepared"),
        ("10 mL", "'mL' is not a mass. Enter a mass such as 300 mg."),
        ("0 mg", "The amount must be more than zero."),
        ("-5 mg", "The amount must be more than zero."),
        ("200", "Add a unit."),
        ("1,5 mg", "Use a dot for decimals"),
        ("200 µg", "write mcg"),
        ("nan mg", "Start with a number"),
    ],
)
def test_a_bad_amount_given_is_refused_naming_the_field(
    catalog: Catalog, typed: str, says: str
) -> None:
    with pytest.raises(InputError) as raised:
        calculate(catalog, CalcRequest("300 mg", dose_given=typed))
    assert raised.value.field == "dose_given"
    assert says in raised.value.message


SCENARIOS = st.sampled_from(
    [
        CalcRequest("300 mg"),
        CalcRequest("365 mg", drug="remicade"),
        CalcRequest("12 mg", hcpcs="J2326"),
        CalcRequest("600 mg", drug="ocrelizumab"),
        CalcRequest("7 mg", drug="remicade"),
        CalcRequest("95 mg", hcpcs="J9999", billing_unit="10 mg", vials=("100 mg/10 mL",)),
    ]
)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(SCENARIOS, st.integers(1, 10_000))
def test_giving_less_bills_what_was_given_and_never_more_than_was_opened(
    catalog: Catalog, order: CalcRequest, ten_thousandths: int
) -> None:
    prepared = calculate(catalog, order).dose_mg
    amount = max((prepared * ten_thousandths / 10_000).quantize(Decimal("0.01")), Decimal("0.01"))
    calc = calculate(catalog, CalcRequest(**{**_fields(order), "dose_given": f"{amount} mg"}))
    billing, unit = calc.billing, calc.drug.billing_unit.value
    assert billing.administered_units == ceil_div(amount, unit)
    assert billing.administered_units + billing.discarded_units <= billing.labeled_units
    assert billing.discarded_mg == calc.labeled_mg - amount
    quantities = [line.ndc_quantity for line in calc.lines if line.ndc_quantity is not None]
    if quantities and len(calc.vials) == 1:  # what the lines carry adds up to what was opened
        product, count = calc.vials[0].product, calc.vials[0].count
        # A quantity that would round to 0 moves the NDC's lines to ME (mg),
        # so compare in their unit.
        per_vial = {
            "ML": product.volume.value if product.volume else None,
            "ME": product.strength.value,
            "UN": 1,
        }
        each = per_vial[calc.lines[0].ndc_unit or ""]
        assert each is not None, "a line in ML comes from a vial with a volume"
        opened = count * each
        assert sum(quantities) == opened


def _fields(request: CalcRequest) -> dict[str, Any]:
    return {name: getattr(request, name) for name in CalcRequest.__slots__}


def test_a_not_otherwise_classified_claim_names_the_amount_given(catalog: Catalog) -> None:
    from infusion_calc.core.exports.noc import noc_description

    request = CalcRequest(
        "95 mg", drug="testmab", hcpcs="J9999", billing_unit="1 mg", vials=("100 mg/10 mL",)
    )
    assert noc_description(calculate(catalog, request)) == "testmab 95 mg"
    stopped = calculate(catalog, CalcRequest(**{**_fields(request), "dose_given": "60 mg"}))
    assert noc_description(stopped) == "testmab 60 mg"
