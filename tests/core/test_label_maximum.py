"""A label's per-infusion maximum is part of the dose-range check (issue 18 §4).

Actemra IV: 4 to 12 mg/kg by indication, and doses above 800 mg per infusion are not
recommended. 8 mg/kg × 110 kg = 880 mg is inside the mg/kg range but above the maximum.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.catalog.catalog_fields import read_dose_range
from infusion_calc.core.checks.dose_checks import dose_checks


def _codes(calc: Calculation) -> list[tuple[str, str]]:
    return [(check.code, check.severity.value) for check in dose_checks(calc)]


@pytest.mark.parametrize(
    ("weight", "flagged"), [("110 kg", True), ("100 kg", False), ("70 kg", False)]
)
def test_actemra_above_800_mg_per_infusion_is_flagged(
    catalog: Catalog, weight: str, flagged: bool
) -> None:
    calc = calculate(catalog, CalcRequest("8 mg/kg", drug="actemra", weight=weight))
    checks = dose_checks(calc)
    assert any(check.code == "DOSE_OUT_OF_RANGE" for check in checks) is flagged
    if flagged:
        message = checks[0].message
        assert (
            "880 mg" in message
            and "800 mg per infusion" in message
            and "not recommended" in message
        )


def test_the_maximum_is_read_with_the_range() -> None:
    read = read_dose_range(
        {"low": "4 mg/kg", "high": "12 mg/kg", "max_per_infusion": "800 mg", "source": "label"}
    )
    assert read.max_per_infusion == Decimal(800)
    assert "at most 800 mg per infusion" in read.describe()


@pytest.mark.parametrize("bad", ["8 mg/kg", "0 mg", "eight hundred"])
def test_a_maximum_must_be_a_flat_mg_amount(bad: str) -> None:
    with pytest.raises(ValueError, match="max_per_infusion"):
        read_dose_range(
            {"low": "4 mg/kg", "high": "12 mg/kg", "max_per_infusion": bad, "source": "label"}
        )


# --- the problem on the result itself (issue 18 §4) ------------------------------------


def test_the_cli_summary_says_the_dose_problem_under_the_heading(catalog: Catalog) -> None:
    from infusion_calc.core.pipeline.summary import summary

    lines = summary(calculate(catalog, CalcRequest("300 mL"))).splitlines()
    assert lines[1].startswith(
        "  ! CHECK THE DOSE: The dose 6000 mg (typed as 300 mL) is far outside"
    )
    assert lines[3].startswith("  Open          20 ×")  # the alert comes before the vials to open
    assert "CHECK THE DOSE" not in summary(calculate(catalog, CalcRequest("300 mg")))


def test_the_summary_says_an_actemra_dose_above_the_maximum(catalog: Catalog) -> None:
    from infusion_calc.core.pipeline.summary import summary

    text = summary(calculate(catalog, CalcRequest("8 mg/kg", drug="actemra", weight="110 kg")))
    assert "! CHECK THE DOSE: The dose 880 mg is above the label's maximum" in text
