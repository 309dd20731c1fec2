"""From the order as typed to a dose in mg: flat, per kg, per m² (Mosteller) or by volume.

Each step is written out in words as it is taken, so the chart and the screen can show
the arithmetic the nurse would do by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers import rounding
from infusion_calc.core.numbers.amounts import step_unit
from infusion_calc.core.numbers.frozen import quick_init
from infusion_calc.core.numbers.rounding import plain
from infusion_calc.core.numbers.units import DoseBasis, DoseOrder, Kind, Measure, parse_measure
from infusion_calc.core.record.steps import Figure, Step, StepKind

# Plausible human ranges: outside them the number is a typo, not a patient.
WEIGHT_RANGE_KG = (Decimal("0.3"), Decimal("400"))
HEIGHT_RANGE_CM = (Decimal("20"), Decimal("260"))
BSA_RANGE_M2 = (Decimal("0.1"), Decimal("4.5"))


@quick_init
@dataclass(frozen=True, slots=True)
class PatientSize:
    """The body measures a dose was scaled by (None where not used)."""

    weight_kg: Decimal | None = None
    height_cm: Decimal | None = None
    bsa_m2: Decimal | None = None
    bsa_from_mosteller: bool = False


NO_PATIENT = PatientSize()
"""A flat dose or one by volume: scaled by no measure (one object, as it never changes)."""


@quick_init
@dataclass(frozen=True, slots=True)
class ResolvedDose:
    dose_mg: Decimal
    patient: PatientSize
    steps: tuple[Step, ...]
    rounded_from: Decimal | None = None
    """The unrounded product, when the calculated dose was rounded to 0.01 mg."""


def _in_range(
    measure: Measure, bounds: tuple[Decimal, Decimal], field: str, what: str, unit: str
) -> Decimal:
    low, high = bounds
    if not low <= measure.value <= high:
        raise InputError(
            field,
            f"{what} {plain(rounding.round_half_up(measure.value, Decimal('0.01')))} "
            f"{unit} is outside the plausible human range "
            f"({plain(low)}-{plain(high)} {unit}). Check the number and the unit.",
        )
    return measure.value


MEASURES_KEPT = 1024
"""Measures kept per kind, by spelling: a batch file repeats its patients' measures, and a value
read and range-checked once is the same Decimal every time (a refused one raises again, never
kept). Plain dicts emptied when full, not `lru_cache`: a found measure is then one dict look-up
(`resolve_dose` asks the dict itself), with no recency list to update."""
_WEIGHTS: dict[str, Decimal] = {}
_HEIGHTS: dict[str, Decimal] = {}
_BSAS: dict[str, Decimal] = {}


def _read(
    kept: dict[str, Decimal],
    text: str,
    kind: Kind,
    bounds: tuple[Decimal, Decimal],
    names: tuple[str, str, str],
) -> Decimal:
    """The measure spelled `text`, read in `kind` and range-checked (`names`: its field, its
    name in the message, its unit), then kept by its spelling (a refusal raises, never kept)."""
    field, what, unit = names
    found = kept.get(text)
    if found is not None:
        return found
    value = _in_range(parse_measure(text, kind, field), bounds, field, what, unit)
    if len(kept) >= MEASURES_KEPT:
        kept.clear()  # flat memory
    kept[text] = value
    return value


def parse_weight(text: str) -> Decimal:
    return _read(_WEIGHTS, text, Kind.BODY_WEIGHT, WEIGHT_RANGE_KG, ("weight", "Weight", "kg"))


def parse_height(text: str) -> Decimal:
    return _read(_HEIGHTS, text, Kind.HEIGHT, HEIGHT_RANGE_CM, ("height", "Height", "cm"))


def parse_bsa(text: str) -> Decimal:
    return _read(_BSAS, text, Kind.AREA, BSA_RANGE_M2, ("bsa", "BSA", "m²"))


def mosteller_bsa(height_cm: Decimal, weight_kg: Decimal) -> Decimal:
    """BSA = √(height cm × weight kg / 3600), to 2 decimals
    (the figure shown is the figure used)."""
    return rounding.bsa((height_cm * weight_kg / Decimal(3600)).sqrt())


@lru_cache(maxsize=64)  # one per unit: a C call per dose rather than two Python ones
def _unit_figure(unit: str) -> tuple[tuple[str, Figure], ...]:
    """The step's unit figure (`step_unit`): none for mg."""
    shown = step_unit(unit)
    return () if shown is None else (("u", shown),)


def _given(text: str | None) -> bool:
    return bool(text and text.strip())


