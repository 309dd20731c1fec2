"""The encounter panel: who, when, why and which lots, for the chart note and the checks.

Collapsed by default, so the dose form stays short. Every field is optional and goes to
the core as typed (by the calculator, as an EncounterText); a field the core cannot read
is marked under itself by the order form, and left out of the note until fixed. No
patient name or identifier is asked for.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Collapsible, Input, Label, Select

from infusion_calc.tui.state import ENCOUNTER_LABELS, EncounterValues
from infusion_calc.tui.widgets.form_field import FormField

TITLE = "Encounter (chart note, checks)"

# Text fields in form order: (EncounterText field, placeholder).
TIMES = (("given_at", "2026-03-02 09:40"), ("start", "09:40"), ("stop", "10:45"))
BILLING = (("dx", "e.g. G35.A, K50.00, G12.0"), ("prior_auth", "PA number, if any"))
WASTE = (("waste_reason", "e.g. dose reduced per order"), ("waste_witness", "name, credentials"))
PEOPLE = (("nurse", "name, credentials"), ("provider", "name, credentials"), ("site", "e.g. infusion center, chair 4"),
          ("events", "none, or what happened"))
FLAGS = ("rems_checked", "consent", "step_therapy")
PAYERS = (("Not given", ""), ("Medicare", "medicare"), ("Medicaid", "medicaid"), ("Commercial", "commercial"))


def control_id(field: str) -> str:
    """The widget id of a field: its EncounterText name with dashes ("given_at" -> "given-at")."""
    return field.replace("_", "-")


class VialRow(Vertical):
    """Vial N and its presentation, then its lot and expiry side by side."""

    def __init__(self, number: int, presentation: str) -> None:
        self.number_label = Label(_vial_label(number, presentation), classes="vial-number")
        self.lot = Input(placeholder="lot", id=f"lot-{number}", classes="vial-lot")
        self.expires = Input(placeholder="exp. 2027-03", id=f"expires-{number}", classes="vial-expires")
        super().__init__(self.number_label, Horizontal(self.lot, self.expires, classes="vial-inputs"), classes="vial-row")


class VialLots(Vertical):
    """One lot + expiry row per vial opened, numbered in the order the result lists the vials.

    Rows are added when more vials are opened and hidden (text kept) when fewer are.
    """

    def __init__(self) -> None:
        self._rows = [VialRow(1, "")]
        self._shown = 1
        super().__init__(*self._rows, id="vial-lots")

    def show_vials(self, labels: tuple[str, ...]) -> bool:
        """A row for each vial opened (at least one), labelled with its presentation; True if
        the number of rows shown changed (so the lots sent to the core changed too)."""
        before = self._shown
        for number, presentation in enumerate(labels, start=1):
            if number <= len(self._rows):
                self._rows[number - 1].number_label.update(_vial_label(number, presentation))
            else:
                self._rows.append(VialRow(number, presentation))
                self.mount(self._rows[-1])
        self._shown = max(len(labels), 1)
        for number, row in enumerate(self._rows, start=1):
            row.display = number <= self._shown
        return self._shown != before

    def values(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Lots and expiries of the vials shown, in order; rows left blank at the end are dropped."""
        pairs = [(row.lot.value, row.expires.value) for row in self._rows[: self._shown]]
        while pairs and not any(text.strip() for text in pairs[-1]):
            pairs.pop()
        return tuple(lot for lot, _ in pairs), tuple(expiry for _, expiry in pairs)


def _vial_label(number: int, presentation: str) -> str:
    return f"Vial {number} · {presentation}" if presentation else f"Vial {number}"


class EncounterPanel(Collapsible):
    """The encounter fields, under a title the nurse opens with Enter or a click."""

    def __init__(self) -> None:
        super().__init__(*self._fields(), title=TITLE, collapsed=True, id="encounter")

    @staticmethod
    def _fields() -> list[Any]:
        def text(field: str, placeholder: str) -> FormField:
            return FormField(ENCOUNTER_LABELS[field], Input(placeholder=placeholder, id=control_id(field)), field=field)

        return [
            *(text(field, hint) for field, hint in TIMES),
            *(text(field, hint) for field, hint in BILLING[:1]),
            FormField(ENCOUNTER_LABELS["payer"], Select(PAYERS, id="payer", allow_blank=False), field="payer"),
            *(text(field, hint) for field, hint in BILLING[1:]),
            Vertical(*(Checkbox(ENCOUNTER_LABELS[flag], id=control_id(flag)) for flag in FLAGS), id="encounter-flags"),
            FormField("Lot and expiry, each vial opened", VialLots(), field="vials",
                      hint="In the order the vials are listed; expiry YYYY-MM or YYYY-MM-DD"),
            *(text(field, hint) for field, hint in (*WASTE, *PEOPLE)),
        ]

    def values(self) -> EncounterValues:
        """Every field as typed, by EncounterText name; blank text and unticked boxes are left out."""
        texts = {field: self.query_one(f"#{control_id(field)}", Input).value for field, _ in (*TIMES, *BILLING, *WASTE, *PEOPLE)}
        payer = self.query_one("#payer", Select).value
        lots, expires = self.query_one(VialLots).values()
        values: dict[str, Any] = {
            **texts,
            "payer": payer if isinstance(payer, str) else "",
            **{flag: self.query_one(f"#{control_id(flag)}", Checkbox).value for flag in FLAGS},
            "lots": lots,
            "expires": expires,
        }
        return tuple((field, value) for field, value in values.items() if value)

    def show_vials(self, labels: tuple[str, ...]) -> bool:
        return self.query_one(VialLots).show_vials(labels)

    def clear(self) -> None:
        for field in self.query(Input):
            field.clear()
        for flag in self.query(Checkbox):
            flag.value = False
        self.query_one("#payer", Select).value = ""
