"""Activity units (units, IU), per-volume and per-dose billing: each product's units stay its own.

The worked examples are domain-facts.md §8's (a Botox vial is CMS's own JW example,
Transmittal 1478) and the AAPC 2008 rimabotulinumtoxinB vial.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infusion_calc.cli import main
from infusion_calc.cms.dosage import COMBINATION, NOT_A_MASS, RANGE, DosageRefused, billing_unit
from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers.activity_kinds import ACTIVITY_KINDS
from infusion_calc.core.numbers.amounts import bind
from infusion_calc.core.numbers.unit_book import unit_book
from infusion_calc.core.numbers.units import Measure, kind_defined, parse_amount, parse_dose
from infusion_calc.core.words.step_text import step_text


def _lines(calc: Calculation) -> list[tuple[str, int]]:
    return [("-".join((line.hcpcs, *line.modifiers)), line.units) for line in calc.lines]


WORKED = [
    (
        "Botox 100-unit vial, 60 units -> J0585 x 60 + JW x 40",
        CalcRequest("60 units", drug="botox", vials=("100 units",)),
        [("J0585", 60), ("J0585-JW", 40)],
    ),
    (
        "The issue's command: --hcpcs J0585 --billing-unit "
        "'1 unit' --vial '100 units' --dose '60 units'",
        CalcRequest("60 units", hcpcs="J0585", billing_unit="1 unit", vials=("100 units",)),
        [("J0585", 60), ("J0585-JW", 40)],
    ),
    (
        "A code not in the catalog billed per 10 units, typed by hand",
        CalcRequest("250 units", hcpcs="J9998", billing_unit="10 units", vials=("1000 units",)),
        [("J9998", 25), ("J9998-JW", 75)],
    ),
    (
        "Dysport 500-unit vial, 300 units, 5-unit billing unit -> J0586 x 60 + JW x 40",
        CalcRequest("300 units", drug="dysport", vials=("500 units",)),
        [("J0586", 60), ("J0586-JW", 40)],
    ),
    (
        "Myobloc 5,000-unit vial, 4,000 units, 100-unit billing unit -> J0587 x 40 + JW x 10",
        CalcRequest("4000 units", drug="myobloc", vials=("5000 units/1 mL",)),
        [("J0587", 40), ("J0587-JW", 10)],
    ),
    (
        "Xeomin 100 units from the 100-unit vial -> J0588-JZ x 100",
        CalcRequest("100 units", drug="xeomin", vials=("100 units",)),
        [("J0588-JZ", 100)],
    ),
    (
        "Factor IX 50 IU/kg x 70 kg from an assayed 3,540 IU carton: the carton's IU are billed",
        CalcRequest("50 IU/kg", drug="benefix", weight="70 kg", vials=("3540 IU",)),
        [("J7195", 3500), ("J7195-JW", 40)],
    ),
    (
        "Heparin 5,000 units from a multi-dose 10,000-unit vial: 5 x 1000 units, no modifier",
        CalcRequest("5000 units", hcpcs="J1644"),
        [("J1644", 5)],
    ),
    (
        "Normal saline 250 cc (J7050), a 250 mL bag the nurse says is single-dose: "
        "billed by volume",
        CalcRequest("250 mL", hcpcs="J7050", vials=("250 mL",), container="single-dose"),
        [("J7050-JZ", 1)],
    ),
    (
        "The same bag unconfirmed (CMS does not say): no JW, no JZ until the carton is checked",
        CalcRequest("250 mL", hcpcs="J7050", vials=("250 mL",)),
        [("J7050", 1)],
    ),
]


@pytest.mark.parametrize(("case", "request_", "expected"), WORKED, ids=[row[0] for row in WORKED])
def test_worked_examples_in_activity_units(
    catalog_with_cms: Catalog, case: str, request_: CalcRequest, expected: list[tuple[str, int]]
) -> None:
    assert _lines(calculate(catalog_with_cms, request_)) == expected


@pytest.fixture
def catalog_with_cms() -> Catalog:
    from infusion_calc.loading import Context

    return Context().catalog


def test_botox_60_units_is_651_dollars_at_the_2026q1_limit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Each line is units x limit to the cent: 60 x 6.510 + 40 x 6.510 = 390.60 + 260.40, the
    # same $651.00 as the whole 100-unit vial at $6.510 per unit.
    assert (
        main(
            [
                "calc",
                "--drug",
                "botox",
                "--dose",
                "60 units",
                "--given-at",
                "2026-02-01 10:00",
                "--json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert [line["medicare_payment"] for line in result["lines"]] == ["390.60", "260.40"]
    assert result["payment"]["total"] == "651.00"
    assert result["payment"]["limit_per_unit"] == "6.510"
    assert result["dose"] == "60 units" and result["amount_unit"] == "onabotulinumtoxinA_unit"


@pytest.mark.parametrize("dose", ["60 mg", "60 IU", "5 mL/kg"])
def test_botox_refuses_a_mass_or_iu_saying_what_it_is_measured_in(
    catalog: Catalog, dose: str
) -> None:
    with pytest.raises(InputError) as raised:
        calculate(catalog, CalcRequest(dose, drug="botox"))
    assert "units of onabotulinumtoxinA" in raised.value.message or "units" in raised.value.message


def test_a_mass_drug_refuses_units(catalog: Catalog) -> None:
    with pytest.raises(InputError) as raised:
        calculate(catalog, CalcRequest("300 units", drug="tysabri"))
    assert "measured in mass (mg)" in raised.value.message


def test_a_toxin_vial_in_units_is_not_another_toxins_vial(catalog: Catalog) -> None:
    # 500 units typed for Botox: no Botox vial holds 500
    # units; it is a vial entered by hand, never Dysport's.
    calc = calculate(catalog, CalcRequest("60 units", drug="botox", vials=("500 units",)))
    assert calc.vials[0].product.ndc is None
    assert calc.vials[0].product.strength.unit == "onabotulinumtoxinA_unit"


def test_every_activity_kind_is_its_own_dimension_in_the_registry() -> None:
    units = unit_book().registry
    for kind, (dimension, _printed, _typed) in ACTIVITY_KINDS.items():
        assert kind_defined(kind)
        one = units.Quantity(Decimal(1), units.parse_units(kind))
        others = [other for other, spec in ACTIVITY_KINDS.items() if spec[0] != dimension]
        assert not one.check("[mass]") and not one.check("[volume]")
        assert not any(one.check(ACTIVITY_KINDS[other][0]) for other in others)


@given(st.integers(min_value=1, max_value=10**6), st.sampled_from(["mg", "g", "mcg", "mL"]))
def test_no_mass_or_volume_binds_to_an_activity_kind(number: int, unit: str) -> None:
    measure = parse_amount(f"{number} {unit}", "dose")
    for kind in ACTIVITY_KINDS:
        with pytest.raises(InputError):
            bind(measure, kind, "dose", "this drug")


@given(st.integers(min_value=1, max_value=10**6))
def test_typed_units_bind_without_changing_the_number(number: int) -> None:
    measure = parse_dose(f"{number} units").amount
    bound = bind(measure, "rimabotulinumtoxinB_unit", "dose", "Myobloc")
    assert bound == Measure(Decimal(number), "rimabotulinumtoxinB_unit", measure.text)


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1 UNIT", "1 unit"),
        ("5 Unit", "5 units"),
        ("100,000 UNITS", "100000 units"),
        ("1 IU", "1 IU"),
        ("1 USP UNIT", "1 unit"),
        ("1 I.U. VWF:RCO", "1 IU"),
        ("PER FACTOR VIII IU", "1 IU"),
        ("1000 CC", "1000 mL"),
        ("0.5 ML", "0.5 mL"),
        ("PER DOSE", "1 dose"),
        ("PER THERAPEUTIC DOSE", "1 dose"),
        ("PER IMPLANT", "1 dose"),
        ("UP TO 200 MILLION CAR T CELLS", "1 dose"),
        ("UP TO 5 MG", "5 mg"),
        ("UP TO 40 UNITS", "40 units"),
        ("10 MG (rituximab)", "10 mg"),
    ],
)
def test_cms_billing_units_read(text: str, amount: str) -> None:
    assert str(billing_unit(text)) == amount


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("10 MG/3MG", COMBINATION),
        ("75MG (50MG cft/25MG taz)", COMBINATION),
        ("300 MCG (1500 IU)", COMBINATION),
        ("0.25 MG - 5 MG", RANGE),
        ("3 MG & 3 MG", RANGE),
        ("Less than or equal to 100 MG", RANGE),
        ("PER VIAL", NOT_A_MASS),
        ("2 MEQ", NOT_A_MASS),
        ("1 million PFU", NOT_A_MASS),
        ("1 SQ CM", NOT_A_MASS),
    ],
)
def test_cms_billing_units_refused_with_their_reason(text: str, reason: str) -> None:
    with pytest.raises(DosageRefused) as refused:
        billing_unit(text)
    assert str(refused.value) == reason


def test_at_least_800_of_the_826_jq_codes_of_2026q1_are_usable(catalog_with_cms: Catalog) -> None:
    usable = [code for code in catalog_with_cms.codes() if code[0] in "JQ"]
    assert len(usable) >= 800


def test_a_product_labeled_in_iu_reports_its_ndc_quantity_in_iu_f2() -> None:
    from infusion_calc.core.calculation.billing import VialUse, bill
    from infusion_calc.core.catalog.catalog import Product

    vial = Product(
        brand="BeneFIX",
        ndc="58394-0633-03",
        strength=Measure(Decimal(1040), "factor_ix_iu"),
        form="lyophilized",
        container="single-dose",
    )
    billing = bill("J7195", Decimal(1), Decimal(1000), (VialUse(vial, 1),), "factor_ix_iu")
    assert [(line.units, line.ndc_unit, line.ndc_quantity) for line in billing.lines] == [
        (1000, "F2", Decimal(1000)),
        (40, "F2", Decimal(40)),
    ]


def test_the_drug_options_help_examples_each_name_one_code(
    capsys: pytest.CaptureFixture[str], catalog_with_cms: Catalog
) -> None:
    import re

    main(["calc", "--help"])  # argparse's help, printed; the command returns 0
    help_text = " ".join(capsys.readouterr().out.split())
    examples = re.search(
        r"--drug DRUG generic or brand name, any case \(e\.g\. ([^)]*)\)", help_text
    )
    assert examples is not None, help_text
    for name in examples[1].split(", "):
        assert len(catalog_with_cms.lookup(name)) == 1, name


@pytest.mark.parametrize(
    "output", [["--note"], ["--format", "fhir"], ["--format", "text"], ["--json"]]
)
def test_no_output_writes_a_products_units_as_mg(
    capsys: pytest.CaptureFixture[str], output: list[str]
) -> None:
    import re

    main(
        [
            "calc",
            "--drug",
            "myobloc",
            "--dose",
            "4000 units",
            "--vial",
            "5000 units/1 mL",
            "--dose-given",
            "3000 units",
            "--given-at",
            "2026-02-01 10:00",
            *output,
        ]
    )
    out = capsys.readouterr().out
    assert "units" in out
    assert not re.search(r"\b[0-9]+ mg\b", out), out


def test_a_per_dose_code_bills_one_unit_per_dose_with_no_waste(catalog_with_cms: Catalog) -> None:
    # Q2041 (a CAR-T dose, "per therapeutic dose" in
    # CMS's unit column): one bag, one dose, one unit.
    calc = calculate(
        catalog_with_cms,
        CalcRequest("1 dose", hcpcs="Q2041", vials=("1 dose",), container="single-dose"),
    )
    assert _lines(calc) == [("Q2041-JZ", 1)]
    assert calc.billing.discarded_units == 0
    assert "1 dose labeled" in " ".join(map(step_text, calc.steps))
    assert "Discarded" not in " ".join(map(step_text, calc.steps))  # no waste arithmetic for a dose


def test_a_site_file_cannot_rebind_a_toxins_units_to_another_product(tmp_path: Path) -> None:
    from infusion_calc.core.catalog.catalog import parse_catalog
    from infusion_calc.core.errors import CatalogError
    from infusion_calc.loading import packaged_catalog

    site = parse_catalog(
        """
