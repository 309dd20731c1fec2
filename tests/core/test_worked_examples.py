"""Every published worked example of the JW/JZ billing rules
(and the same rules applied to our drugs), as a table.

Each row is what a MAC or specialty society published; the engine must bill it the same way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from tests.catalog_entries import drug_entry, product_entry, write_site_catalog


def _lines(calc: Calculation) -> list[tuple[str, int]]:
    return [("-".join((line.hcpcs, *line.modifiers)), line.units) for line in calc.lines]


# (case, request, expected claim lines as (code-modifiers, units))
WORKED_EXAMPLES = [
    (
        "ACR: 10 mg unit, 7 mg from a 10 mg SDV -> 1 unit, JZ",
        CalcRequest("7 mg", hcpcs="J9999", billing_unit="10 mg", vials=("10 mg/1 mL",)),
        [("J9999-JZ", 1)],
    ),
    (
        "ACR: 10 mg unit, 70 mg from a 100 mg SDV -> 7 + 3 JW",
        CalcRequest("70 mg", hcpcs="J9999", billing_unit="10 mg", vials=("100 mg/10 mL",)),
        [("J9999", 7), ("J9999-JW", 3)],
    ),
    (
        "ACR: 10 mg unit, 77 mg from a 100 mg SDV -> 8 up + 2 JW down",
        CalcRequest("77 mg", hcpcs="J9999", billing_unit="10 mg", vials=("100 mg/10 mL",)),
        [("J9999", 8), ("J9999-JW", 2)],
    ),
    (
        "Noridian JF: infliximab 350 mg from 4 x 100 mg -> J1745 x 35 + JW x 5",
        CalcRequest("350 mg", drug="remicade"),
        [("J1745", 35), ("J1745-JW", 5)],
    ),
    (
        "Noridian JF: infliximab 400 mg, 4 vials -> J1745-JZ x 40",
        CalcRequest("400 mg", drug="remicade"),
        [("J1745-JZ", 40)],
    ),
    (
        "Noridian DME: 1 UOS = 100 mg, 70 mg given -> 1 UOS with JZ, no JW",
        CalcRequest("70 mg", hcpcs="J9999", billing_unit="100 mg", vials=("100 mg/10 mL",)),
        [("J9999-JZ", 1)],
    ),
    (
        "Noridian DME: 1 UOS = 1 mg, 95 mg of a 100 mg vial -> 95 + 5 JW",
        CalcRequest("95 mg", hcpcs="J9999", billing_unit="1 mg", vials=("100 mg/10 mL",)),
        [("J9999", 95), ("J9999-JW", 5)],
    ),
    (
        "medlearn: 1 UOS = 100 mg, 75 mg given -> 1 unit only",
        CalcRequest("75 mg", hcpcs="J9999", billing_unit="100 mg", vials=("100 mg/10 mL",)),
        [("J9999-JZ", 1)],
    ),
    (
        "CGS: 10 mg unit, 305 mg dose from 100 mg vials -> 31 + 9 JW",
        CalcRequest("305 mg", hcpcs="J9999", billing_unit="10 mg", vials=("100 mg/10 mL",)),
        [("J9999", 31), ("J9999-JW", 9)],
    ),
    ("Tysabri 300 mg -> J2323 x 300, JZ", CalcRequest("300 mg"), [("J2323-JZ", 300)]),
    (
        "Spinraza 12 mg -> J2326 x 120 (0.1 mg units), JZ; overfill not billed",
        CalcRequest("12 mg", hcpcs="J2326"),
        [("J2326-JZ", 120)],
    ),
    (
        "Infliximab 5 mg/kg x 73 kg = 365 mg from 4 x 100 mg -> 37 + 3 JW",
        CalcRequest("5 mg/kg", drug="remicade", weight="73 kg"),
        [("J1745", 37), ("J1745-JW", 3)],
    ),
    (
        "Tysabri 250 mg -> J2323 x 250 + J2323-JW x 50",
        CalcRequest("250 mg", drug="tysabri"),
        [("J2323", 250), ("J2323-JW", 50)],
    ),
]


@pytest.mark.parametrize(
    ("case", "request_", "expected"), WORKED_EXAMPLES, ids=[row[0] for row in WORKED_EXAMPLES]
)
def test_worked_example_bills_as_published(
    catalog: Catalog, case: str, request_: CalcRequest, expected: list[tuple[str, int]]
) -> None:
    assert _lines(calculate(catalog, request_)) == expected


def test_cgs_example_prefers_three_small_vials_over_one_large(catalog: Catalog) -> None:
    """CGS: vials of 100 mg/2 mL and 400 mg/8 mL, 300 mg dose -> 3 x 100 mg, not the 400 mg vial."""
    calc = calculate(
        catalog,
        CalcRequest(
            "300 mg",
            hcpcs="J9999",
            billing_unit="10 mg",
            vials=("100 mg/2 mL", "400 mg/8 mL"),
        ),
    )
    assert [(use.product.label, use.count) for use in calc.vials] == [("100 mg/2 mL", 3)]
    assert _lines(calc) == [("J9999-JZ", 30)]


def test_leftover_under_one_unit_bills_jz_and_says_the_faq_is_unverified(catalog: Catalog) -> None:
    """Less than one unit left over: 95.5 mg from a 100 mg vial, 10 mg unit -> 10 units JZ, 0 JW."""
    calc = calculate(
        catalog,
        CalcRequest("95.5 mg", hcpcs="J9999", billing_unit="10 mg", vials=("100 mg/10 mL",)),
    )
    assert _lines(calc) == [("J9999-JZ", 10)]
    assert "LEFTOVER_UNDER_ONE_UNIT" in {notice.code for notice in calc.warnings}


def test_nusinersen_units_are_exact_where_floats_go_wrong(catalog: Catalog) -> None:
    """0.3 / 0.1 is 2.999... in floats; a 0.3 mg partial would bill 2 units there."""
    calc = calculate(catalog, CalcRequest("11.7 mg", hcpcs="J2326"))
    assert _lines(calc) == [("J2326", 117), ("J2326-JW", 3)]


def test_mixed_vial_sizes_give_one_administered_line_per_ndc(catalog: Catalog) -> None:
    """Benlysta 620 mg: 1 x 400 mg + 2 x 120 mg = 640 mg; the 120 mg NDC carries the JW line."""
    calc = calculate(catalog, CalcRequest("620 mg", drug="benlysta"))
    assert [(line.ndc, line.modifiers, line.units) for line in calc.lines] == [
        ("49401010201", (), 40),
        ("49401010101", (), 22),
        ("49401010101", ("JW",), 2),
    ]
    assert calc.billing.administered_units == 62 and calc.billing.discarded_units == 2


def test_jw_is_capped_at_the_labeled_units(catalog: Catalog) -> None:
    """30 mg units, 35 mg from a 100 mg vial: never more units than the label holds."""
    calc = calculate(
        catalog, CalcRequest("35 mg", hcpcs="J9999", billing_unit="30 mg", vials=("100 mg/10 mL",))
    )
    # 35 mg -> 2 units (up); 65 mg left = 2 units (down),
    # but 100 mg holds only 3 whole units: 2 + 1.
    assert _lines(calc) == [("J9999", 2), ("J9999-JW", 1)]
    assert "JW_CAPPED" in {notice.code for notice in calc.warnings}


MULTI_DOSE_ENTRY = drug_entry(
    "J9998",
    billing_unit="1 mg",
    products=[
        product_entry("Example MDV", strength="500 mg", volume="50 mL", container="multi-dose"),
    ],
)


def test_multi_dose_container_has_no_jw_or_jz(catalog: Catalog, tmp_path: Path) -> None:
    site = write_site_catalog(tmp_path, MULTI_DOSE_ENTRY)
    from infusion_calc.loading import Context

    calc = calculate(Context(catalog_file=site).catalog, CalcRequest("120 mg", hcpcs="J9998"))
    assert _lines(calc) == [("J9998", 120)]
    assert "MULTI_DOSE" in {notice.code for notice in calc.warnings}


@pytest.mark.parametrize(
    ("ndc_unit", "given", "wasted"),
    [("ME", "70", "30"), ("GR", "0.07", "0.03"), ("ML", "7", "3"), ("UN", "0.7", "0.3")],
)
def test_ndc_quantity_is_stated_in_the_products_ndc_unit(
    tmp_path: Path, ndc_unit: str, given: str, wasted: str
) -> None:
    from decimal import Decimal

    from infusion_calc.loading import Context

    site = write_site_catalog(
        tmp_path,
        drug_entry(
            "J9997",
            billing_unit="10 mg",
            products=[
                product_entry("Example", strength="100 mg", volume="10 mL", ndc_unit=ndc_unit),
            ],
        ),
    )
    calc = calculate(Context(catalog_file=site).catalog, CalcRequest("70 mg", hcpcs="J9997"))
    assert [(line.ndc_unit, line.ndc_quantity) for line in calc.lines] == [
        (ndc_unit, Decimal(given)),
        (ndc_unit, Decimal(wasted)),
    ]


def test_no_jw_line_when_the_administered_units_cover_every_labeled_unit(catalog: Catalog) -> None:
    """No JW once the administered units cover every labeled unit: 5 mg from a 15 mg vial in 10 mg
    units is 1 unit administered, and the vial holds 1 whole unit, so the 10 mg discarded cannot
    be billed again: one JZ line."""
    calc = calculate(
        catalog, CalcRequest("5 mg", hcpcs="J9999", billing_unit="10 mg", vials=("15 mg/1.5 mL",))
    )
    assert _lines(calc) == [("J9999-JZ", 1)]
    assert "JW_NOT_PERMITTED" in {notice.code for notice in calc.warnings}
    assert "JW_CAPPED" not in {notice.code for notice in calc.warnings}


def test_multi_dose_ndc_quantity_is_the_amount_drawn(catalog: Catalog, tmp_path: Path) -> None:
    from infusion_calc.loading import Context

    site = write_site_catalog(tmp_path, MULTI_DOSE_ENTRY)
    calc = calculate(Context(catalog_file=site).catalog, CalcRequest("120 mg", hcpcs="J9998"))
    assert [(line.ndc_unit, str(line.ndc_quantity)) for line in calc.lines] == [("ML", "12.000")]
