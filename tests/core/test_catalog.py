"""The catalog is data, validated at load; a site file is validated the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infusion_calc.core.calculation.drug_lookup import find_drug
from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.errors import CatalogError, InputError
from infusion_calc.loading import Context, packaged_catalog
from tests.catalog_entries import coded, drug_entry, product_entry, write_site_catalog


def tysabri_entry(
    code: str = "J2323",
    generic: str = "natalizumab",
    ndc: str = "64406-0008-01",
    volume: str = "15 mL",
    unit: str = "1 mg",
    descriptor: str = "Injection, natalizumab, 1 mg",
) -> str:
    return drug_entry(
        code,
        generic=generic,
        billing_unit=unit,
        descriptor=descriptor,
        sources=["site pharmacy"],
        products=[product_entry("Tysabri", ndc=ndc, strength="300 mg", volume=volume)],
    )


def _site(tmp_path: Path, **fields: str) -> Path:
    return write_site_catalog(tmp_path, tysabri_entry(**fields))


def test_packaged_catalog_has_the_required_drugs_with_sources() -> None:
    catalog = packaged_catalog()
    assert {drug.hcpcs for drug in catalog.drugs} >= {
        "J2323",
        "Q5134",
        "J2326",
        "J1745",
        "J0490",
        "J2350",
        "J3380",
        "J9312",
    }
    assert all(drug.sources and all(p.sources for p in drug.products) for drug in catalog.drugs)
    assert coded(catalog, "J2326").generic == "nusinersen"
    assert str(coded(catalog, "J2326").billing_unit) == "0.1 mg"


def test_unverified_ndcs_stay_empty_and_the_result_says_so(catalog: Catalog) -> None:
    calc = calculate(catalog, CalcRequest("300 mg", drug="tyruko"))
    assert calc.drug.hcpcs == "Q5134"
    assert all(line.ndc is None for line in calc.lines)
    assert any(n.code == "NDC_NOT_VERIFIED" and "carton" in n.message for n in calc.warnings)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"code": "J2326"}, "field 'hcpcs': J2326 is 'Injection, nusinersen, 0.1 mg'"),
        ({"ndc": "64406-008-01"}, "field 'product.0.ndc'"),
        ({"volume": "15 mg"}, "field 'product.0.volume': 'mg' is not a volume"),
        ({"code": "J23"}, "field 'hcpcs'"),
        ({"code": "J1745"}, "cannot give it to natalizumab"),
    ],
)
def test_a_bad_site_file_names_the_file_the_entry_and_the_field(
    tmp_path: Path, fields: dict[str, Any], says: str
) -> None:
    path = _site(tmp_path, **fields)
    with pytest.raises(CatalogError) as caught:
        Context(catalog_file=path).catalog
    assert str(path) in str(caught.value)
    assert "entry" in str(caught.value)
    assert says in str(caught.value)


def test_unreadable_or_malformed_site_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read"):
        Context(catalog_file=tmp_path / "missing.toml").catalog
    broken = tmp_path / "broken.toml"
    broken.write_text("[[drug]\nhcpcs = ", encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid TOML"):
        Context(catalog_file=broken).catalog


def test_a_site_entry_replaces_the_packaged_one_by_code(tmp_path: Path, catalog: Catalog) -> None:
    merged = Context(catalog_file=_site(tmp_path, volume="15 mL")).catalog
    assert coded(merged, "J2323").sources == ["site pharmacy"]
    assert len(merged.drugs) == len(catalog.drugs)


@pytest.mark.parametrize(
    ("drug", "code", "says"),
    [
        ("natalizumab", "J2326", "J2323 (Tysabri) or Q5134 (Tyruko)"),
        ("Tysabri", "J2326", "J2323 (Tysabri) or Q5134 (Tyruko)"),
        ("natalizumab", "J9999", "J2323 or Q5134"),
        ("infliximab", "J2323", "not infliximab"),
        ("tyruko", "J2323", "billed as Q5134"),
        ("aspirin", None, "not in the catalog"),
        (None, "X12", "not a HCPCS code"),
        ("aspirin", "J2323", "'aspirin' is not in the catalog"),
    ],
)
def test_inconsistent_drug_and_code_are_refused(
    catalog: Catalog, drug: str | None, code: str | None, says: str
) -> None:
    with pytest.raises(InputError) as caught:
        find_drug(catalog, CalcRequest("300 mg", drug=drug, hcpcs=code))
    assert says in caught.value.message


def test_drug_names_match_generic_or_brand_in_any_case(catalog: Catalog) -> None:
    assert find_drug(catalog, CalcRequest("1 mg", drug="SPINRAZA")).hcpcs == "J2326"
    assert find_drug(catalog, CalcRequest("1 mg", drug="tysabri")).hcpcs == "J2323"
    assert find_drug(catalog, CalcRequest("1 mg")).hcpcs == "J2323"


def test_a_generic_name_two_codes_share_is_a_choice_not_a_guess(catalog: Catalog) -> None:
    # Tysabri (J2323) and its biosimilar Tyruko (Q5134) are both natalizumab:
    # the code decides the claim.
    with pytest.raises(InputError, match="names 2 codes: J2323 natalizumab .*Q5134") as caught:
        find_drug(catalog, CalcRequest("1 mg", drug="Natalizumab"))
    assert caught.value.field == "drug"
    assert (
        find_drug(catalog, CalcRequest("1 mg", drug="natalizumab", hcpcs="Q5134")).hcpcs == "Q5134"
    )


@pytest.mark.parametrize("code", ["Ä1234", "J232", "J23233", "2J323", "J２３２３"])
def test_hcpcs_codes_are_one_ascii_letter_and_four_digits(catalog: Catalog, code: str) -> None:
    with pytest.raises(InputError, match="not a HCPCS code"):
        find_drug(
            catalog, CalcRequest("300 mg", hcpcs=code, billing_unit="1 mg", vials=("100 mg",))
        )


def test_too_many_vial_sizes_is_a_typing_slip(catalog: Catalog) -> None:
    sizes = tuple(f"{n} mg/1 mL" for n in range(1, 10))
    with pytest.raises(InputError, match="at most 8") as caught:
        calculate(catalog, CalcRequest("300 mg", hcpcs="J9999", billing_unit="1 mg", vials=sizes))
    assert caught.value.field == "vial"


def test_a_site_file_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    path = _site(tmp_path)
    path.write_bytes(
        path.read_text(encoding="utf-8")
        .replace("site pharmacy", "pharmacie d'été")
        .encode("latin-1")
    )
    with pytest.raises(CatalogError, match="not a UTF-8 text file"):
        Context(catalog_file=path).catalog


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        # A packaged code keeps its billing unit and its NDCs stay with their drug.
        (
            {"unit": "10 mg", "descriptor": "Injection, natalizumab, 10 mg"},
            "J2323 bills in units of 1 mg",
        ),
        ({"ndc": "64406-0058-01"}, "NDC 64406-0058-01 is nusinersen (Spinraza) (J2326)"),
        # The descriptor defines the unit: a billing unit that disagrees is a typo.
        ({"unit": "10 mg"}, "field 'billing_unit': 10 mg disagrees with the descriptor"),
        ({"ndc": "١٢٣٤٥-٦٧٨٩-٠١"}, "field 'product.0.ndc'"),
        ({"code": "J٢٣٢٣"}, "field 'hcpcs'"),
    ],
)
def test_a_site_file_cannot_quietly_change_what_a_code_bills(
    tmp_path: Path, fields: dict[str, Any], says: str
) -> None:
    path = _site(tmp_path, **fields)
    with pytest.raises(CatalogError) as caught:
        Context(catalog_file=path).catalog
    assert says in str(caught.value)
