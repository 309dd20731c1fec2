"""A claim never states an NDC quantity of 0 for a drug that was given or discarded,
and a payer that accepts only ME gets ME when the product can be stated in it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.exports import ExportError, render
from infusion_calc.core.pipeline.site_config import ClaimRules, ExportSettings
from infusion_calc.loading import packaged_catalog
from tests.catalog_entries import NOC_DESCRIPTOR, drug_entry, packaged_with, powder_entry
from tests.core.test_exports_x12 import envelope, validate

WHEN = datetime(2026, 5, 1, 10, 30, tzinfo=UTC)


def big_powder(strength: int = 5000) -> Catalog:
    vial = powder_entry(
        "Bigpowder",
        strength=f"{strength} mg",
        reconstitute_with="100 mL",
        reconstituted_concentration=f"{Decimal(strength) / 100} mg/mL",
    )
    return packaged_with(
        drug_entry(
            "J9999",
            descriptor=NOC_DESCRIPTOR,
            generic="bigpowder",
            billing_unit="1 mg",
            products=[vial],
        )
    )


def test_one_mg_left_of_a_5000_mg_powder_is_stated_in_me_on_both_lines() -> None:
    calc = calculate(big_powder(), CalcRequest("4999 mg", drug="bigpowder"))
    assert [(line.modifiers, line.ndc_unit, line.ndc_quantity) for line in calc.lines] == [
        ((), "ME", Decimal("4999")),
        (("JW",), "ME", Decimal("1")),
    ]
    assert "NDC_QUANTITY_IN_ME" in {notice.code for notice in calc.warnings}
    settings_ = ExportSettings(charges={"J9999": Decimal("1.00")})
    x12 = render(calc, "837p", settings_, when=WHEN)
    assert "CTP****4999*ME~" in x12.text and "CTP****1*ME~" in x12.text
    assert "NDC_QUANTITY_IN_ME" in {notice.code for notice in x12.notices}
    ok, errors = validate(envelope(x12.text, "837p", "5000.00"))
    assert ok, errors
    cms = render(calc, "cms1500", settings_).text
    assert "ME4999" in cms and "ME1 " in cms and "UN0" not in cms


def test_a_payer_refusing_me_gets_grams_when_that_keeps_the_quantity_above_zero() -> None:
    calc = calculate(big_powder(), CalcRequest("4999 mg", drug="bigpowder"))
    rules = ExportSettings(ClaimRules(ndc_units=("UN", "GR")), payer="medicaid")
    text = render(calc, "837p", rules, when=WHEN).text
    assert "CTP****4.999*GR~" in text and "CTP****0.001*GR~" in text


def test_a_payer_whose_units_all_round_to_zero_is_refused_with_a_sentence() -> None:
    calc = calculate(big_powder(), CalcRequest("4999 mg", drug="bigpowder"))
    with pytest.raises(
        ExportError, match=r"Line 2 \(J9999-JW\): ME 1 is 0 in UN .*must not state a quantity of 0"
    ):
        render(calc, "837p", ExportSettings(ClaimRules(ndc_units=("UN",)), payer="x"), when=WHEN)


def test_a_payer_that_accepts_only_me_gets_me_for_a_solution() -> None:
    calc = calculate(packaged_catalog(), CalcRequest("250 mg"))
    result = render(
        calc, "837p", ExportSettings(ClaimRules(ndc_units=("ME",)), payer="me-only"), when=WHEN
    )
    assert "CTP****250*ME~" in result.text and "CTP****50*ME~" in result.text
    assert {notice.code for notice in result.notices} >= {"NDC_UNIT_CONVERTED"}


@settings(max_examples=150, deadline=None)
@given(strength=st.integers(100, 100_000), data=st.data())
def test_no_line_ever_claims_zero(strength: int, data: st.DataObject) -> None:
    dose = data.draw(st.integers(1, strength * 3))
    calc = calculate(big_powder(strength), CalcRequest(f"{dose} mg", drug="bigpowder"))
    for line in calc.lines:
        assert line.ndc_quantity is not None and line.ndc_quantity > 0, calc.lines
    for units in (("UN", "ME"), ("UN", "GR"), ("ML",)):
        try:
            result = render(calc, "837p", ExportSettings(ClaimRules(ndc_units=units)), when=WHEN)
        except ExportError as error:
            assert "0" in str(error) or "cannot be stated" in str(error)
            continue
        assert "CTP****0*" not in result.text
