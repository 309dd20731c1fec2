"""The FHIR MedicationAdministration: validated by fhir.resources, and within FHIR R4.

fhir.resources 8.3.0 has R4B models but not R4 ones, so the R4 check is against the
R4 (4.0.1) element lists written out below from the specification
(https://hl7.org/fhir/R4/medicationadministration.html and the datatypes pages).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.exports import render
from infusion_calc.core.record.notices import Notice
from infusion_calc.loading import packaged_catalog

MedicationAdministration = pytest.importorskip(
    "fhir.resources.R4B.medicationadministration",
    reason="fhir.resources is a dependency of infusion-calc",
).MedicationAdministration

WHEN = datetime(2026, 5, 1, 10, 30, tzinfo=timezone(timedelta(hours=-5)))

# FHIR R4 4.0.1 element names, by the type that holds them.
R4_ELEMENTS = {
    "MedicationAdministration": {
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
        "instantiates",
        "partOf",
        "status",
        "statusReason",
        "category",
        "medicationCodeableConcept",
        "medicationReference",
        "subject",
        "context",
        "supportingInformation",
        "effectiveDateTime",
        "effectivePeriod",
        "performer",
        "reasonCode",
        "reasonReference",
        "request",
        "device",
        "note",
        "dosage",
        "eventHistory",
    },
    "Dosage": {
        "id",
        "extension",
        "modifierExtension",
        "text",
        "site",
        "route",
        "method",
        "dose",
        "rateRatio",
        "rateQuantity",
    },
    "CodeableConcept": {"id", "extension", "coding", "text"},
    "Coding": {"id", "extension", "system", "version", "code", "display", "userSelected"},
    "Quantity": {"id", "extension", "value", "comparator", "unit", "system", "code"},
    "Annotation": {"id", "extension", "authorReference", "authorString", "time", "text"},
    "Reference": {"id", "extension", "reference", "type", "identifier", "display"},
}
R4_STATUS = {
    "in-progress",
    "not-done",
    "on-hold",
    "completed",
    "entered-in-error",
    "stopped",
    "unknown",
}


def resource_for(dose: str, **kwargs: Any) -> tuple[dict[str, Any], tuple[Notice, ...]]:
    calc = calculate(packaged_catalog(), CalcRequest(dose, **kwargs))
    result = render(calc, "fhir", when=WHEN)
    return json.loads(result.text), result.notices


def test_the_resource_passes_the_library_validation() -> None:
    resource, _ = resource_for("250 mg")
    parsed = MedicationAdministration.model_validate(resource)  # raises on anything invalid
    assert parsed.status == "completed"


def test_every_element_emitted_exists_in_fhir_r4() -> None:
    resource, _ = resource_for("5 mg/kg", drug="remicade", weight="73 kg")
    assert set(resource) <= R4_ELEMENTS["MedicationAdministration"]
    assert resource["status"] in R4_STATUS
    assert set(resource["dosage"]) <= R4_ELEMENTS["Dosage"]
    assert set(resource["dosage"]["dose"]) <= R4_ELEMENTS["Quantity"]
    assert set(resource["dosage"]["route"]) <= R4_ELEMENTS["CodeableConcept"]
    assert set(resource["medicationCodeableConcept"]) <= R4_ELEMENTS["CodeableConcept"]
    for coding in resource["medicationCodeableConcept"]["coding"]:
        assert set(coding) <= R4_ELEMENTS["Coding"]
    for note in resource["note"]:
        assert set(note) <= R4_ELEMENTS["Annotation"]
    assert set(resource["subject"]) <= R4_ELEMENTS["Reference"]


def test_medication_is_coded_by_hcpcs_and_ndc_and_the_dose_is_exact_ucum_mg() -> None:
    resource, notices = resource_for("5 mg/kg", drug="remicade", weight="73.3 kg")  # 366.5 mg
    codings = {
        coding["system"]: coding["code"]
        for coding in resource["medicationCodeableConcept"]["coding"]
    }
    assert codings == {
        "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets": "J1745",
        "http://hl7.org/fhir/sid/ndc": "57894003001",
    }
    assert resource["dosage"]["dose"] == {
        "value": 366.5,
        "unit": "mg",
        "system": "http://unitsofmeasure.org",
        "code": "mg",
    }
    assert resource["effectiveDateTime"] == "2026-05-01T10:30:00-05:00"
    assert notices == ()


def test_notes_carry_the_discarded_amount_and_the_claim_lines() -> None:
    resource, _ = resource_for("250 mg")
    notes = " ".join(note["text"] for note in resource["note"])
    assert "Discarded: 50 mg (50 billing units of 1 mg)" in notes
    assert "J2323-JW × 50" in notes


def test_an_unverified_ndc_is_left_out_and_warned_about() -> None:
    resource, notices = resource_for("300 mg", drug="tyruko")
    systems = [coding["system"] for coding in resource["medicationCodeableConcept"]["coding"]]
    assert systems == ["http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"]
    assert [notice.code for notice in notices] == ["NDC_MISSING"]
    MedicationAdministration.model_validate(resource)


def test_the_dose_administered_is_the_amount_given_when_the_infusion_stopped_early() -> None:
    resource, _ = resource_for("300 mg", dose_given="200 mg")
    assert resource["dosage"]["dose"]["value"] == 200 and resource["dosage"]["text"] == "200 mg IV"
