"""Every curated product agrees with CMS's own NDC-HCPCS crosswalk (January 2026).

For each NDC the crosswalk gives the HCPCS code that bills it, the code's billing unit
("HCPCS dosage"), the amount in one item ("PKG SIZE": mL for a solution) and the billing units in
one item ("BILLUNITS"). The catalog states the same facts from the FDA labels. Any disagreement
fails, naming both sources, so a wrong NDC, strength or billing unit cannot ship unnoticed.

The data is the subset of the real CMS file for the curated codes (public data, kept as
CMS publishes it: latin-1, preamble lines, header found by its content).
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest

from infusion_calc.core.catalog.catalog import Drug, Product
from infusion_calc.core.numbers.units import Kind, parse_measure
from infusion_calc.loading import packaged_catalog
from tests.catalog_entries import coded

CROSSWALK_FILE = Path(__file__).parent.parent / "data" / "cms" / "crosswalk-2026Q1-curated.csv"
CMS = "CMS crosswalk 2026Q1 (tests/data/cms/crosswalk-2026Q1-curated.csv)"
CATALOG = "packaged catalog (infusion_calc/data/catalog.toml)"
# In no ASP file of any quarter: these codes are priced by the local contractor.
CONTRACTOR_PRICED = {"J2326", "Q5134"}
_MG_PER = {"MG": Decimal(1), "G": Decimal(1000), "MCG": Decimal("0.001")}


def _crosswalk_rows() -> list[dict[str, str]]:
    with CROSSWALK_FILE.open(encoding="latin-1", newline="") as file:
        rows = list(csv.reader(file))
    start = next(
        index for index, row in enumerate(rows) if row and row[0].strip().endswith("_CODE")
    )
    header = ["HCPCS" if index == 0 else name.strip() for index, name in enumerate(rows[start])]
    return [
        dict(zip(header, (cell.strip() for cell in row)))
        for row in rows[start + 1 :]
        if row and row[0].strip()
    ]


ROWS = _crosswalk_rows()
BY_NDC = {row["NDC2"]: row for row in ROWS}
CODES = {row["HCPCS"] for row in ROWS}
CURATED = packaged_catalog().drugs


def _row_text(row: dict[str, str]) -> str:
    return (
        f"{row['HCPCS']}, {row['NDC2']}, {row['Drug Name']}, dosage {row['HCPCS dosage']}, "
        f"pkg size {row['PKG SIZE']}, billing units per item {row['BILLUNITS']}"
    )


def _dosage_mg(text: str) -> Decimal | None:
    """'10 MG' -> 10, '500 MG' -> 500, '5 UNITS' -> 5;
    None for a dosage that is not a plain amount."""
    match = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)\s*(MG|G|MCG)", text.strip().upper())
    if match:
        return Decimal(match[1]) * _MG_PER[match[2]]
    units = re.fullmatch(
        r"([0-9]+)\s*(UNITS?|IU)", text.strip().upper()
    )  # activity units: the count itself
    return Decimal(units[1]) if units else None


def _units_per_item(drug: Drug, product: Product) -> Decimal:
    return product.strength.value / drug.billing_unit.value


def disagreements(drug: Drug, product: Product, row: dict[str, str]) -> list[str]:
    """Each way the catalog's product and the crosswalk row differ, naming both sources."""
    ours = f"{CATALOG}: {drug.hcpcs} {product.brand} {product.label}, NDC {product.ndc}"
    theirs = f"{CMS}: {_row_text(row)}"
    found = []
    if row["HCPCS"] != drug.hcpcs:
        found.append(f"code: {ours} bills {drug.hcpcs}; {theirs} bills {row['HCPCS']}")
    if _dosage_mg(row["HCPCS dosage"]) != drug.billing_unit.value:
        found.append(f"billing unit: {ours} uses {drug.billing_unit}; {theirs}")
    if _units_per_item(drug, product) != Decimal(row["BILLUNITS"]):
        found.append(
            f"billing units per item: {ours} holds {_units_per_item(drug, product)}; {theirs}"
        )
    # PKG SIZE is in mL for a solution; for a powder CMS gives 1 (Remicade) or the vial's
    # size (Benlysta: 5 and 20), so only a solution's volume can be compared.
    if product.volume is not None and product.volume.value != Decimal(row["PKG SIZE"]):
        found.append(f"amount per item: {ours} is {product.volume}; {theirs}")
    return found


