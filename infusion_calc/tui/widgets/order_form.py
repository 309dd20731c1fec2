"""The order form: drug, dose, the patient's size when the dose needs it, vials, rounding,
and the encounter panel (collapsed) below them.

The first frame has its drug and dose rows only; the screen mounts the others right after,
in its own task (`mount_next_rows`). Until the form is whole it reports nothing: the text typed
meanwhile is reported once the last row is there.

It knows no arithmetic. It reports what is typed (`OrderForm.Changed`, carrying a
whole new `FormValues`) and shows what the screen tells it: which fields this kind of
dose needs, and which field a problem belongs under.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.validation import ValidationResult
from textual.widget import Widget
from textual.widgets import Input, Select

from infusion_calc.tui.state import ALL_PRESENTATIONS, TYPED_SIZE, FormValues, Outcome, Problem
from infusion_calc.tui.widgets.drug_field import DrugField
from infusion_calc.tui.widgets.form_field import FormField
from infusion_calc.tui.widgets.order_rows import first_rows, later_row_groups

if TYPE_CHECKING:
    from infusion_calc.tui.calculator import Calculator
    from infusion_calc.tui.widgets.encounter_panel import EncounterPanel

ControlT = TypeVar("ControlT", bound=Widget)

# Which dose bases show which rows (the rows carry the matching class).
BASIS_CLASSES = {"per_kg": "-per-kg", "per_m2": "-per-m2"}

# The fields each kind of dose needs besides the dose,
# in screen order (a BSA typed stands for both).
NEEDED = {"per_kg": ("weight",), "per_m2": ("height", "weight")}
SCREEN_ORDER = ("drug", "dose", "height", "weight", "bsa", "vial", "round_within")

# Encounter fields whose problems are shown under another row:
# lots and expiries share the vials row.
ENCOUNTER_ROW = {"lots": "vials", "expires": "vials"}

CHECKED = ("dose", "height", "weight", "bsa", "vial")
"""The fields the core's parsers check as they are typed, once the core is loaded with the catalog
(before that, a check would import it there and then, and the key typed would wait for pint)."""
ON_EVERY_CHANGE = ("blur", "changed", "submitted")


class OrderForm(Vertical):
    """Everything the nurse types. Tab order is the order of the rows."""

    class Changed(Message):  # not a dataclass: it would compile its methods at import
        """Something was typed or chosen; `values` is the whole form as it now stands."""

        def __init__(self, form: "OrderForm", values: FormValues) -> None:
            super().__init__()
            self.form = form
            self.values = values

    def __init__(self, *, round_within: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self._round_within = round_within
        self._calculator: Calculator | None = None
        self._vials_for: str | None = None
        """The drug whose presentations the vial choice lists."""
        self._validator_errors: dict[str, str] = {}
        self._problem: Problem | None = None
        self._rows: tuple[FormField, ...] | None = None
        self._encounter_problems: dict[str, str] = {}
        """Encounter row (FormField.field) -> the core's message for it."""
        self._basis = ""
        self._controls: dict[str, Widget] = {}
        self._later_rows = iter(later_row_groups(round_within))
        self.whole = False
        """True once every row is mounted (the first frame has the drug and dose rows only)."""

    def compose(self) -> ComposeResult:
        yield from first_rows()

    async def mount_next_rows(self) -> bool:
        """Mount the next group of rows below the others; False (and the form reported) once
        every row is there."""
        group = next(self._later_rows, None)
        if group is not None:
            await self.mount_all(group)
            return True
        self.whole = True
        self._report()  # what was typed before the last row came
        return False

    # -- what the screen tells the form ---------------------------------------------------

    def load_choices(self, calculator: Calculator) -> None:
        """The catalog is ready: list its drugs, pick the default, list its vials."""
        self._calculator = calculator
        self._start_checking()
        rounding = self.query_one("#round-within", Input)
        if calculator.rounding_policy and not rounding.value:  # a policy given to the app wins
            self._round_within = rounding.value = calculator.rounding_policy
        drug = self.query_one("#drug", DrugField)
        self.reorder_drugs(calculator)
        if calculator.default_drug:
            drug.value = calculator.default_drug
        self._list_vials(drug.value)
        self._report()

    def reorder_drugs(self, calculator: Calculator) -> None:
        """Give the drug field the calculator's index (again, once the log's counts are in)."""
        self.query_one("#drug", DrugField).load(
            calculator.drug_index, calculator.drug_label_of, any_drug=calculator.any_drug
        )

    def show_outcome(self, outcome: Outcome) -> None:
        """Show the rows this dose needs and each field's problem under it."""
        if outcome.basis or outcome.state == "waiting":
            # While the dose is being typed ("5 mg/"), keep the rows the last readable dose needed.
            self._show_rows_for(outcome.basis)
        self._problem = outcome.problem
        self._encounter_problems = {}
        for problem in outcome.encounter_problems:  # the first message for a row is the one shown
            self._encounter_problems.setdefault(
                ENCOUNTER_ROW.get(str(problem.field), str(problem.field)), problem.message
            )
        self._show_errors()
        if outcome.result is not None and self.encounter_panel.show_rems(outcome.result.rems):
            self._report()  # an unticked REMS box of the last drug is not sent for this one
        if outcome.result is not None and self.encounter_panel.show_vials(
            outcome.result.vial_labels
        ):
            # lots of vials no longer opened are no longer sent (and come back with them)
            self._report()

    @property
    def encounter_panel(self) -> "EncounterPanel":
        return self._one("#encounter", Widget)  # type: ignore[return-value]  # its one widget

    def clear(self) -> None:
        """Back to a fresh form for the next patient. The drug and the site's rounding policy
        stay: a clinic day is often one drug after another (a Remicade day stays Remicade)."""
        for field in ("dose", "weight", "height", "bsa", "vial"):
            self.query_one(f"#{field}", Input).clear()
        self._validator_errors.clear()
        self.query_one("#vial-choice", Select).value = ALL_PRESENTATIONS
        self.encounter_panel.clear()  # a new patient is a new encounter
        self.query_one("#dose", Input).focus()
        self._report()

    def next_drug(self) -> None:
        """The next drug of the visit: a new drug and dose;
        the patient's size and the encounter stay."""
        for field in ("dose", "vial"):
            self.query_one(f"#{field}", Input).clear()
        self._validator_errors.clear()
        self.query_one("#vial-choice", Select).value = ALL_PRESENTATIONS
        self.encounter_panel.next_drug()
        self.query_one("#drug").focus()
        self._report()

    # -- reading the form -------------------------------------------------------------------

    def values(self) -> FormValues:
        text = {
            field: self._one(f"#{field}", Input).value
            for field in ("dose", "weight", "height", "bsa")
        }
        choice = self._one("#vial-choice", Select).value
        if choice == TYPED_SIZE:
            vial = self._one("#vial", Input).value
        elif isinstance(choice, str) and choice != ALL_PRESENTATIONS:
            vial = choice  # one presentation of the catalog, by its label
        else:
            vial = ""
        return FormValues(
            drug=self._one("#drug", DrugField).value,
            vial=vial,
            vial_typed=choice == TYPED_SIZE,
            round_within=self._one("#round-within", Input).value,
            encounter=self.encounter_panel.values(),
            **text,
        )

    def _one(self, selector: str, kind: type[ControlT]) -> ControlT:
        """One of the form's controls, looked up once: they stay for the form's life, and every
        keystroke reads them all."""
        found = self._controls.get(selector)
        if found is None:
            found = self._controls[selector] = self.query_one(selector, kind)
        return found  # type: ignore[return-value]

    # -- events -----------------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self._note_check(event.input, event.validation_result)
        if self.whole:  # else reported once the last row is there
            self._show_errors()
            self._report()

    def _note_check(self, control: Input, result: ValidationResult | None) -> None:
        field = self._field_of(control)
        failures = result.failure_descriptions if result else []
        if failures:
            self._validator_errors[field] = failures[0]
        else:
            self._validator_errors.pop(field, None)

    def _start_checking(self) -> None:
        """The core is loaded: check each field as typed from now on,
        and what was typed before now."""
        for name in CHECKED:
            control = self.query_one(f"#{name}", Input)
            if not control.validate_on:
                control.validate_on = set(ON_EVERY_CHANGE)
                self._note_check(control, control.validate(control.value))
        self._show_errors()

    @on(DrugField.Changed)
    def _drug_chosen(self, event: DrugField.Changed) -> None:
        if event.value != self._vials_for:
            self._list_vials(event.value)
        self._report()

    @on(DrugField.Entered)
    def _drug_entered(self, event: DrugField.Entered) -> None:
        if not event.picked:  # the matches opened: the typing stays in the drug field
            self._focus_arrived()
            return
        dose = self.query_one("#dose", Input)

        def go() -> None:
            dose.focus()
            self._focus_arrived()

        self.call_after_refresh(go)

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        self.set_class(self.query_one("#vial-choice", Select).value == TYPED_SIZE, "-vial-typed")
        self._report()

    # Checkbox and Collapsible messages by their handler names: importing those widgets for an
    # `@on` cost the first frame (they mount after it).
    def on_checkbox_changed(self) -> None:
        self._report()

    def enter_moves_focus(self, widget: Widget | None) -> bool:
        """Whether Enter on this widget makes the form move the focus (the app holds the keys
        typed after it until it has): every text field of the form and the encounter title."""
        return (
            widget is not None
            and self in widget.ancestors
            and (isinstance(widget, Input) or self._is_encounter_title(widget))
        )

    def _is_encounter_title(self, widget: Widget | None) -> bool:
        return (
            widget is not None and widget.parent is self.encounter_panel
        )  # its one focusable child

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        """Enter: on to the next field this dose still needs, in screen order; else to a field
        with a problem; else stay put. In the encounter panel, Enter goes on to the next field."""
        if self.encounter_panel in event.input.ancestors:
            self.screen.focus_next()
            self._focus_arrived()
            return
        target = self._after_enter(event.input)
        if target is None:
            self._focus_arrived()
            return

        def go() -> None:  # once a row just shown is laid out
            target.focus()
            self._focus_arrived()

        self.call_after_refresh(go)

    def on_collapsible_expanded(self) -> None:
        # Enter on the title opened it: go into its first field, so what is typed next lands there.
        if self._is_encounter_title(self.screen.focused):
            self.call_after_refresh(self._into_the_encounter)
        else:
            self._focus_arrived()

    def on_collapsible_collapsed(self) -> None:
        self._focus_arrived()

    def _focus_arrived(self) -> None:
        """Tell the app the focus is where Enter sends it: after the focus change now queued."""
        release = getattr(self.app, "release_input", None)
        if release is not None:
            self.app.call_later(release)

    def _after_enter(self, control: Input) -> Widget | None:
        field = self._field_of(control)
        basis = self._basis
        if self._calculator is not None:
            # lazy: the core: not before the first frame
            from infusion_calc.tui.calculator import dose_basis

            basis = dose_basis(self.query_one("#dose", Input).value) or basis
        self._show_rows_for(basis)  # now: the row Enter goes to may be appearing with this dose
        needed = () if self.query_one("#bsa", Input).value.strip() else NEEDED.get(basis, ())
        if field in SCREEN_ORDER:
            for later in SCREEN_ORDER[SCREEN_ORDER.index(field) + 1 :]:
                if later in needed and not self.query_one(f"#{later}", Input).value.strip():
                    return self.query_one(f"#{later}", Input)
        problem = self._problem
        if problem is None or problem.field is None or problem.field == field:
            return None
        rows = self.query(f"#{self._row_for(problem.field)}")
        return rows.first(FormField).control if rows and rows.first().display else None

    def _into_the_encounter(self) -> None:
        self.query_one("#given-at").focus()
        self._focus_arrived()

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _field_of(control: Input | Select[str]) -> str:
        return "round_within" if control.id == "round-within" else str(control.id)

    def _row_for(self, field: str) -> str:
        if field == "vial" and self.query_one("#vial-choice", Select).value != TYPED_SIZE:
            return "vial-choice-field"
        return f"{field}-field"

    def _list_vials(self, code: str) -> None:
        if self._calculator is None:
            return
        self._vials_for = code
        choice: Select[str] = self.query_one("#vial-choice", Select)
        choice.set_options(self._calculator.vial_choices(code))
        choice.value = ALL_PRESENTATIONS if code else TYPED_SIZE
        # Select keeps showing the old option's label when the new list has the same
        # value ("*"); forcing the watcher redraws it for the new drug.
        # Textual's own idiom: the descriptor, through the class
        choice.mutate_reactive(Select.value)  # type: ignore[misc]
        self.set_class(choice.value == TYPED_SIZE, "-vial-typed")

    def _show_rows_for(self, basis: str) -> None:
        self._basis = basis
        for each, css_class in BASIS_CLASSES.items():
            self.set_class(self._basis == each, css_class)

    def _show_errors(self) -> None:
        problem = self._problem
        problem_row = (
            self._row_for(problem.field) if problem is not None and problem.field else None
        )
        if (
            self._rows is None
        ):  # the rows never change once built; walking the DOM per keystroke is slow
            self._rows = tuple(self.query_children(FormField))
        for row in (*self._rows, *self.encounter_panel.rows):
            message = self._validator_errors.get(row.field) or self._encounter_problems.get(
                row.field
            )
            if message is None and problem is not None and row.id == problem_row:
                message = problem.message
            row.show_error(message)

    def _report(self) -> None:
        if not self.whole:  # the later rows are still coming: reported when they are there
            return
        self.post_message(self.Changed(self, self.values()))
