"""The curated drugs beyond the first three, each with a typical dose worked out by hand.

Every row was computed from the label's vial strengths and the code's billing unit,
before running the engine: dose -> vials opened -> administered units (rounded up) and
JW units (discarded, rounded down, capped at the labeled units), split by NDC.
"""

from __future__ import annotations

import pytest

from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.loading import clinical_rules
from tests.catalog_entries import coded


def _plan(calc: Calculation) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    vials = [(use.product.label, use.count) for use in calc.vials]
    lines = [("-".join((line.hcpcs, *line.modifiers)), line.units) for line in calc.lines]
    return vials, lines


# (case, request, vials opened, claim lines as (code-modifiers, units))
WORKED_EXAMPLES = [
    (
        "Gammagard 0.4 g/kg x 70 kg = 28 g = 56 units of 500 mg; 20 g + 5 g + 3 x 1 g, "
        "nothing left",
        CalcRequest("0.4 g/kg", drug="gammagard", weight="70 kg"),
        [("20000 mg/200 mL", 1), ("5000 mg/50 mL", 1), ("1000 mg/10 mL", 3)],
        [("J1569-JZ", 40), ("J1569-JZ", 10), ("J1569-JZ", 6)],
    ),
    (
        "Venofer 200 mg = one 200 mg/10 mL vial, 200 units of 1 mg",
        CalcRequest("200 mg", drug="venofer"),
        [("200 mg/10 mL", 1)],
        [("J1756-JZ", 200)],
    ),
    (
        "Injectafer 750 mg = one 750 mg/15 mL vial",
        CalcRequest("750 mg", drug="injectafer"),
        [("750 mg/15 mL", 1)],
        [("J1439-JZ", 750)],
    ),
    (
        "Inflectra 5 mg/kg x 73 kg = 365 mg from 4 x 100 mg: 36.5 -> 37 units, 35 mg -> 3 JW",
        CalcRequest("5 mg/kg", drug="inflectra", weight="73 kg"),
        [("100 mg", 4)],
        [("Q5103", 37), ("Q5103-JW", 3)],
    ),
    (
        "Avastin 15 mg/kg x 70 kg = 1050 mg from 2 x 400 + 3 x 100 mg: 105 units, 50 mg -> 5 JW",
        CalcRequest("15 mg/kg", drug="avastin", weight="70 kg"),
        [("400 mg/16 mL", 2), ("100 mg/4 mL", 3)],
        [("J9035", 80), ("J9035", 25), ("J9035-JW", 5)],
    ),
    (
        "Truxima 375 mg/m2 x 1.8 m2 = 675 mg from 500 + 2 x 100 mg: 67.5 -> 68 units, "
        "25 mg -> 2 JW",
        CalcRequest("375 mg/m2", drug="truxima", bsa="1.8 m2"),
        [("500 mg/50 mL", 1), ("100 mg/10 mL", 2)],
        [("Q5115", 50), ("Q5115", 18), ("Q5115-JW", 2)],
    ),
    (
        "Keytruda 200 mg = 2 x 100 mg/4 mL, 200 units of 1 mg",
        CalcRequest("200 mg", drug="keytruda"),
        [("100 mg/4 mL", 2)],
        [("J9271-JZ", 200)],
    ),
    (
        "Opdivo 3 mg/kg x 75 kg = 225 mg from one 240 mg vial: 225 units + 15 JW",
        CalcRequest("3 mg/kg", drug="opdivo", weight="75 kg"),
        [("240 mg/24 mL", 1)],
        [("J9299", 225), ("J9299-JW", 15)],
    ),
    (
        "Actemra 8 mg/kg x 70 kg = 560 mg = 400 + 2 x 80 mg, nothing left",
        CalcRequest("8 mg/kg", drug="actemra", weight="70 kg"),
        [("400 mg/20 mL", 1), ("80 mg/4 mL", 2)],
        [("J3262-JZ", 400), ("J3262-JZ", 160)],
    ),
    (
        "Simponi Aria 2 mg/kg x 80 kg = 160 mg from 4 x 50 mg: 160 units + 40 JW",
        CalcRequest("2 mg/kg", drug="simponi aria", weight="80 kg"),
        [("50 mg/4 mL", 4)],
        [("J1602", 160), ("J1602-JW", 40)],
    ),
    (
        "Orencia 750 mg = 3 x 250 mg powder vials, 75 units of 10 mg",
        CalcRequest("750 mg", drug="orencia"),
        [("250 mg", 3)],
        [("J0129-JZ", 75)],
    ),
    (
        "Tepezza 20 mg/kg x 85 kg = 1700 mg from 4 x 500 mg powder: 170 units + 30 JW",
        CalcRequest("20 mg/kg", drug="tepezza", weight="85 kg"),
        [("500 mg", 4)],
        [("J3241", 170), ("J3241-JW", 30)],
    ),
    (
        "Carboplatin 560 mg from 450 + 150 mg multiple-dose "
        "vials: 11.2 -> 12 units, no JW/JZ, the rest not billed",
        CalcRequest("560 mg", drug="carboplatin"),
        [("450 mg/45 mL", 1), ("150 mg/15 mL", 1)],
        [("J9045", 9), ("J9045", 3)],
    ),
    (
        "Leqembi 10 mg/kg x 72 kg = 720 mg from 4 x 200 mg/2 mL (least waste): 720 units + 80 JW",
        CalcRequest("10 mg/kg", drug="leqembi", weight="72 kg"),
        [("200 mg/2 mL", 4)],
        [("J0174", 720), ("J0174-JW", 80)],
    ),
    (
        "Kisunla 1400 mg = 4 x 350 mg/20 mL, 700 units of 2 mg",
        CalcRequest("1400 mg", drug="kisunla"),
        [("350 mg/20 mL", 4)],
        [("J0175-JZ", 700)],
    ),
    (
        "Ultomiris 3300 mg = 3 x 1100 mg/11 mL, 330 units of 10 mg",
        CalcRequest("3300 mg", drug="ultomiris"),
        [("1100 mg/11 mL", 3)],
        [("J1303-JZ", 330)],
    ),
]


