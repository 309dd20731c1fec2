"""Claim-line exports: the fields a biller types or pastes, payer settings, and honest gaps.

Expected values come from the claim layouts (CMS-1500 24A/24D/24F/24G, UB-04 FL42-47,
NUCC quantity rules) applied by hand to the engine's lines.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.exports import FORMATS, ExportError, export, render
from infusion_calc.core.pipeline.site_config import ClaimRules, ExportSettings, NdcSpacing
from infusion_calc.core.words.contract import calculation_to_dict
from infusion_calc.loading import packaged_catalog
from tests.catalog_entries import drug_entry, packaged_with, product_entry

CHARGES = ExportSettings(
    charges={"J2323": Decimal("4.00"), "J2326": Decimal("35.10"), "J9998": Decimal("12.00")}
)

TEST_DRUG = drug_entry(
    "J9998",
    generic="testumab",
    brands=["Testa"],
    billing_unit="10 mg",
    products=[
        product_entry("Testa", strength="100 mg", volume="10 mL", ndc_unit="ME"),
    ],
)


def calc_for(dose: str, **kwargs: Any) -> Calculation:
    return calculate(packaged_catalog(), CalcRequest(dose, **kwargs))


def milligram_calc() -> Calculation:
    """70 mg of a 100 mg/10 mL vial billed in ME: J9998 x 7 (ME 70) + JW x 3 (ME 30).

    The lines are set by hand: the engine states a catalog `ndc_unit = "ME"` quantity
    as a fraction of a vial (reported as an engine issue), and this test is about the
    payer conversion, not that.
    """
    catalog = packaged_with(TEST_DRUG)
    calc = calculate(catalog, CalcRequest("70 mg", hcpcs="J9998"))
    lines = tuple(
        replace(line, ndc_unit="ME", ndc_quantity=mg)
        for line, mg in zip(calc.lines, (Decimal("70"), Decimal("30")), strict=True)
    )
    return replace(calc, billing=replace(calc.billing, lines=lines))


def rows(text: str) -> list[list[str]]:
    """A fixed-width table split on runs of 2+ spaces, header dropped."""
    import re

    return [re.split(r"\s{2,}", line.strip()) for line in text.splitlines()[1:]]


def test_cms1500_full_vial_tysabri_fills_24a_24d_24f_24g() -> None:
    text = export(calc_for("300 mg"), "cms1500", CHARGES)
    assert rows(text) == [["1", "N464406000801 ML15", "J2323 JZ", "1200.00", "300"]]


def test_cms1500_partial_dose_has_a_jw_row_with_the_rest_of_the_vial() -> None:
    text = export(calc_for("250 mg"), "cms1500", CHARGES)
    assert rows(text) == [
        ["1", "N464406000801 ML12.5", "J2323", "1000.00", "250"],
        ["2", "N464406000801 ML2.5", "J2323 JW", "200.00", "50"],
    ]


def test_ndc_quantity_keeps_three_decimals_and_charges_are_exact_cents() -> None:
    # nusinersen 7 mg of 12 mg/5 mL: 70 units of 0.1 mg; 7/12 x 5 mL = 2.91666.. -> 2.917 mL
    text = export(calc_for("7 mg", drug="spinraza"), "cms1500", CHARGES)
    assert rows(text) == [
        ["1", "N464406005801 ML2.917", "J2326", "2457.00", "70"],
        ["2", "N464406005801 ML2.083", "J2326 JW", "1755.00", "50"],
    ]


@pytest.mark.parametrize(
    ("spacing", "field"),
    [
        ("one-space", "N464406000801 ML15"),  # NUCC
        ("none", "N464406000801ML15"),
        ("columns", "N464406000801   ML15"),  # qualifier from position 17
    ],
)
def test_ndc_spacing_is_a_payer_setting(spacing: NdcSpacing, field: str) -> None:
    settings = ExportSettings(ClaimRules(ndc_spacing=spacing), CHARGES.charges)
    text = export(calc_for("300 mg"), "cms1500", settings)
    assert field in text
    if spacing == "columns":
        assert field.index("ML") == 16


def test_ub04_uses_revenue_code_0636_and_the_n4_ndc_in_fl43() -> None:
    text = export(calc_for("250 mg"), "ub04", CHARGES)
    assert rows(text) == [
        ["1", "0636", "N464406000801 ML12.5", "J2323", "250", "1000.00"],
        ["2", "0636", "N464406000801 ML2.5", "J2323 JW", "50", "200.00"],
    ]


def test_a_line_without_a_verified_ndc_is_never_given_one() -> None:
    calc = calc_for("250 mg", drug="tyruko")  # Tyruko's NDC is not verified
    for fmt in ("cms1500", "ub04", "837p", "837i", "csv", "text"):
        result = render(calc, fmt, CHARGES)
        assert "N4" not in result.text.replace("(NDC from carton)", ""), fmt
        missing = [notice for notice in result.notices if notice.code == "NDC_MISSING"]
        assert len(missing) == 2 and all("carton" in notice.message for notice in missing), fmt
    assert "(NDC from carton)" in export(calc, "cms1500", CHARGES)


def test_a_missing_charge_is_a_warning_and_a_blank_never_a_number() -> None:
    calc = calc_for("250 mg")
    result = render(calc, "csv", ExportSettings())
    assert [notice.code for notice in result.notices] == [
        "CHARGE_MISSING"
    ]  # once per code, not per line
    assert "J2323" in result.notices[0].message
    charges = [row["charge"] for row in csv.DictReader(io.StringIO(result.text))]
    assert charges == ["", ""]
    assert "0.00" not in export(calc, "cms1500") and "(not in CDM)" in export(calc, "cms1500")


def test_a_payer_that_refuses_me_gets_the_quantity_in_ml_with_a_notice() -> None:
    calc = milligram_calc()
    assert [(line.ndc_unit, line.ndc_quantity) for line in calc.lines] == [
        ("ME", Decimal("70")),
        ("ME", Decimal("30")),
    ]
    accepting = render(calc, "cms1500", CHARGES)
    assert "N412345678901 ME70" in accepting.text and not accepting.notices
    refusing = ExportSettings(
        ClaimRules(ndc_units=("F2", "GR", "ML", "UN")), CHARGES.charges, payer="medicaid"
    )
    result = render(calc, "cms1500", refusing)
    assert rows(result.text) == [
        ["1", "N412345678901 ML7", "J9998", "84.00", "7"],
        ["2", "N412345678901 ML3", "J9998 JW", "36.00", "3"],
    ]
    assert [notice.code for notice in result.notices] == ["NDC_UNIT_CONVERTED"] * 2
    assert "medicaid" in result.notices[0].message and "ME" in result.notices[0].message


def test_a_unit_the_payer_cannot_take_at_all_is_an_error_naming_the_setting() -> None:
    only_units = ExportSettings(
        ClaimRules(ndc_units=("F2",)), payer="acme"
    )  # international units: not from mg
    with pytest.raises(ExportError, match=r"acme.*accepted: F2.*ndc_units"):
        export(calc_for("300 mg"), "ub04", only_units)


def test_a_payer_that_takes_only_grams_gets_grams() -> None:
    only_grams = ExportSettings(ClaimRules(ndc_units=("GR",)), payer="acme")
    assert "N464406000801 GR0.3" in export(calc_for("300 mg"), "ub04", only_grams)


def test_csv_has_one_row_per_line_with_exact_text_values() -> None:
    result = render(calc_for("250 mg"), "csv", CHARGES)
    table = list(csv.DictReader(io.StringIO(result.text)))
    assert table == [
        {
            "line": "1",
            "hcpcs": "J2323",
            "modifiers": "",
            "units": "250",
            "ndc": "64406000801",
            "ndc_unit": "ML",
            "ndc_quantity": "12.5",
            "charge": "1000.00",
        },
        {
            "line": "2",
            "hcpcs": "J2323",
            "modifiers": "JW",
            "units": "50",
            "ndc": "64406000801",
            "ndc_unit": "ML",
            "ndc_quantity": "2.5",
            "charge": "200.00",
        },
    ]


def test_json_is_the_engine_contract_unchanged() -> None:
    calc = calc_for("5 mg/kg", drug="remicade", weight="73 kg")
    assert json.loads(export(calc, "json", CHARGES)) == calculation_to_dict(calc)


def test_text_lists_the_lines_and_a_total_only_when_every_charge_is_known() -> None:
    calc = calc_for("250 mg")
    text = export(calc, "text", CHARGES)
    # The claim syntax, spaced as the payer's 24A wants
    # it (one space by default): what the biller keys in.
    assert "J2323-JW" in text and "N464406000801 ML2.5" in text
    assert "Total charge 1200.00" in text
    assert "Total" not in export(calc, "text")


def test_two_ndcs_give_one_administered_line_each() -> None:
    calc = calc_for("520 mg", drug="benlysta")  # 400 mg + 120 mg vials, two NDCs
    lines = [row for row in csv.DictReader(io.StringIO(export(calc, "csv")))]
    assert len({row["ndc"] for row in lines}) == 2


def test_an_unknown_format_names_the_choices() -> None:
    with pytest.raises(ExportError, match="cms1500.*837p.*fhir"):
        export(calc_for("300 mg"), "pdf")


def test_every_format_renders_the_everyday_case() -> None:
    calc = calc_for("300 mg")
    for fmt in FORMATS:
        assert export(calc, fmt, CHARGES).strip(), fmt
