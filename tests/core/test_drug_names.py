"""Finding a drug by what a user types, over curated entries and a CMS layer given as plain data."""

from __future__ import annotations

import pytest

from infusion_calc.core.calculation.drug_lookup import find_drug
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.catalog.cms_codes import CmsLayer, StoredCode, base_generic, generic_name
from infusion_calc.core.errors import InputError
from tests.catalog_entries import coded


def code(hcpcs: str, descriptor: str, *brands: str, unit: str = "10 mg") -> StoredCode:
    items = [
        [f"00000-000{index}-01", "Labeler", brand, "1", "1", "10"]
        for index, brand in enumerate(brands)
    ]
    return {
        "hcpcs": hcpcs,
        "short_description": descriptor,
        "descriptor": descriptor,
        "billing_unit": unit,
        "items": items,
        "payment_limit": None,
        "coinsurance_percent": None,
    }


LAYER = CmsLayer(
    "2026Q1",
    {
        "J9035": code("J9035", "Injection, bevacizumab, 10 mg", "Avastin"),
        "Q5107": code("Q5107", "Injection, bevacizumab-awwb, biosimilar, (mvasi), 10 mg", "Mvasi"),
        "J1566": code(
            "J1566",
            "Injection, immune globulin, intravenous, lyophilized (e.g., powder), "
            "not otherwise specified, 500 mg",
            "Gammagard S/D",
            "Carimune NF",
            unit="500 mg",
        ),
        "J1569": code(
            "J1569",
            "Injection, immune globulin, (gammagard liquid), "
            "non-lyophilized, (e.g., liquid), 500 mg",
            "Gammagard Liquid",
            unit="500 mg",
        ),
        "J1745": code(
            "J1745", "Injection, infliximab, excludes biosimilar, 10 mg", "Remicade", "Infliximab"
        ),
    },
)


@pytest.mark.parametrize(
    ("descriptor", "generic", "base"),
    [
        (
            "Injection, infliximab-dyyb, biosimilar, (inflectra), 10 mg",
            "infliximab-dyyb",
            "infliximab",
        ),
        ("Injection, bevacizumab, 10 mg", "bevacizumab", None),
        (
            "Injection, immune globulin, (gammagard liquid), "
            "non-lyophilized, (e.g., liquid), 500 mg",
            "immune globulin",
            None,
        ),
        ("Injection, burosumab-twza 1 mg", "burosumab-twza", "burosumab"),
        ("Ondansetron 1 mg", "ondansetron", None),
    ],
)
def test_generic_name_from_the_hcpcs_descriptor(
    descriptor: str, generic: str, base: str | None
) -> None:
    assert generic_name(descriptor) == generic
    assert base_generic(generic) == base


@pytest.mark.parametrize(
    ("typed", "codes"),
    [
        ("Avastin", ["J9035"]),
        ("MVASI", ["Q5107"]),
        ("bevacizumab", ["J9035", "Q5107"]),
        ("gammagard", ["J1569"]),  # J1569's descriptor names it; J1566 only lists Gammagard S/D
        ("gammagard s/d", ["J1566"]),
        ("immune globulin", ["J1566", "J1569"]),
        ("j1745", ["J1745"]),
        ("infliximab", ["J1745"]),
        ("aspirin", []),
    ],
)
def test_lookup_returns_every_code_a_name_names(typed: str, codes: list[str]) -> None:
    found = Catalog((), "no curated entries", LAYER).lookup(typed)
    assert sorted(drug.hcpcs for drug in found) == codes


def test_curated_entries_and_cms_codes_share_one_index(catalog: Catalog) -> None:
    merged = catalog.with_cms(LAYER)
    assert coded(merged, "J1745").source == "curated"  # the curated entry wins for its code
    assert coded(merged, "J1745").products == coded(catalog, "J1745").products
    assert coded(merged, "J1566").source == "cms" and coded(merged, "J1566").products == ()
    # 'immune globulin' names the curated J1569 and the CMS-only J1566 alike.
    with pytest.raises(InputError, match="'immune globulin' names 2 codes: J1569 .*J1566"):
        find_drug(merged, CalcRequest("100 mg", drug="immune globulin"))