WITH_NDC = [(drug, product) for drug in CURATED for product in drug.products if product.ndc]
WITHOUT_NDC = [(drug, product) for drug in CURATED for product in drug.products if not product.ndc]


@pytest.mark.parametrize(
    ("drug", "product"), WITH_NDC, ids=[f"{d.hcpcs}-{p.ndc}" for d, p in WITH_NDC]
)
def test_every_curated_ndc_bills_the_code_and_units_cms_lists(drug: Drug, product: Product) -> None:
    if drug.hcpcs in CONTRACTOR_PRICED:
        assert product.ndc not in BY_NDC, (
            f"{CMS} now lists {product.ndc}: check it against {CATALOG}"
        )
        return
    assert product.ndc is not None  # WITH_NDC holds the products that give one
    row = BY_NDC.get(product.ndc)
    assert row is not None, (
        f"{CATALOG} gives {drug.hcpcs} {product.brand} NDC {product.ndc}; {CMS} does not list it"
    )
    assert disagreements(drug, product, row) == []


@pytest.mark.parametrize(
    ("drug", "product"), WITHOUT_NDC, ids=[f"{d.hcpcs}-{p.label}" for d, p in WITHOUT_NDC]
)
def test_a_product_without_a_verified_ndc_is_still_a_presentation_cms_bills_under_its_code(
    drug: Drug, product: Product
) -> None:
    """No NDC to look up: the code must still list an item with this amount and these units."""
    if drug.hcpcs in CONTRACTOR_PRICED:
        assert drug.hcpcs not in CODES, (
            f"{CMS} now lists {drug.hcpcs}: check its NDCs against {CATALOG}"
        )
        return
    rows = [row for row in ROWS if row["HCPCS"] == drug.hcpcs]
    if drug.amount_unit.endswith("_iu"):
        # A clotting factor's vial is billed by the assayed IU on its carton, which varies by lot:
        # CMS lists each such NDC as 1 billing unit per item, so no nominal size can match a row.
        assert rows and all(
            row["BILLUNITS"] == "1" and row["HCPCS dosage"] == "1 IU" for row in rows
        )
        return
    assert any(not disagreements(drug, product, row) for row in rows), (
        f"{CATALOG}: {drug.hcpcs} {product.brand} {product.label} matches no item {CMS} lists "
        f"under {drug.hcpcs}: {[_row_text(row) for row in rows]}"
    )


def test_every_curated_code_priced_by_cms_is_in_the_crosswalk() -> None:
    missing = sorted(drug.hcpcs for drug in CURATED if drug.hcpcs not in CODES | CONTRACTOR_PRICED)
    assert missing == [], f"{CATALOG} codes absent from {CMS}: {missing}"


def test_the_copied_subset_is_the_real_file_header_and_rows() -> None:
    assert len(CURATED) >= 30
    assert CROSSWALK_FILE.read_bytes().startswith(b"January 2026 ASP NDC - HCPCS Crosswalk")
    assert BY_NDC["64406-0008-01"]["BILLUNITS"] == "300"  # Tysabri, a row the CMS README quotes
    assert not any(
        code[0].isdigit() for code in CODES
    )  # no CPT rows: their text is AMA-copyrighted


def test_a_disagreement_names_the_catalog_and_the_crosswalk() -> None:
    tysabri = coded(packaged_catalog(), "J2323")
    wrong = Product(
        brand="Tysabri",
        ndc="64406-0008-01",
        strength=parse_measure("200 mg", Kind.MASS, "test"),
        volume=parse_measure("15 mL", Kind.VOLUME, "test"),
        form="solution",
        container="single-dose",
    )
    [message] = disagreements(tysabri, wrong, BY_NDC["64406-0008-01"])
    assert message.startswith("billing units per item: packaged catalog")
    assert (
        "holds 200" in message
        and "CMS crosswalk 2026Q1" in message
        and "billing units per item 300" in message
    )


def test_no_ndc_is_given_to_two_curated_products() -> None:
    ndcs = [product.ndc for _, product in WITH_NDC if product.ndc is not None]
    assert sorted({ndc for ndc in ndcs if ndcs.count(ndc) > 1}) == []
