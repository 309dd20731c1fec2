"""drug_class and dose_range: catalog data, validated like every other field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from infusion_calc.core.catalog.catalog import Drug
from infusion_calc.core.catalog.catalog_fields import DoseRange
from infusion_calc.core.errors import CatalogError
from infusion_calc.loading import packaged_catalog
from tests.catalog_entries import coded, drug_entry, site_catalog


def _drug(**fields: Any) -> Drug:
    return site_catalog(drug_entry("J9990", generic="examplemab", **fields)).drugs[0]


def test_monoclonal_antibodies_are_complex_biologics_rituximab_an_antineoplastic() -> None:
    classes = {drug.generic: drug.drug_class for drug in packaged_catalog().drugs}
    for generic in ("natalizumab", "infliximab", "ocrelizumab", "vedolizumab", "belimumab"):
        assert classes[generic] == "complex-biologic", generic
    assert classes["rituximab"] == "antineoplastic"
    assert classes["nusinersen"] == "other"


def test_a_drug_without_a_class_is_other_and_a_site_may_mark_its_own() -> None:
    assert _drug().drug_class == "other"
    assert _drug(drug_class="complex-biologic").drug_class == "complex-biologic"


@pytest.mark.parametrize(
    "fields, says",
    [
        ({"drug_class": "biologic"}, "field 'drug_class'"),
        ({"drug_class": "Complex-Biologic"}, "field 'drug_class'"),
        ({"dose_range": {"low": "3 mg/kg", "high": "10 mg"}}, "same unit"),
        (
            {"dose_range": {"low": "600 mg", "high": "300 mg", "source": "label"}},
            "'low' is more than 'high'",
        ),
        ({"dose_range": {"low": "300 mg", "high": "300 mg"}}, "'source' must name the label"),
        ({"dose_range": {"low": "15 mL", "high": "15 mL", "source": "label"}}, "in mg or mg/kg"),
        (
            {"dose_range": {"low": "300 mg", "high": "300 mg", "source": "label", "typo": 1}},
            "unknown key",
        ),
        ({"dose_range": "300 mg"}, "as a table"),
    ],
)
def test_a_bad_class_or_range_names_the_entry_and_the_field(
    fields: dict[str, Any], says: str
) -> None:
    with pytest.raises(CatalogError) as caught:
        _drug(**fields)
    assert "entry 1 (J9990)" in str(caught.value) and says in str(caught.value)


def test_a_range_reads_in_mg_or_mg_per_kg_with_its_source() -> None:
    flat = _drug(dose_range={"low": "300 mg", "high": "600 mg", "source": "label"}).dose_range
    assert flat == DoseRange(Decimal(300), Decimal(600), False, "label")
    assert flat.describe() == "300 to 600 mg"
    per_kg, flat_label = (
        coded(packaged_catalog(), "J1745").dose_range,
        coded(packaged_catalog(), "J2323").dose_range,
    )
    assert per_kg is not None and flat_label is not None
    assert per_kg.per_kg and per_kg.describe() == "3 to 10 mg/kg"
    assert flat_label.describe() == "300 mg"


def test_drugs_without_a_verified_label_dose_have_no_range() -> None:
    catalog = packaged_catalog()
    assert coded(catalog, "J0490").dose_range is None  # belimumab 10 mg/kg: PARTIAL
    assert coded(catalog, "J9312").dose_range is None  # rituximab: no label dose in the sources