[[drug]]
hcpcs = "J0585"
descriptor = "Injection, onabotulinumtoxinA, 1 unit"
unit_kind = "abobotulinumtoxinA_unit"
generic = "onabotulinumtoxinA"
billing_unit = "1 unit"
route = "IM"
sources = ["site"]
  [[drug.product]]
  brand = "Botox"
  ndc_note = "site"
  strength = "100 units"
  form = "lyophilized"
  container = "single-dose"
""",
        "site.toml",
    )
    with pytest.raises(CatalogError) as raised:
        packaged_catalog().merged_with(site)
    assert "billing_unit" in str(raised.value)


@pytest.mark.parametrize(
    ("listed", "unit", "fits"),
    [
        ("unit", "onabotulinumtoxinA_unit", True),
        ("IU", "factor_viii_iu", True),
        ("IU", "onabotulinumtoxinA_unit", False),
        ("mg", "onabotulinumtoxinA_unit", False),
        ("unit", "mg", False),
        ("mL", "mL", True),
        ("dose", "unit", False),
    ],
)
def test_what_an_entry_may_name_for_a_code_cms_lists(listed: str, unit: str, fits: bool) -> None:
    from infusion_calc.core.numbers.amounts import fits_listed

    assert fits_listed(listed, unit) is fits