def resolve_dose(
    order: DoseOrder,
    *,
    weight: str | None = None,
    height: str | None = None,
    bsa: str | None = None,
    concentration_mg_per_ml: Decimal | None = None,
    unit: str = "mg",
) -> ResolvedDose:
    """The dose in mg for this order and patient, with the arithmetic in words."""
    # A body measure typed but not needed is still checked: a typo is a typo. Each is
    # parsed once, here, in this order, and the values are reused below.
    # (`text and text.strip()` is `_given(text)`, without a call per measure per calculation)
    # (each kept measure found in its dict first: no Python call for one read before)
    weight_kg = (
        (_WEIGHTS.get(weight) or parse_weight(weight)) if weight and weight.strip() else None
    )
    height_cm = (
        (_HEIGHTS.get(height) or parse_height(height)) if height and height.strip() else None
    )
    bsa_m2 = (_BSAS.get(bsa) or parse_bsa(bsa)) if bsa and bsa.strip() else None
    amount = order.amount.value
    if order.basis is DoseBasis.FLAT:
        return ResolvedDose(
            amount, NO_PATIENT, (Step.of(StepKind.DOSE_ORDERED, ("order", str(order.amount))),)
        )

    if order.basis is DoseBasis.VOLUME:
        if concentration_mg_per_ml is None:
            raise InputError(
                "dose",
                "A dose by volume needs one known concentration: pick a solution product "
                "or a vial size with its volume, e.g. 300 mg/15 mL, or enter the dose in mg.",
            )
        dose = amount * concentration_mg_per_ml
        return _calculated(
            dose,
            NO_PATIENT,
            StepKind.DOSE_BY_VOLUME,
            (
                ("volume", str(order.amount)),
                ("concentration", concentration_mg_per_ml),
                *_unit_figure(unit),
            ),
        )

    if order.basis is DoseBasis.PER_KG:
        if weight_kg is None:
            raise InputError(
                "weight", "This dose is per kg: enter the patient's weight, e.g. 70 kg."
            )
        steps: list[Step] = []
        typed = (weight or "").strip()  # given: weight_kg was parsed from it
        if typed.lower().endswith("kg"):
            factor = f"{plain(weight_kg)} kg"
        else:
            # A converted weight is shown as a nurse reads it (73.03 kg), but the dose uses
            # the exact conversion, so the product is written with the weight as typed.
            steps.append(
                Step(StepKind.WEIGHT, (("typed", typed), ("kg", rounding.weight_shown(weight_kg))))
            )
            factor = typed
        return _calculated(
            amount * weight_kg,
            PatientSize(weight_kg),
            StepKind.DOSE_PER_KG,
            (("per_kg", amount), ("weight", factor), *_unit_figure(unit)),
            steps,
        )

    # Per m²: a BSA given directly wins; otherwise Mosteller from height and weight.
    steps = []
    if bsa_m2 is not None:
        patient = PatientSize(bsa_m2=bsa_m2)
        steps.append(Step(StepKind.BSA_GIVEN, (("bsa", bsa_m2),)))
    elif height_cm is not None and weight_kg is not None:
        bsa_m2 = mosteller_bsa(height_cm, weight_kg)
        if not BSA_RANGE_M2[0] <= bsa_m2 <= BSA_RANGE_M2[1]:
            raise InputError(
                "height",
                f"The BSA from this height and weight ({plain(bsa_m2)} m²) is not plausible.",
            )
        patient = PatientSize(
            weight_kg=weight_kg, height_cm=height_cm, bsa_m2=bsa_m2, bsa_from_mosteller=True
        )
        steps.append(
            Step(
                StepKind.BSA_MOSTELLER,
                (("height", height_cm), ("weight", weight_kg), ("bsa", bsa_m2)),
            )
        )
    else:
        field = (
            "bsa"
            if not _given(height) and not _given(weight)
            else ("height" if not _given(height) else "weight")
        )
        raise InputError(
            field, "This dose is per m²: enter the BSA (e.g. 1.9 m2), or the height and weight."
        )
    return _calculated(
        amount * bsa_m2,
        patient,
        StepKind.DOSE_PER_M2,
        (("per_m2", amount), ("bsa", bsa_m2), *_unit_figure(unit)),
        steps,
    )


def _calculated(
    exact: Decimal,
    patient: PatientSize,
    kind: StepKind,
    figures: tuple[tuple[str, Figure], ...],
    steps: list[Step] | None = None,
) -> ResolvedDose:
    """The dose rounded to 0.01 mg; the step of `kind` with `figures` (the arithmetic without its
    result) gets the dose and what it was rounded from, if it was. Steps are made whole here
    (no figure left out), not by `Step.of`: one per patient's dose, so its loop showed."""
    dose = rounding.calculated_dose(exact)
    if dose <= 0:
        raise InputError(
            "dose", "The calculated dose rounds to 0: check the dose and the patient's size."
        )
    rounded_from = exact if dose != exact else None
    line = Step(
        kind,
        (*figures, ("dose", dose))
        if rounded_from is None
        else (*figures, ("dose", dose), ("rounded_from", rounded_from)),
    )
    return ResolvedDose(dose, patient, (*steps, line) if steps else (line,), rounded_from)
