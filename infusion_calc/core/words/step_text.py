"""The sentence of each calculation step (`core/record/steps.py` holds the step as data)."""

from __future__ import annotations

import re
from decimal import Decimal

from infusion_calc.core.numbers.rounding import plain
from infusion_calc.core.record.steps import Figure, Step, StepKind
from infusion_calc.core.words.labels import vials_text

STEP_TEXTS = {
    StepKind.DOSE_ORDERED: "Dose ordered: {order}",
    StepKind.WEIGHT: "Weight: {typed} ≈ {kg} kg",
    StepKind.BSA_GIVEN: "BSA (given): {bsa} m²",
    StepKind.BSA_MOSTELLER: "BSA (Mosteller): √({height} cm × {weight} kg ÷ 3600) = {bsa} m²",
    StepKind.DOSE_BY_VOLUME: "{volume} × {concentration} {u}/mL = {dose} {u}",
    StepKind.DOSE_PER_KG: "{per_kg} {u}/kg × {weight} = {dose} {u}",
    StepKind.DOSE_PER_M2: "{per_m2} {u}/m² × {bsa} m² = {dose} {u}",
    StepKind.VIALS: "Vials: {vials} = {labeled} {u} labeled",
    StepKind.DOSE_GIVEN: "Dose given: {given} {u} of the {dose} {u} prepared",
    StepKind.ADMINISTERED: (
        "Administered: {dose} {u} ÷ {unit} {u} per unit = {ratio} → {units} units (rounded up)"
    ),
    StepKind.DISCARDED: (
        "Discarded: {labeled} {u} opened − {dose} {u} = {discarded} {u} ÷ {unit} {u} = {ratio} → "
        "{units} units (rounded down)"
    ),
    StepKind.CAP: "Cap: {administered} + JW ≤ {labeled_units} labeled units → {jw} JW units",
}


def _figure(value: Figure) -> str:
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, tuple):
        return vials_text(value)
    return str(value)


def step_text(step: Step) -> str:
    figures = {"u": "mg"} | {
        name: _figure(value) for name, value in step.figures
    }  # u: the amount's unit, mg unless stated
    text = STEP_TEXTS[step.kind].format(**figures)
    if figures["u"].endswith(
        "s"
    ):  # "1 doses labeled", "÷ 1 units per unit": one of a counted unit is singular
        text = re.sub(
            rf"(?<![0-9.]){re.escape('1 ' + figures['u'])}\b", "1 " + figures["u"][:-1], text
        )
    if "rounded_from" in figures:  # a calculated dose stated to 0.01 of its unit
        text += f" (from {figures['rounded_from']} {figures['u']}, rounded to 0.01 {figures['u']})"
    return text
