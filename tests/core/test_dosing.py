"""Dose forms: per kg, per m² (given or Mosteller), by volume;
plausible body measures; rounding option."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from infusion_calc.core.calculation.dosing import mosteller_bsa
from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.errors import InputError, PlanError
from infusion_calc.core.record.steps import StepKind
from infusion_calc.core.words.step_text import step_text
from tests.catalog_entries import drug_entry, product_entry, write_site_catalog


def test_per_kg_dose_with_weight_in_pounds_is_exact(catalog: Catalog) -> None:
    calc = calculate(catalog, CalcRequest("5 mg/kg", drug="remicade", weight="154 lb"))
    # 154 lb = 69.85322498 kg; × 5 = 349.2661249 mg, stated to 0.01 mg.
    assert calc.dose_mg == Decimal("349.27")
    assert "DOSE_ROUNDED" in {notice.code for notice in calc.warnings}
    assert calc.billing.administered_units == 35


def test_mosteller_bsa_is_shown_and_used_to_two_decimals() -> None:
    # √(170 × 70 / 3600) = 1.8181... -> 1.82
    assert mosteller_bsa(Decimal(170), Decimal(70)) == Decimal("1.82")


def test_per_m2_dose_from_height_and_weight(catalog: Catalog) -> None:
    calc = calculate(
        catalog, CalcRequest("375 mg/m2", drug="rituxan", height="170 cm", weight="70 kg")
    )
    assert calc.patient.bsa_m2 == Decimal("1.82") and calc.patient.bsa_from_mosteller
    assert calc.dose_mg == Decimal("682.50")
    # 682.5 mg: 500 + 2 x 100 = 700 mg is the least labeled amount that covers it.
    assert sorted((use.product.label, use.count) for use in calc.vials) == [
        ("100 mg/10 mL", 2),
        ("500 mg/50 mL", 1),
    ]
    assert any(
        step.kind is StepKind.BSA_MOSTELLER and "Mosteller" in step_text(step)
        for step in calc.steps
    )


def test_given_bsa_wins_over_height_and_weight(catalog: Catalog) -> None:
    calc = calculate(
        catalog,
        CalcRequest("375 mg/m2", drug="rituxan", bsa="2 m2", height="170 cm", weight="70 kg"),
    )
    assert calc.dose_mg == Decimal(750)


def test_volume_dose_uses_the_product_concentration(catalog: Catalog) -> None:
    calc = calculate(catalog, CalcRequest("15 mL"))
    assert calc.dose_mg == Decimal(300)
    assert calc.preparation.draw_volume_ml == Decimal(15)


@pytest.mark.parametrize(
    ("request_", "field", "says"),
    [
        (CalcRequest("5 mg/kg", drug="remicade"), "weight", "per kg"),
        (CalcRequest("375 mg/m2", drug="rituxan"), "bsa", "per m²"),
        (CalcRequest("375 mg/m2", drug="rituxan", weight="70 kg"), "height", "per m²"),
        (CalcRequest("5 mg/kg", drug="remicade", weight="700 kg"), "weight", "plausible"),
        (CalcRequest("5 mg/kg", drug="remicade", weight="0.1 kg"), "weight", "plausible"),
        (CalcRequest("375 mg/m2", drug="rituxan", bsa="19 m2"), "bsa", "plausible"),
        (
            CalcRequest("375 mg/m2", drug="rituxan", height="1700 cm", weight="70 kg"),
            "height",
            "plausible",
        ),
        (CalcRequest("300 mg", weight="70 mL"), "weight", "not a weight"),
        (CalcRequest("15 mL", drug="entyvio"), "dose", "concentration"),
        (CalcRequest("300 mg", round_within="abc"), "round_within", "percent"),
        (CalcRequest("300 mg", round_within="80"), "round_within", "percent"),
    ],
)
def test_missing_or_implausible_patient_data_names_the_field(
    catalog: Catalog, request_: CalcRequest, field: str, says: str
) -> None:
    with pytest.raises(InputError) as caught:
        calculate(catalog, request_)
    assert caught.value.field == field
    assert says in caught.value.message


def test_whole_vial_rounding_is_an_option_not_applied(catalog: Catalog) -> None:
    calc = calculate(
        catalog, CalcRequest("5 mg/kg", drug="remicade", weight="62 kg", round_within="10")
    )
    assert calc.dose_mg == Decimal(310)
    option = calc.rounding_option
    assert option is not None and option.dose_mg == Decimal(300)
    assert option.change_percent == Decimal("-3.2")
    # The billed lines stay those of the dose as ordered.
    assert [(line.modifiers, line.units) for line in calc.lines] == [((), 31), (("JW",), 9)]


def test_no_rounding_option_outside_the_threshold(catalog: Catalog) -> None:
    calc = calculate(catalog, CalcRequest("350 mg", drug="remicade", round_within="10"))
    assert calc.rounding_threshold == Decimal(10) and calc.rounding_option is None


def test_an_absurd_number_of_vials_is_refused_at_once(catalog: Catalog) -> None:
    with pytest.raises(PlanError, match="more than 100 vials"):
        calculate(
            catalog,
            CalcRequest(
                "10000 mg",
                hcpcs="J9999",
                billing_unit="1 mg",
                vials=("1 mg/1 mL", "5 mg/1 mL", "10 mg/1 mL"),
                round_within="10",
            ),
        )


def test_nusinersen_is_one_intrathecal_vial_per_dose(catalog: Catalog) -> None:
    with pytest.raises(PlanError, match="at most 1 vial per dose"):
        calculate(catalog, CalcRequest("50 mg", drug="spinraza"))
    assert (
        calculate(catalog, CalcRequest("12 mg", drug="spinraza")).billing.administered_units == 120
    )


@pytest.mark.parametrize(
    ("request_", "field", "says"),
    [
        (CalcRequest("12 mg", drug=""), "drug", "empty"),
        (CalcRequest("12 mg", hcpcs="  "), "hcpcs", "empty"),
        (CalcRequest("300 mg", round_within="1_0"), "round_within", "percent"),
        (CalcRequest("300 mg", round_within="٣"), "round_within", "percent"),
        (CalcRequest("300 mg", round_within="-0"), "round_within", "percent"),
        (CalcRequest("٣٠٠ mg"), "dose", "digits 0-9"),
        (CalcRequest("３００ mg"), "dose", "digits 0-9"),
        (
            CalcRequest(
                "300 mg", hcpcs="J9999", billing_unit="1 mg", vials=("100 mg/10 mL", "100 mg/5 mL")
            ),
            "vial",
            "same strength",
        ),
    ],
)
def test_slips_a_script_or_a_keyboard_makes_are_refused(
    catalog: Catalog, request_: CalcRequest, field: str, says: str
) -> None:
    with pytest.raises(InputError) as caught:
        calculate(catalog, request_)
    assert caught.value.field == field and says in caught.value.message


def test_single_and_multi_dose_vials_are_not_mixed_in_one_plan(
    catalog: Catalog, tmp_path: Path
) -> None:
    from infusion_calc.loading import Context

    site = write_site_catalog(
        tmp_path,
        drug_entry(
            "J9998",
            billing_unit="10 mg",
            products=[
                product_entry(
                    "MDV",
                    ndc="12345-6789-01",
                    strength="500 mg",
                    volume="50 mL",
                    container="multi-dose",
                ),
                product_entry(
                    "SDV",
                    ndc="12345-6789-02",
                    strength="100 mg",
                    volume="10 mL",
                    container="single-dose",
                ),
            ],
        ),
    )
    with pytest.raises(InputError, match="single-dose and multi-dose") as caught:
        calculate(Context(catalog_file=site).catalog, CalcRequest("550 mg", hcpcs="J9998"))
    assert caught.value.field == "vial"
    calc = calculate(
        Context(catalog_file=site).catalog,
        CalcRequest("550 mg", hcpcs="J9998", vials=("100 mg/10 mL",)),
    )
    assert [(line.modifiers, line.units) for line in calc.lines] == [((), 55), (("JW",), 5)]


def test_measures_are_kept_by_spelling_bounded_and_never_a_refusal() -> None:
    """A measure read once is the same Decimal every time, found in a plain dict bounded at
    MEASURES_KEPT; a refused one raises again and is not kept."""
    from infusion_calc.core.calculation import dosing

    first = dosing.parse_weight("154 lb")
    assert dosing.parse_weight("154 lb") is first and dosing._WEIGHTS["154 lb"] is first
    assert dosing.parse_height("170 cm") is dosing._HEIGHTS["170 cm"]
    assert dosing.parse_bsa("1.9 m2") is dosing._BSAS["1.9 m2"]
    for _ in range(2):
        with pytest.raises(InputError, match="plausible"):
            dosing.parse_weight("900 kg")
    assert "900 kg" not in dosing._WEIGHTS
    for tenth in range(dosing.MEASURES_KEPT + 10):
        dosing.parse_weight(f"{50 + Decimal(tenth) / 10} kg")
    assert len(dosing._WEIGHTS) <= dosing.MEASURES_KEPT
