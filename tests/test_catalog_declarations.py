"""The catalog's records and the pydantic models that validate a file into them are declared apart
(the records must load without pydantic on a warm start): these tests make the two agree field for
field, so a field added to one and not the other fails here, not in a user's file."""

from __future__ import annotations

from dataclasses import fields

from infusion_calc.cms.models import ITEM_FIELDS, CmsCode
from infusion_calc.core.catalog import cms_codes
from infusion_calc.core.catalog.catalog_records import Drug, Product
from infusion_calc.core.catalog.catalog_schema import DrugEntry, ProductEntry

SET_BY_THE_LOADER = {"source", "cms_items"}
"""Drug fields no catalog file writes: where the entry came from,
and CMS's NDCs for a CMS-only code."""
READ_BEFORE_THE_FIELDS = {"unit_kind"}
"""DrugEntry fields the record does not keep: the activity kind the amounts are read in."""


def test_a_product_table_has_exactly_the_fields_of_a_product() -> None:
    assert set(ProductEntry.model_fields) == {field.name for field in fields(Product)}


def test_a_drug_table_has_the_fields_of_a_drug_but_those_the_loader_sets() -> None:
    written = {field.name for field in fields(Drug)} - SET_BY_THE_LOADER
    assert set(DrugEntry.model_fields) - READ_BEFORE_THE_FIELDS == written


def test_a_stored_cms_code_is_the_import_models_json() -> None:
    stored = cms_codes.StoredCode.__required_keys__ | cms_codes.StoredCode.__optional_keys__
    assert stored == set(CmsCode.model_fields)
    positions = (
        cms_codes._NDC,
        cms_codes._LABELER,
        cms_codes._BRAND,
        cms_codes._SIZE,
        cms_codes._COUNT,
        cms_codes._PER_ITEM,
    )
    assert positions == tuple(range(len(ITEM_FIELDS)))
    assert ITEM_FIELDS == (
        "ndc",
        "labeler",
        "brand",
        "package_size",
        "package_count",
        "units_per_item",
    )
