"""Each catalog record is declared once: its fields, types and rules live on the frozen record
(`catalog_records.py`), and a catalog file's tables are validated by that very declaration
(`catalog_schema.py` adds only what no one field says). So a field added to a record is read,
checked and refused in a file without a second declaration to keep in step."""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass, field, fields
from typing import Any

import pytest
from pydantic import ValidationError

from infusion_calc.cms import models
from infusion_calc.core.catalog import catalog_schema, cms_codes
from infusion_calc.core.catalog.catalog import parse_catalog, validate_drug
from infusion_calc.core.catalog.catalog_records import CmsItem, Drug, Product
from infusion_calc.core.errors import CatalogError
from infusion_calc.core.numbers.units import Measure

ENTRY: dict[str, Any] = {
    "hcpcs": "J9998",
    "descriptor": "Injection, examplemab, 10 mg",
    "generic": "examplemab",
    "billing_unit": "10 mg",
    "route": "IV",
    "sources": ["label"],
    "product": [
        {
            "brand": "Examplemab",
            "ndc": "12345-6789-01",
            "strength": "100 mg",
            "volume": "10 mL",
            "form": "solution",
            "container": "single-dose",
        }
    ],
}


@dataclass(frozen=True, kw_only=True)
class DrugWithLot(Drug):
    """A record with one field more, declared only here."""

    lot: str = field(default="", metadata={"pattern": r"^L[0-9]+$"})


def test_the_schema_module_declares_no_table_of_its_own() -> None:
    tree = ast.parse(inspect.getsource(catalog_schema))
    assert [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)] == []


def test_a_field_added_to_the_record_is_read_and_checked_from_the_file() -> None:
    (read,) = catalog_schema.entries_of(DrugWithLot).validate_python([{**ENTRY, "lot": "L12"}])
    assert isinstance(read, DrugWithLot) and read.lot == "L12"
    with pytest.raises(ValidationError) as caught:
        catalog_schema.entries_of(DrugWithLot).validate_python([{**ENTRY, "lot": "12"}])
    assert caught.value.errors()[0]["loc"] == (0, "lot")


def test_a_field_the_record_does_not_declare_is_refused() -> None:
    with pytest.raises(
        CatalogError, match=r"entry 1 \(J9998\): field 'lot': not a field of a \[\[drug\]\] table"
    ):
        parse_catalog('[[drug]]\nlot = "L12"\n' + _toml_rest(), "site.toml")


@pytest.mark.parametrize("name", ["source", "cms_items"])
def test_a_field_the_loader_sets_is_refused_in_a_file(name: str) -> None:
    with pytest.raises(CatalogError, match=f"entry 1 \\(J9998\\): field '{name}': .*catalog file"):
        parse_catalog(f'[[drug]]\n{name} = "cms"\n' + _toml_rest(), "site.toml")


def test_the_file_reads_records_directly_with_the_products_under_product() -> None:
    drug = validate_drug(ENTRY)
    assert type(drug) is Drug and type(drug.products[0]) is Product
    assert str(drug.products[0].volume) == "10 mL" and isinstance(drug.billing_unit, Measure)
    with pytest.raises(ValidationError):
        validate_drug({**{k: v for k, v in ENTRY.items() if k != "product"}, "products": []})


def test_a_product_typed_by_hand_is_checked_as_its_table() -> None:
    typed = Product(
        brand="x",
        ndc="1234-5678-90",
        strength=validate_drug(ENTRY).products[0].strength,
        volume=validate_drug(ENTRY).products[0].volume,
        form="solution",
        container="single-dose",
    )
    with pytest.raises(ValidationError) as caught:
        validate_drug({**ENTRY, "product": [typed]})
    assert caught.value.errors()[0]["loc"] == ("product", 0, "ndc")


def test_a_stored_cms_row_holds_the_fields_of_a_cms_item_in_order() -> None:
    declared = tuple(item.name for item in fields(CmsItem))
    assert models.ITEM_FIELDS == declared[: len(models.ITEM_FIELDS)]
    assert set(declared) - set(models.ITEM_FIELDS) == {"strength"}  # computed, never stored
    stored = cms_codes.StoredCode.__required_keys__ | cms_codes.StoredCode.__optional_keys__
    assert stored == set(models.CmsCode.model_fields)


def _toml_rest() -> str:
    return (
        'hcpcs = "J9998"\ndescriptor = "Injection, examplemab, 10 mg"\ngeneric = "examplemab"\n'
        'billing_unit = "10 mg"\nroute = "IV"\nsources = ["label"]\n'
        '[[drug.product]]\nbrand = "E"\nndc = "12345-6789-01"\nstrength = "100 mg"\n'
        'volume = "10 mL"\nform = "solution"\ncontainer = "single-dose"\n'
    )


def test_a_site_files_entries_are_built_as_the_sites_and_still_cannot_say_so() -> None:
    (drug,) = parse_catalog("[[drug]]\n" + _toml_rest(), "site.toml", source="site").drugs
    assert drug.source == "site" and drug.cms_items == ()
    with pytest.raises(CatalogError, match="field 'source': not written in a catalog file"):
        parse_catalog('[[drug]]\nsource = "site"\n' + _toml_rest(), "site.toml", source="site")
