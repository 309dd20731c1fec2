"""A FHIR MedicationAdministration for the dose given, built and validated with fhir.resources.

The models are fhir.resources' R4B ones (the library ships R4B and R5, not plain R4).
Every element written here exists in R4 (4.0.1) with the same name, type and
cardinality, and the status code is in R4's value set, so the JSON reads as R4 too.

- medicationCodeableConcept: the HCPCS code and the product's verified NDC; with several
  products, a contained Medication per product instead (see `_medication`). The NDC is given in
  the 11-digit form claims use (HL7's terminology page prefers the 10-digit hyphenated
  form, which the catalog does not hold and which cannot be derived from 11 digits).
- dosage.dose: the administered amount in UCUM mg; notes: vials, discarded amount, lines.
- subject: a display only; infusion-calc does not identify patients in exports.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.medication import Medication, MedicationIngredient
from fhir.resources.R4B.medicationadministration import (
    MedicationAdministration,
    MedicationAdministrationDosage,
)
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.reference import Reference
from pydantic import ValidationError

from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.catalog.catalog import Product
from infusion_calc.core.exports.lines import ExportError, prepare
from infusion_calc.core.numbers.units import format_amount
from infusion_calc.core.pipeline.site_config import ExportSettings
from infusion_calc.core.record.notices import Notice
from infusion_calc.core.words.labels import line_brief, ndc_for_people, vial_text

NDC_SYSTEM = "http://hl7.org/fhir/sid/ndc"
HCPCS_SYSTEM = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
UCUM = "http://unitsofmeasure.org"
# fhir.resources writes decimals as JSON numbers via float; up to 15 significant digits
# survive that exactly. Doses are at most 9 digits + 2 decimals, well inside it.
EXACT_DIGITS = 15


def _hcpcs(calc: Calculation) -> Coding:
    return Coding(system=HCPCS_SYSTEM, code=calc.drug.hcpcs, display=calc.drug.descriptor)


def _ndc(product: Product) -> Coding | None:
    ndc = product.ndc11
    return (
        Coding(system=NDC_SYSTEM, code=ndc, display=f"{product.brand} {product.label}")
        if ndc
        else None
    )


def _products(calc: Calculation) -> list[Product]:
    """The distinct products opened, in the order the vials are listed."""
    distinct = {
        (use.product.brand, use.product.label, use.product.ndc): use.product for use in calc.vials
    }
    return list(distinct.values())


def _medication(calc: Calculation) -> dict[str, Any]:
    """The medication[x] element, and the resources it contains.

    One product: a CodeableConcept with the HCPCS code and its NDC (two codes for one
    concept). Several products: the codings of a CodeableConcept are alternative codes
    for one thing, so two NDCs there would read as one product coded twice. Instead a
    contained Medication per product carries its NDC, and a contained Medication for the
    dose as given (the HCPCS code) lists them as its ingredients; medicationReference
    points at that one.
    """
    products = _products(calc)
    if len(products) <= 1:
        codings = [_hcpcs(calc), *filter(None, (_ndc(product) for product in products))]
        return {
            "medicationCodeableConcept": CodeableConcept(
                coding=codings, text=calc.drug.display_name
            )
        }
    contained = [
        Medication(
            id=f"product-{number}",
            code=CodeableConcept(
                coding=[coding] if (coding := _ndc(product)) else None,
                text=f"{product.brand} {product.label}",
            ),
        )
        for number, product in enumerate(products, start=1)
    ]
    given = Medication(
        id="medication",
        code=CodeableConcept(coding=[_hcpcs(calc)], text=calc.drug.display_name),
        ingredient=[
            MedicationIngredient(
                itemReference=Reference(
                    reference=f"#{product.id}", display=product.code.text if product.code else None
                ),
                isActive=True,
            )
            for product in contained
        ],
    )
    return {
        "contained": [given, *contained],
        "medicationReference": Reference(reference="#medication", display=calc.drug.display_name),
    }


def _notes(calc: Calculation) -> list[Annotation]:
    vials = "; ".join(
        f"{vial_text(use.count, use.product.label)} ({ndc_for_people(use.product.ndc)})"
        for use in calc.vials
    )
    billing = calc.billing
    lines = "; ".join(
        line_brief(line.hcpcs, line.modifiers, line.units)
        + (
            f" ({ndc_for_people(line.ndc, line.ndc_quantity, line.ndc_unit)})"
            if line.ndc and line.ndc_quantity is not None
            else ""
        )
        for line in calc.lines
    )
    texts = [
        f"Vials opened: {vials}.",
        f"Discarded: {format_amount(billing.discarded_mg, calc.drug.amount_unit)} "
        f"({billing.discarded_units} billing units of {calc.drug.billing_unit}).",
        f"Claim lines: {lines}.",
    ]
    return [Annotation(text=text) for text in texts]


def _quantity(dose: Decimal, unit: str) -> Quantity:
    """mg and mL in UCUM; a product's own activity units have no UCUM code,
    so the unit is named only."""
    if unit in ("mg", "mL"):
        return Quantity(value=dose, unit=unit, system=UCUM, code=unit)
    return Quantity(value=dose, unit=format_amount(dose, unit).split(" ", 1)[1])


def build(calc: Calculation, when: date) -> MedicationAdministration:
    """The resource as a validated model; raises ExportError if the library refuses it."""
    dose = (
        calc.administered_mg
    )  # the record of what was administered: the amount given when entered
    if len(dose.as_tuple().digits) > EXACT_DIGITS:
        raise ExportError(
            f"The dose {format_amount(dose, calc.drug.amount_unit)} "
            "has more digits than FHIR JSON carries exactly."
        )
    # A FHIR dateTime may be a date alone ("2025-01-10"): a date of service given without its time.
    effective: Any = when.replace(microsecond=0) if isinstance(when, datetime) else when
    try:
        return MedicationAdministration(
            status="completed",
            **_medication(calc),
            subject=Reference(display="Patient (not identified by infusion-calc)"),
            effectiveDateTime=effective,
            note=_notes(calc),
            dosage=MedicationAdministrationDosage(
                text=f"{format_amount(dose, calc.drug.amount_unit)} {calc.drug.route}",
                route=CodeableConcept(text=calc.drug.route),
                dose=_quantity(dose, calc.drug.amount_unit),
            ),
        )
    except ValidationError as error:  # a bug here, not a user error: say which field
        raise ExportError(
            f"The FHIR library refused the MedicationAdministration: {error.errors()[0]['msg']}"
        ) from None


def write(
    calc: Calculation, fmt: str, settings: ExportSettings, when: date
) -> tuple[str, tuple[Notice, ...]]:
    _, notices = prepare(calc, settings)
    ndc_notices = tuple(notice for notice in notices if notice.code.startswith("NDC_"))
    return build(calc, when).model_dump_json(indent=2) + "\n", ndc_notices
