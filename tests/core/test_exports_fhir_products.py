"""Two products in one dose: a contained Medication per product, never two NDCs as codes of one
concept. Validated with fhir.resources (R4B) and against the R4 element lists."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.exports import render
from infusion_calc.loading import packaged_catalog
from tests.catalog_entries import drug_entry, packaged_with, product_entry
from tests.core.test_exports_fhir import R4_ELEMENTS

MedicationAdministration = pytest.importorskip(
    "fhir.resources.R4B.medicationadministration",
    reason="fhir.resources is a dependency of infusion-calc",
).MedicationAdministration

WHEN = datetime(2026, 5, 1, 10, 30, tzinfo=UTC)
NDC = "http://hl7.org/fhir/sid/ndc"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
R4_MEDICATION = {
    "resourceType",
    "id",
    "meta",
    "implicitRules",
    "language",
    "text",
    "contained",
    "extension",
    "modifierExtension",
    "identifier",
    "code",
    "status",
    "manufacturer",
    "form",
    "amount",
    "ingredient",
    "batch",
}
R4_INGREDIENT = {
    "id",
    "extension",
    "modifierExtension",
    "itemCodeableConcept",
    "itemReference",
    "isActive",
    "strength",
}


def resource(
    second_ndc: str | None = "12345-6789-02", second_ndc_note: str | None = None
) -> dict[str, Any]:
    site = drug_entry(
        "J9998",
        generic="twoproduct",
        brands=["Twoprod"],
        billing_unit="1 mg",
        products=[
            product_entry("Twoprod", ndc="12345-6789-01", strength="500 mg", volume="50 mL"),
            product_entry(
                "Twoprod",
                ndc=second_ndc,
                ndc_note=second_ndc_note,
                strength="100 mg",
                volume="10 mL",
            ),
        ],
    )
    calc = calculate(packaged_with(site), CalcRequest("650 mg", drug="twoproduct"))
    assert len({use.product.label for use in calc.vials}) == 2
    written: dict[str, Any] = json.loads(render(calc, "fhir", when=WHEN).text)
    return written


def test_each_product_is_a_contained_medication_with_its_own_ndc() -> None:
    data = resource()
    MedicationAdministration.model_validate(data)
    assert "medicationCodeableConcept" not in data
    contained = {item["id"]: item for item in data["contained"]}
    assert data["medicationReference"]["reference"] == "#medication"
    given = contained["medication"]
    assert [coding["system"] for coding in given["code"]["coding"]] == [HCPCS]
    products = [
        contained[ingredient["itemReference"]["reference"][1:]]
        for ingredient in given["ingredient"]
    ]
    assert [[coding["code"] for coding in product["code"]["coding"]] for product in products] == [
        ["12345678901"],
        ["12345678902"],
    ]
    for product in products:  # one concept, one NDC: no CodeableConcept holds two
        assert [coding["system"] for coding in product["code"]["coding"]] == [NDC]


def test_every_element_of_the_contained_medications_exists_in_r4() -> None:
    data = resource()
    assert set(data) <= R4_ELEMENTS["MedicationAdministration"]
    for item in data["contained"]:
        assert set(item) <= R4_MEDICATION
        assert set(item["code"]) <= R4_ELEMENTS["CodeableConcept"]
        for ingredient in item.get("ingredient", []):
            assert set(ingredient) <= R4_INGREDIENT
            assert set(ingredient["itemReference"]) <= R4_ELEMENTS["Reference"]
    assert set(data["medicationReference"]) <= R4_ELEMENTS["Reference"]


def test_a_product_without_a_verified_ndc_is_named_but_not_coded() -> None:
    data = resource(second_ndc=None, second_ndc_note="not verified")
    MedicationAdministration.model_validate(data)
    products = [item for item in data["contained"] if item["id"] != "medication"]
    assert [len(item["code"].get("coding", [])) for item in products] == [1, 0]
    assert products[1]["code"]["text"] == "Twoprod 100 mg/10 mL"


def test_one_product_keeps_the_codeable_concept() -> None:
    calc = calculate(packaged_catalog(), CalcRequest("250 mg"))
    data = json.loads(render(calc, "fhir", when=WHEN).text)
    assert "contained" not in data
    assert [coding["code"] for coding in data["medicationCodeableConcept"]["coding"]] == [
        "J2323",
        "64406000801",
    ]
