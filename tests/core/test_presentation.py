"""One presentation module: a vial, a code, an NDC and
a step read the same in every front end and export."""

from __future__ import annotations

import json
from datetime import UTC
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.exports import render
from infusion_calc.core.pipeline.site_config import ExportSettings
from infusion_calc.core.record.steps import BILLING, DOSE_ARITHMETIC, Step, StepKind
from infusion_calc.core.words import step_text as step_texts
from infusion_calc.core.words.labels import (
    code_label,
    ndc_for_claims,
    ndc_for_people,
    readable_ndc,
    vial_text,
    vials_text,
)
from infusion_calc.core.words.step_text import step_text


@pytest.mark.parametrize(
    ("count", "size", "text"),
    [
        (1, "300 mg/15 mL", "1 × 300 mg/15 mL"),
        (3, "100 mg", "3 × 100 mg"),
    ],
)
def test_a_vial_is_count_times_size(count: int, size: str, text: str) -> None:
    assert vial_text(count, size) == text


def test_several_vial_sizes_are_joined_with_plus() -> None:
    assert (
        vials_text(((1, "400 mg/16 mL"), (3, "100 mg/4 mL")))
        == "1 × 400 mg/16 mL + 3 × 100 mg/4 mL"
    )


@pytest.mark.parametrize(
    ("hcpcs", "modifiers", "label"),
    [
        ("J2323", (), "J2323"),
        ("J2323", ("JW",), "J2323-JW"),
        ("J9035", ("JZ", "TB"), "J9035-JZ-TB"),
    ],
)
def test_a_code_label_joins_the_modifiers_with_hyphens(
    hcpcs: str, modifiers: tuple[str, ...], label: str
) -> None:
    assert code_label(hcpcs, modifiers) == label


@pytest.mark.parametrize(
    ("ndc", "quantity", "unit", "text"),
    [
        ("64406-0008-01", Decimal("12.5"), "ML", "NDC 64406-0008-01, 12.5 mL"),
        (
            "64406000801",
            Decimal("2.5"),
            "ML",
            "NDC 64406-0008-01, 2.5 mL",
        ),  # 11 digits get the carton's hyphens
        (
            "57894003001",
            "0.35",
            "UN",
            "NDC 57894-0030-01, 0.35 vial",
        ),  # a contract string, UN in words
        ("64406-0008-01", None, None, "NDC 64406-0008-01"),
        (None, None, None, "NDC not verified"),
    ],
)
def test_a_person_reads_the_ndc_as_the_carton_prints_it(
    ndc: str | None, quantity: Decimal | str | None, unit: str | None, text: str
) -> None:
    assert ndc_for_people(ndc, quantity, unit) == text


@pytest.mark.parametrize(
    ("spacing", "text"),
    [
        ("one-space", "N464406000801 ML12.5"),
        ("none", "N464406000801ML12.5"),
        ("columns", "N464406000801   ML12.5"),  # the unit qualifier at position 17
    ],
)
def test_a_claim_form_gets_the_n4_syntax_spaced_as_the_payer_wants(spacing: str, text: str) -> None:
    assert ndc_for_claims("64406000801", "ML", Decimal("12.5"), spacing) == text


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_the_readable_ndc_is_the_claim_ndc_with_hyphens(ndc: str) -> None:
    shown = readable_ndc(ndc)
    assert shown.replace("-", "") == ndc and [len(part) for part in shown.split("-")] == [5, 4, 2]


def test_steps_are_data_and_their_text_is_written_once(catalog: Catalog) -> None:
    calc = calculate(catalog, CalcRequest("5 mg/kg", drug="remicade", weight="154 lb"))
    kinds = [step.kind for step in calc.steps]
    assert kinds == [
        StepKind.WEIGHT,
        StepKind.DOSE_PER_KG,
        StepKind.VIALS,
        StepKind.ADMINISTERED,
        StepKind.DISCARDED,
    ]
    administered = calc.steps[3]
    assert dict(administered.figures)["units"] == calc.billing.administered_units
    assert step_text(administered).startswith("Administered: 349.27 mg ÷ 10 mg per unit")
    assert (
        step_text(calc.steps[1])
        == "5 mg/kg × 154 lb = 349.27 mg (from 349.2661249 mg, rounded to 0.01 mg)"
    )


def test_the_contract_keeps_the_steps_as_sentences(catalog: Catalog) -> None:
    from infusion_calc.core.words.contract import calculation_to_dict

    calc = calculate(catalog, CalcRequest("250 mg"))
    assert calculation_to_dict(calc)["calculation"] == [
        "Dose ordered: 250 mg",
        "Vials: 1 × 300 mg/15 mL = 300 mg labeled",
        "Administered: 250 mg ÷ 1 mg per unit = 250 → 250 units (rounded up)",
        "Discarded: 300 mg opened − 250 mg = 50 mg ÷ 1 mg = 50 → 50 units (rounded down)",
    ]


def test_the_step_groups_cover_every_kind_but_the_order_and_the_amount_given() -> None:
    assert set(StepKind) - DOSE_ARITHMETIC - BILLING == {StepKind.DOSE_ORDERED, StepKind.DOSE_GIVEN}
    assert set(step_texts.STEP_TEXTS) == set(StepKind)  # every kind has its sentence


def test_a_cap_step_states_the_labeled_units() -> None:
    step = Step.of(StepKind.CAP, ("administered", 1), ("labeled_units", 1), ("jw", 0))
    assert step_text(step) == "Cap: 1 + JW ≤ 1 labeled units → 0 JW units"


def test_the_fhir_note_reads_the_ndc_as_the_carton_prints_it(catalog: Catalog) -> None:
    calc = calculate(catalog, CalcRequest("250 mg"))
    from datetime import datetime

    resource = json.loads(
        render(calc, "fhir", ExportSettings(), when=datetime(2026, 1, 5, tzinfo=UTC)).text
    )
    notes = [note["text"] for note in resource["note"]]
    assert "Vials opened: 1 × 300 mg/15 mL (NDC 64406-0008-01)." in notes
    assert (
        "Claim lines: J2323 × 250 (NDC 64406-0008-01, 12.5 mL); "
        "J2323-JW × 50 (NDC 64406-0008-01, 2.5 mL)." in notes
    )
