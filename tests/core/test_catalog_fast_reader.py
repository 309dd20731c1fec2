"""The catalog's strict reader never accepts what the pydantic schema refuses, nor reads it differently.

`catalog.read_drug` exists so that a good catalog loads without importing pydantic
(start-up time). It must be a pure shortcut: whatever it accepts, the schema accepts
with the very same result; everything else is left to the schema and its messages.
"""

from __future__ import annotations

import copy
import tomllib
from importlib.resources import files

import pytest
from pydantic import ValidationError

from infusion_calc.core import catalog_schema
from infusion_calc.core.catalog import Drug, packaged_catalog, read_drug
from infusion_calc.core.units import Kind, parse_measure

ENTRIES = tomllib.loads(files("infusion_calc.data").joinpath("catalog.toml").read_text(encoding="utf-8"))["drug"]


def _schema_verdict(raw):
    try:
        return catalog_schema.Drug.model_validate(raw).record()
    except ValidationError:
        return None


def test_every_packaged_entry_takes_the_fast_path_and_reads_as_the_schema_reads_it():
    for raw in ENTRIES:
        fast = read_drug(raw)
        assert fast is not None, f"{raw['hcpcs']} fell back to pydantic: start-up would pay for it"
        assert fast == _schema_verdict(raw)
    assert packaged_catalog().drugs == tuple(_schema_verdict(raw) for raw in ENTRIES)


DRUG_FIELDS = sorted({key for raw in ENTRIES for key in raw} | {"products", "extra"})
PRODUCT_FIELDS = sorted({key for raw in ENTRIES for p in raw["product"] for key in p} | {"ndc_unit", "extra"})
DELETE = object()
ODD_VALUES = [
    DELETE, None, "", "x", "300 mg", "0 mg", "-5 mg", "1,5 mg", "5 µg", "15 mL", " 15 mL", "10 mg/mL", "20 mg/L",
    "J2323", "j2323", "J2326", "Ä1234", "J23230", "64406-0008-01", "64406-0008-01\n", "６４４０６-0008-01",
    "solution", "lyophilized", "single-dose", "multi-dose", "ML", "UN", "XX", "natalizumab", "Natalizumab",
    0, 5, 1.5, True, [], ["a"], ["a", 1], [{"brand": "x"}], {"a": 1},
]


def _mutations():
    for index, entry in enumerate(ENTRIES):
        for in_product, names in ((False, DRUG_FIELDS), (True, PRODUCT_FIELDS)):
            for name in names:
                for value in ODD_VALUES:
                    raw = copy.deepcopy(entry)
                    target = raw["product"][0] if in_product else raw
                    if value is DELETE:
                        target.pop(name, None)
                    else:
                        target[name] = value
                    yield raw


def test_the_fast_reader_accepts_only_what_the_schema_accepts_and_reads_it_identically():
    accepted = 0
    for raw in _mutations():
        fast = read_drug(raw)
        if fast is not None:  # the schema is asked only here: that keeps this test fast
            accepted += 1
            assert fast == _schema_verdict(raw), raw
    assert accepted > 100  # the grid does exercise the shortcut, not only the refusals


def test_an_entry_the_fast_reader_declines_still_gets_the_schema_message():
    raw = copy.deepcopy(ENTRIES[0])
    raw["product"][0]["form"] = "powder"
    assert read_drug(raw) is None
    with pytest.raises(ValidationError, match="'solution' or 'lyophilized'"):
        Drug.model_validate(raw)


def test_a_product_typed_by_hand_is_checked_like_a_catalog_entry():
    from infusion_calc.core.catalog import Product

    with pytest.raises(ValueError, match="a solution needs its labeled volume"):
        Product(brand="x", ndc_note="typed", strength=parse_measure("100 mg", Kind.MASS, "vial"),
                form="solution", container="single-dose")
