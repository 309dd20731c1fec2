"""The tests' catalog builder writes entries the loader accepts,
and any text reads back as written."""

from __future__ import annotations

import tomllib

from hypothesis import given
from hypothesis import strategies as st

from tests.catalog_entries import (
    EXAMPLE_NDC,
    drug_entry,
    powder_entry,
    product_entry,
    site_catalog,
    toml_value,
)


def test_the_default_entry_is_a_valid_single_dose_vial() -> None:
    drug = site_catalog(drug_entry()).drugs[0]
    assert (drug.hcpcs, drug.generic, str(drug.billing_unit), drug.descriptor) == (
        "J9998",
        "examplemab",
        "10 mg",
        "Injection, examplemab, 10 mg",
    )
    [vial] = drug.products
    assert (vial.ndc, str(vial.strength), str(vial.volume), vial.form, vial.container) == (
        EXAMPLE_NDC,
        "100 mg",
        "10 mL",
        "solution",
        "single-dose",
    )


def test_a_note_replaces_the_ndc_and_a_powder_has_no_volume() -> None:
    drug = site_catalog(
        drug_entry(
            products=[
                product_entry(ndc_note="site stock"),
                powder_entry(
                    strength="500 mg",
                    reconstitute_with="10 mL",
                    reconstituted_concentration="50 mg/mL",
                ),
            ]
        )
    ).drugs[0]
    assert [(item.ndc, item.ndc_note, str(item.volume), item.form) for item in drug.products] == [
        (None, "site stock", "10 mL", "solution"),
        (EXAMPLE_NDC, None, "None", "lyophilized"),
    ]


@given(st.text(), st.integers(), st.lists(st.text(max_size=5), max_size=3))
def test_any_value_reads_back_as_written(text: str, number: int, texts: list[str]) -> None:
    table = {"text": text, "number": number, "texts": texts, "table": {"inner": text}}
    written = "\n".join(f"{key} = {toml_value(value)}" for key, value in table.items())
    assert tomllib.loads(written) == table
