"""The order form's rows, in tab order: drug, dose, the patient's size (shown when the dose needs
it), vials, rounding, and the encounter panel below them.

The first frame has the drug and dose rows only (a nurse types the dose at once); the later
rows mount right after it (`later_row_groups`), below the dose, which never
moves. Each row's field starts unchecked (`validate_on=()`): the form turns checking on once the
core is loaded, so a key typed before that never waits for pint.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Input, Select

from infusion_calc.tui import validators
from infusion_calc.tui.state import ALL_PRESENTATIONS, FIELD_LABELS
from infusion_calc.tui.widgets.drug_field import DrugField
from infusion_calc.tui.widgets.form_field import FormField


def first_rows() -> ComposeResult:
    """Drug and dose: what the first frame shows of the form."""
    yield FormField(
        FIELD_LABELS["drug"],
        DrugField(id="drug"),
        field="drug",
        hint="Type a name, brand or code; Enter takes the highlighted match",
    )
    yield FormField(
        FIELD_LABELS["dose"],
        Input(
            placeholder="e.g. 300 mg, 5 mg/kg, 375 mg/m2",
            id="dose",
            validators=[validators.dose()],
            validate_on=(),
        ),
        field="dose",
    )


def later_row_groups(round_within: str) -> Iterator[list[Widget]]:
    """The rows after the dose, in screen order, in groups mounted a frame apart (built when
    asked for): the patient's size (hidden until a dose needs it), the vials, the rounding and
    the encounter panel. One group: each frame between groups cost more than it gave (the
    rows mount in the form's own task, so a key typed meanwhile is drawn without them)."""
    # lazy: the encounter panel reads the core's field table: after the first frame
    from infusion_calc.tui.widgets.encounter_panel import EncounterPanel

    yield [*_size_rows(), *_vial_rows(), _rounding_row(round_within), EncounterPanel()]


def _size_rows() -> ComposeResult:
    yield FormField(
        FIELD_LABELS["height"],
        Input(
            placeholder="170 cm or 67 in",
            id="height",
            validators=[validators.height()],
            validate_on=(),
        ),
        field="height",
        classes="-by-area",
        hint="Height and weight give the BSA (Mosteller)",
    )
    yield FormField(
        FIELD_LABELS["weight"],
        Input(
            placeholder="70 kg or 154 lb",
            id="weight",
            validators=[validators.weight()],
            validate_on=(),
        ),
        field="weight",
        classes="-by-weight",
    )
    yield FormField(
        "or BSA",
        Input(placeholder="1.9 m2", id="bsa", validators=[validators.bsa()], validate_on=()),
        field="bsa",
        classes="-by-area",
        hint="A BSA given here is used instead",
    )


def _vial_rows() -> ComposeResult:
    yield FormField(
        "Vials",
        Select(
            [("Least waste (loading…)", ALL_PRESENTATIONS)], id="vial-choice", allow_blank=False
        ),
        field="vial-choice",
    )
    yield FormField(
        FIELD_LABELS["vial"],
        Input(
            placeholder="100 mg/4 mL, or 100 mg for a powder",
            id="vial",
            validators=[validators.vial_size()],
            validate_on=(),
        ),
        field="vial",
        classes="-typed-vial",
    )


def _rounding_row(round_within: str) -> FormField:
    return FormField(
        FIELD_LABELS["round_within"],
        Input(
            value=round_within,
            placeholder="off · whole-vial option within %",
            id="round-within",
        ),
        field="round_within",
        hint="Site policy: offers the nearest whole-vial dose within this percent; never applied",
    )
