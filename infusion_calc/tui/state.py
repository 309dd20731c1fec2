"""What the form holds and the outcome the screen shows: plain frozen values (the result's own
values, `ResultView` and what it carries, are in `result_view.py`).

The main screen keeps a `FormValues` in a reactive and replaces it whole on every
keystroke; the calculator bridge (`calculator.py`) turns it into an `Outcome` made of
ready-to-show text. Keeping these free of pint and the catalog lets the first frame
draw before the core is imported.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # types only: the first frame needs no core module, nor a result's values
    from infusion_calc.tui.result_view import ResultView

ALL_PRESENTATIONS = "*"
"""Vial choice: plan with every presentation of the product (the least-waste combination)."""
TYPED_SIZE = "typed"
"""Vial choice: the size typed in the field below the choice."""

# Form fields by the names the core's InputError.field uses, with the label shown.
FIELD_LABELS = {
    "drug": "Drug / product",
    "dose": "Ordered dose",
    "weight": "Weight",
    "height": "Height",
    "bsa": "BSA",
    "vial": "Vial size",
    "round_within": "Rounding %",
}


def encounter_label(name: str) -> str:
    """The label of the encounter field the core's InputError.field names (an EncounterText
    attribute), from the one field table; the name itself for anything else. Read when a
    problem is shown, so the first frame imports no core module."""
    # lazy: the core: not when the app is made
    from infusion_calc.core.record.encounter_fields import FIELD

    field = FIELD.get(name)
    return field.label if field is not None else name


EncounterValues = tuple[tuple[str, Any], ...]
"""The encounter panel as typed: (EncounterText field name, text or tick) pairs; the
calculator turns them into the core's EncounterText. Plain values keep this module core-free."""


@dataclass(frozen=True, slots=True)
class FormValues:
    """The text in each field, exactly as typed."""

    drug: str = ""
    """HCPCS code of the chosen catalog entry."""
    dose: str = ""
    weight: str = ""
    height: str = ""
    bsa: str = ""
    vial: str = ""
    """A vial size to plan with; empty to plan from all of the product's presentations."""
    round_within: str = ""
    """Whole-vial rounding threshold in percent; empty for no rounding option."""
    vial_typed: bool = False
    """The vial picker says "Other size": the typed size is the plan, and blank is not an answer."""
    encounter: EncounterValues = ()
    """The encounter panel's fields, for the chart note and the checks (empty: nothing entered)."""
    container: str = ""
    """Single-dose or multi-dose as the nurse read the carton
    (the app's question); empty: not asked."""


ContainerAnswer = tuple[str, str, str]
"""(drug code, vial size, "single-dose" or "multi-dose"): the nurse's answer for one product."""


def with_container_answer(values: FormValues, answer: ContainerAnswer | None) -> FormValues:
    """The form with the container answered for its drug and vial size;
    unchanged for another product."""
    if answer is not None and (values.drug, values.vial) == answer[:2]:
        return replace(values, container=answer[2])
    return values


@dataclass(frozen=True, slots=True)
class Problem:
    """Why there is no result: a sentence, and the form field it belongs under (if any)."""

    message: str
    field: str | None = None


State = Literal["loading", "waiting", "valid", "invalid"]


@dataclass(frozen=True)
class Outcome:
    state: State
    basis: str = ""
    """How the dose scales ("flat", "per_kg", "per_m2", "volume"), or "" while unreadable."""
    result: ResultView | None = None
    problem: Problem | None = None
    encounter_problems: tuple[Problem, ...] = ()
    """Encounter fields that could not be read, each under its field: left out of the note."""

    @property
    def valid(self) -> bool:
        return self.state == "valid" and self.result is not None


LOADING = Outcome("loading")