@pytest.mark.parametrize(
    ("case", "request_", "vials", "lines"), WORKED_EXAMPLES, ids=[row[0] for row in WORKED_EXAMPLES]
)
def test_a_typical_dose_of_each_new_drug_bills_as_worked_out_by_hand(
    catalog: Catalog,
    case: str,
    request_: CalcRequest,
    vials: list[tuple[str, int]],
    lines: list[tuple[str, int]],
) -> None:
    assert _plan(calculate(catalog, request_)) == (vials, lines)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("inflectra", "Q5103"),
        ("renflexis", "Q5104"),
        ("avsola", "Q5121"),
        ("avastin", "J9035"),
        ("mvasi", "Q5107"),
        ("zirabev", "Q5118"),
        ("gammagard", "J1569"),
        ("infliximab-dyyb", "Q5103"),
    ],
)
def test_a_brand_or_biosimilar_name_finds_its_own_code(
    catalog: Catalog, name: str, code: str
) -> None:
    assert calculate(catalog, CalcRequest("100 mg", drug=name)).drug.hcpcs == code


def test_codes_that_also_cover_syringes_for_another_route_list_only_iv_vials(
    catalog: Catalog,
) -> None:
    """J0129 (abatacept) and J3262 (tocilizumab) also bill subcutaneous syringes;
    an IV plan never uses one."""
    for code in ("J0129", "J3262", "J3358"):
        drug = coded(catalog, code)
        assert drug.route == "IV"
        assert all(product.container == "single-dose" for product in drug.products)
    assert [p.label for p in coded(catalog, "J0129").products] == ["250 mg"]


def test_every_new_entry_says_how_it_is_administered_for_billing(catalog: Catalog) -> None:
    classes = {drug.hcpcs: drug.drug_class for drug in catalog.drugs}
    assert classes["J9271"] == classes["J9035"] == "antineoplastic"
    assert classes["Q5103"] == classes["J3262"] == "complex-biologic"
    assert classes["J1569"] == classes["J1756"] == "other"


@pytest.mark.parametrize(
    ("drug", "dose", "weight", "flagged"),
    [
        ("perjeta", "4200 mg", None, True),  # a slipped zero: ten times the 420 mg maintenance dose
        ("perjeta", "840 mg", None, False),  # the labeled loading dose
        ("inflectra", "5 mg/kg", "70 kg", False),
        ("tepezza", "200 mg/kg", "70 kg", True),  # mg/kg typed ten times over
    ],
)
def test_a_labeled_dose_range_catches_a_dose_typed_far_off(
    catalog: Catalog, drug: str, dose: str, weight: str | None, flagged: bool
) -> None:
    from infusion_calc.core.checks.checks import run_checks

    checks = run_checks(
        calculate(catalog, CalcRequest(dose, drug=drug, weight=weight)),
        catalog=catalog,
        rules=clinical_rules(),
    )
    assert ("DOSE_OUT_OF_RANGE" in {check.code for check in checks}) is flagged
