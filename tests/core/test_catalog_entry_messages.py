"""A catalog entry or product that is not a table is told in the file's words,
never a Python class name."""

from __future__ import annotations

import pytest

from infusion_calc.core.catalog.catalog import parse_catalog
from infusion_calc.core.errors import CatalogError

ENTRY = """[[drug]]
hcpcs = "J9999"
generic = "testumab"
descriptor = "Injection, testumab, 1 mg"
billing_unit = "1 mg"
route = "IV"
sources = ["https://example.org/label"]
product = [5]
"""


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("drug = [5]\n", "entry 1: field 'entry': Input should be a table of fields ([[drug]])"),
        (
            ENTRY,
            "entry 1 (J9999): field 'product.0': Input "
            "should be a table of fields ([[drug.product]])",
        ),
    ],
)
def test_a_value_where_a_table_belongs_is_named_as_the_file_names_it(text: str, said: str) -> None:
    with pytest.raises(CatalogError) as raised:
        parse_catalog(text, "site.toml")
    assert str(raised.value) == f"site.toml: {said}"
    assert "instance of" not in str(raised.value)
