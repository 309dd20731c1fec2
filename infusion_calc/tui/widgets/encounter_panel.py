"""The encounter panel: who, when, why and which lots, for the chart note and the checks.

Collapsed by default, so the dose form stays short. Every field is optional and goes to
the core as typed (by the calculator, as an EncounterText); a field the core cannot read
is marked under itself by the order form, and left out of the note until fixed. No
patient name or identifier is asked for.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Collapsible, Input, Label, Select

from infusion_calc.core.record.encounter_fields import ENCOUNTER_FIELDS, FIELD
from infusion_calc.core.record.encounter_row import Payer
from infusion_calc.tui.state import EncounterValues
from infusion_calc.tui.widgets.form_field import FormField

TITLE = "Encounter (chart note, checks)"

PAYERS = (("Not given", ""), *((payer.words, payer.value) for payer in Payer))


class Tick(Checkbox):
    """A checkbox whose box is empty until ticked: Textual's draws an X in both states
    (only the colour differs), which reads as ticked to a new user."""

    # N802: Textual reads the class constant through the instance
    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802
        return "X" if self.value else " "


def control_id(field: str) -> str:
    """The widget id of a field: its EncounterText name with dashes ("given_at" -> "given-at")."""
    return field.replace("_", "-")


class VialRow(Vertical):
    """Vial N and its presentation, then its lot and expiry side by side."""

    def __init__(self, number: int, presentation: str) -> None:
        self.number_label = Label(_vial_label(number, presentation), classes="vial-number")
        self.lot = Input(
            placeholder=FIELD["lots"].placeholder, id=f"lot-{number}", classes="vial-lot"
        )
        self.expires = Input(
            placeholder=FIELD["expires"].placeholder, id=f"expires-{number}", classes="vial-expires"
        )
        super().__init__(
            self.number_label,
            Horizontal(self.lot, self.expires, classes="vial-inputs"),
            classes="vial-row",
        )


class VialLots(Vertical):
    """One lot + expiry row per vial opened, numbered in the order the result lists the vials.

    Rows are added when more vials are opened and hidden (text kept) when fewer are.
    """

    def __init__(self, labels: tuple[str, ...] = ()) -> None:
        self._rows = [
            VialRow(number, label) for number, label in enumerate(labels or ("",), start=1)
        ]
        self._shown = len(self._rows)
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

    def clear(self) -> None:
        for row in self._rows:
            row.lot.clear()
            row.expires.clear()

    def values(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Lots and expiries of the vials shown, in order;
        rows left blank at the end are dropped."""
        pairs = [(row.lot.value, row.expires.value) for row in self._rows[: self._shown]]
        while pairs and not any(text.strip() for text in pairs[-1]):
            pairs.pop()
        return tuple(lot for lot, _ in pairs), tuple(expiry for _, expiry in pairs)


def _vial_label(number: int, presentation: str) -> str:
    return f"Vial {number} · {presentation}" if presentation else f"Vial {number}"


class EncounterPanel(Collapsible):
    """The encounter fields, under a title the nurse opens with Enter or a click.

    The fields are built the first time the panel opens: most administrations never open
    it, and its forty-odd widgets would slow every start (and every test) for nothing.
    """

    def __init__(self) -> None:
        super().__init__(title=TITLE, collapsed=True, id="encounter")
        self._texts: dict[str, Input] = {}
        self._flags: dict[str, Checkbox] = {}
        self._rems = False  # the drug shown has a REMS program: its confirmation box is shown
        self._payer: Select[str] | None = None
        self._lots: VialLots | None = None
        self._vial_labels: tuple[str, ...] = ()
        self.rows: tuple[FormField, ...] = ()
        """The panel's form rows, where field errors are shown (none until it is first opened)."""

    def watch_collapsed(self, collapsed: bool) -> None:
        if not collapsed and self._lots is None and self.is_mounted:
            self._build()

    def on_mount(self) -> None:
        if not self.collapsed and self._lots is None:
            self._build()

    def _build(self) -> None:
        """The fields in the field table's order (core/record/encounter_fields.py):
        its label, placeholder and id."""
        self._payer = Select(PAYERS, id="payer", allow_blank=False)
        self._lots = VialLots(self._vial_labels)
        self._flags = {
            field.name: Tick(field.label, id=control_id(field.name))
            for field in ENCOUNTER_FIELDS
            if field.parser == "flag"
        }
        widgets: list[Widget] = []
        for field in ENCOUNTER_FIELDS:
            if field.parser == "flag":
                if field.name == next(
                    iter(self._flags)
                ):  # the ticks sit together, where the first is listed
                    widgets.append(Vertical(*self._flags.values(), id="encounter-flags"))
            elif field.parser == "payer":
                widgets.append(FormField(field.label, self._payer, field=field.name))
            elif field.parser == "lots":  # one row per vial opened holds its lot and its expiry
                widgets.append(
                    FormField(
                        "Lot and expiry, each vial opened",
                        self._lots,
                        field="vials",
                        hint="In the order the vials are listed; expiry YYYY-MM or YYYY-MM-DD",
                    )
                )
            elif field.parser != "expires":
                self._texts[field.name] = Input(
                    placeholder=field.placeholder, id=control_id(field.name)
                )
                widgets.append(FormField(field.label, self._texts[field.name], field=field.name))
        self.rows = tuple(widget for widget in widgets if isinstance(widget, FormField))
        self.show_rems(self._rems)
        self.query_one(Collapsible.Contents).mount_all(widgets)

    def values(self) -> EncounterValues:
        """Every field as typed, by EncounterText name;
        blank text and unticked boxes are left out."""
        if self._lots is None or self._payer is None:
            return ()
        lots, expires = self._lots.values()
        values: dict[str, Any] = {
            **{field: control.value for field, control in self._texts.items()},
            "payer": self._payer.value if isinstance(self._payer.value, str) else "",
            **{flag: box.value for flag, box in self._flags.items()},
            "lots": lots,
            "expires": expires,
        }
        return tuple((field, value) for field, value in values.items() if value)

    def show_vials(self, labels: tuple[str, ...]) -> bool:
        """Rows for these vials; True if the lots sent to the core changed with them."""
        self._vial_labels = labels
        return self._lots.show_vials(labels) if self._lots is not None else False

    def show_rems(self, rems: bool) -> bool:
        """The REMS confirmation only for a drug with a REMS program;
        True if what is sent changed (a tick hidden)."""
        self._rems = rems
        box = self._flags.get("rems_checked")
        if box is None:
            return False
        box.display = rems
        if not rems and box.value:
            box.value = False
            return True
        return False

    def next_drug(self) -> None:
        """The next drug of the same visit: its own times, vials and amount given;
        the rest stays. The panel closes."""
        for name in ("start", "stop", "dose_given", "stop_reason", "waste_reason", "waste_witness"):
            if name in self._texts:
                self._texts[name].clear()
        if self._lots is not None:
            self._lots.clear()
        self.collapsed = True

    def clear(self) -> None:
        """A new patient: every field blank, except the clinic day's date
        (the time is now); the panel closes."""
        given_at = self._texts.get("given_at")
        day = given_at.value.strip()[:10] if given_at is not None else ""
        for control in self._texts.values():
            control.clear()
        if given_at is not None and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", day):
            given_at.value = f"{day} {datetime.now():%H:%M}"
        self.collapsed = True
        for box in self._flags.values():
            box.value = False
        if self._payer is not None:
            self._payer.value = ""
        if self._lots is not None:
            self._lots.clear()
