"""The claim-line invariants of domain-facts §8, by construction and as a last line of defence.

1. every line has units ≥ 1 and, with an NDC, an NDC quantity > 0;
2. per NDC, the quantities on its lines never exceed what was opened from it;
3. administered + JW units never exceed the labeled units opened (the administered units
   alone may round up past them: rule 2 rounds the dose up).

The amount given is drawn from the vials in the order they are listed (largest first, as
prepared), so what was not given sits on the last ones. Expected lines below are worked by
hand from that reading (issue 18's five examples).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infusion_calc.core.calculation.billing import ClaimLine, VialUse, bill
from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Product
from infusion_calc.core.checks.claim_invariants import (
    claim_line_problems,
    require_valid_claim_lines,
)
from infusion_calc.core.errors import ClaimLineError
from infusion_calc.core.numbers.rounding import floor_div
from infusion_calc.core.numbers.units import Measure
from infusion_calc.loading import packaged_catalog

CATALOG = packaged_catalog()


def _lines(calc: Calculation) -> list[tuple[str, int, str | None, Decimal | None]]:
    return [(line.code, line.units, line.ndc, line.ndc_quantity) for line in calc.lines]


# (case, request, expected (code, units, ndc11, NDC quantity) lines)
PARTLY_GIVEN_ROWS = [
    (
        "Actemra 8 mg/kg x 70 kg = 560 mg from 400 + 2 x 80, 300 mg given from the 400 mg vial",
        CalcRequest("8 mg/kg", drug="actemra", weight="70 kg", dose_given="300 mg"),
        [
            ("J3262", 300, "50242013701", Decimal(15)),
            ("J3262-JW", 100, "50242013701", Decimal(5)),
            ("J3262-JW", 160, "50242013501", Decimal(8)),
        ],
    ),
    (
        "Venofer 300 mg from 200 + 100, 150 mg given from the 200 mg vial",
        CalcRequest("300 mg", drug="venofer", dose_given="150 mg"),
        [
            ("J1756", 150, "00517231005", Decimal("7.5")),
            ("J1756-JW", 50, "00517231005", Decimal("2.5")),
            ("J1756-JW", 100, "00517234010", Decimal(5)),
        ],
    ),
    (
        "Rituxan 375 mg/m2 x 2.0 m2 = 750 mg from 500 + 3 x 100, 480 mg given from the 500 mg vial",
        CalcRequest("375 mg/m2", drug="rituxan", bsa="2.0 m2", dose_given="480 mg"),
        [
            ("J9312", 48, "50242005306", Decimal(48)),
            ("J9312-JW", 2, "50242005306", Decimal(2)),
            ("J9312-JW", 30, "50242005121", Decimal(30)),
        ],
    ),
    (
        "Gammagard 0.4 g/kg x 70 kg = 28 g from 20 + 5 + 3 x 1 g, 20.3 g given: 40 + 1, JW 9 + 6",
        CalcRequest("0.4 g/kg", drug="gammagard", weight="70 kg", dose_given="20.3 g"),
        [
            ("J1569", 40, "00944270006", Decimal(200)),
            ("J1569", 1, "00944270004", Decimal(3)),
            ("J1569-JW", 9, "00944270004", Decimal(47)),
            ("J1569-JW", 6, "00944270002", Decimal(30)),
        ],
    ),
    (
        "carboplatin 625 mg from 450 + 150 + 50 (multi-dose), 500 mg given: 9 + 1, no JW",
        CalcRequest("625 mg", drug="carboplatin", dose_given="500 mg"),
        [("J9045", 9, "61703033950", Decimal(45)), ("J9045", 1, "61703033922", Decimal(5))],
    ),
]


@pytest.mark.parametrize(
    ("case", "request_", "expected"), PARTLY_GIVEN_ROWS, ids=[row[0] for row in PARTLY_GIVEN_ROWS]
)
def test_partly_given_lines_split_by_ndc_hold(
    case: str, request_: CalcRequest, expected: list[tuple[str, int, str, Decimal]]
) -> None:
    calc = calculate(CATALOG, request_)
    assert _lines(calc) == expected
    assert claim_line_problems(calc) == ()


def test_the_totals_of_the_actemra_example() -> None:
    calc = calculate(
        CATALOG, CalcRequest("8 mg/kg", drug="actemra", weight="70 kg", dose_given="300 mg")
    )
    assert calc.billing.administered_units == 300
    assert calc.billing.discarded_units == 260


def test_the_result_says_which_vials_the_amount_given_came_from() -> None:
    calc = calculate(
        CATALOG, CalcRequest("8 mg/kg", drug="actemra", weight="70 kg", dose_given="300 mg")
    )
    partly = next(notice for notice in calc.warnings if notice.code == "DOSE_PARTLY_GIVEN")
    assert "300 mg from the 400 mg/20 mL vial" in partly.message
    assert "2 × 80 mg/4 mL vials: not used" in partly.message


# --- properties -------------------------------------------------------------------------

NdcUnit = Literal["GR", "ME", "ML", "UN"]
Container = Literal["single-dose", "multi-dose"]
NDCS = ("11111111111", "22222222222", "33333333333", "44444444444")


def _product(index: int, strength: Decimal, unit: NdcUnit, container: Container) -> Product:
    return Product(
        brand="Test",
        ndc=NDCS[index],
        strength=Measure(strength, "mg"),
        volume=Measure(Decimal(10), "mL"),
        form="solution",
        container=container,
        ndc_unit=unit,
    )


@st.composite
def vial_mixes(draw: st.DrawFn) -> tuple[Decimal, tuple[VialUse, ...], Decimal]:
    """1-4 NDCs of distinct strengths (some smaller than the billing unit), counts, a billing unit,
    and an amount given."""
    unit = Decimal(draw(st.sampled_from(["0.1", "1", "2", "10", "50", "100", "500"])))
    strengths = draw(st.lists(st.integers(1, 4000), min_size=1, max_size=4, unique=True))
    ndc_unit: NdcUnit = draw(st.sampled_from(["ML", "UN", "ME", "GR"]))
    container: Container = draw(st.sampled_from(["single-dose", "single-dose", "multi-dose"]))
    uses = tuple(
        VialUse(
            _product(index, Decimal(strength) / 4, ndc_unit, container), draw(st.integers(1, 5))
        )
        for index, strength in enumerate(sorted(strengths, reverse=True))
    )
    labeled = sum((use.labeled_mg for use in uses), Decimal(0))
    hundredths = draw(st.integers(1, int(labeled * 100)))
    return unit, uses, Decimal(hundredths) / 100


settings_ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings_
@given(vial_mixes())
def test_every_vial_mix_and_amount_given_holds_the_three_invariants(
    mix: tuple[Decimal, tuple[VialUse, ...], Decimal],
) -> None:
    unit, uses, given_mg = mix
    billing = bill("J9999", unit, given_mg, uses)
    opened = {use.product.ndc11: use.product for use in uses}
    for line in billing.lines:  # 1: at least one unit, a positive NDC quantity
        assert line.units >= 1
        assert line.ndc_quantity is not None and line.ndc_quantity > 0
    for ndc, product in opened.items():  # 2: never more than was opened from the NDC
        count = next(use.count for use in uses if use.product.ndc11 == ndc)
        in_mg = sum((_mg(line, product) for line in billing.lines if line.ndc == ndc), Decimal(0))
        assert in_mg <= product.strength.value * count + Decimal("0.0005") * _mg_per(
            product.billing_ndc_unit, product
        )
    labeled_units = floor_div(sum((use.labeled_mg for use in uses), Decimal(0)), unit)
    administered = sum(line.units for line in billing.lines if "JW" not in line.modifiers)
    jw = sum(line.units for line in billing.lines if "JW" in line.modifiers)
    assert administered == billing.administered_units and jw == billing.discarded_units
    assert jw == 0 or administered + jw <= labeled_units  # 3
    single = uses[0].product.container == "single-dose"
    assert single or jw == 0


def _mg_per(unit: str, product: Product) -> Decimal:
    return {"ME": Decimal(1), "GR": Decimal(1000), "UN": product.strength.value}.get(
        unit, product.strength.value / 10
    )


def _mg(line: ClaimLine, product: Product) -> Decimal:
    assert line.ndc_quantity is not None and line.ndc_unit is not None, (
        line
    )  # every line of an NDC'd product states both
    return line.ndc_quantity * _mg_per(line.ndc_unit, product)


DRUG_ORDERS = [
    ("actemra", "mg", 80, 1600),
    ("venofer", "mg", 50, 1000),
    ("rituxan", "mg", 100, 2000),
    ("gammagard", "mg", 1000, 60000),
    ("carboplatin", "mg", 50, 1200),
    ("remicade", "mg", 50, 1000),
]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(DRUG_ORDERS), st.data())
def test_curated_drugs_with_any_dose_and_amount_given_pass_the_check(
    order: tuple[str, str, int, int], data: st.DataObject
) -> None:
    drug, unit, low, high = order
    dose = data.draw(st.integers(low, high))
    given_mg = data.draw(st.integers(1, dose))
    calc = calculate(CATALOG, CalcRequest(f"{dose} {unit}", drug=drug, dose_given=f"{given_mg} mg"))
    assert claim_line_problems(calc) == ()


# --- the last line of defence -------------------------------------------------------------


def _broken(calc: Calculation, **changes: Any) -> Calculation:
    from dataclasses import replace

    lines = list(calc.billing.lines)
    lines[0] = replace(lines[0], **changes)
    return replace(calc, billing=replace(calc.billing, lines=tuple(lines)))


def test_a_negative_line_is_refused_with_a_sentence() -> None:
    calc = _broken(calculate(CATALOG, CalcRequest("300 mg")), units=-100)
    problems = claim_line_problems(calc)
    assert problems and "line 1" in problems[0].lower() and "-100" in problems[0]
    with pytest.raises(ClaimLineError, match="not valid"):
        require_valid_claim_lines(calc)


def test_more_than_was_opened_from_an_ndc_is_refused() -> None:
    calc = _broken(calculate(CATALOG, CalcRequest("300 mg")), ndc_quantity=Decimal(77))
    assert any("opened" in problem for problem in claim_line_problems(calc))


def test_more_units_than_labeled_is_refused() -> None:
    calc = calculate(CATALOG, CalcRequest("300 mg", dose_given="200 mg"))
    calc = _broken(calc, units=290)  # 290 administered + 100 JW > the 300 labeled units
    assert any("labeled" in problem for problem in claim_line_problems(calc))
