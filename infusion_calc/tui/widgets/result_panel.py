"""The result: vials, volume, the two unit counts in large digits, claim lines, the
pre-submission checks and the chart text.

When there is no valid result the body is hidden and the status line says plainly
why, so a figure from an earlier input can never be read as the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Label, Static

from infusion_calc.tui.state import FIELD_LABELS, Outcome, Problem, encounter_label

if TYPE_CHECKING:
    from infusion_calc.tui.result_view import ResultView

PartT = TypeVar("PartT", bound=Widget)

DOSE_ALERT = "DOSE_OUT_OF_RANGE"
"""The check shown on the result itself, not only among the checks below it and at F2."""


class ResultPanel(VerticalScroll):
    """Everything that follows from the form, updated on each keystroke."""

    def __init__(self, *, id: str | None = None) -> None:
        # No result yet (the catalog is loading): the body starts hidden,
        # not restyled away after the first frame.
        super().__init__(id=id, classes="-no-result")
        self._drawn: dict[str, object] = {}
        """What each part of the result body last showed (its widgets keep it while hidden)."""
        self._parts: dict[str, Widget] = {}
        self._body_built = False

    def compose(self) -> ComposeResult:
        # The heading and the dose alert come above it, the body and the visit below it, with
        # build_body: hidden until there is a result, so the first frame does without them.
        yield Static("", id="result-status")

    async def build_body(self) -> None:
        """Mount the result's body, once, before the first result: it is hidden until there is
        one, so the first frame (the catalog still loading) does without its widgets."""
        if self._body_built:
            return
        self._body_built = True
        heading = Static("", id="result-heading", markup=False)
        # A dose far outside the label shows here, above "Open 20 vials",
        # before anyone copies anything.
        alert = Static("", id="dose-alert")
        # The visit's drugs and its whole claim (F9): outside the result body,
        # so it stays in view between drugs.
        visit = Static("", id="visit", markup=False)
        for hidden in (heading, alert, visit):  # until there is a result, or a visit
            hidden.display = False
        # lazy: the body's widgets are not in the first frame
        from infusion_calc.tui.widgets.big_figure import BigFigure
        from infusion_calc.tui.widgets.checks_list import ChecksList  # lazy: as above
        from infusion_calc.tui.widgets.claim_lines import ClaimLines  # lazy: as above

        body = Vertical(
            Static("", id="result-facts"),
            Horizontal(
                BigFigure("Administered units", id="administered"),
                BigFigure("Discarded units", id="discarded"),
                id="result-figures",
            ),
            Static("", id="modifier-note", markup=False),
            Static("", id="rounding-option", markup=False),
            Label("Claim lines", classes="section-title"),
            ClaimLines(id="claim-lines"),
            Static("", id="payment", markup=False),
            Static("", id="result-warnings"),
            Label("Pre-submission checks", classes="section-title", id="checks-title"),
            ChecksList(id="checks"),
            Label("Chart text", classes="section-title", id="chart-text-title"),
            Static("", id="chart-text-note"),
            Static("", id="chart-text", markup=False),
            id="result-body",
        )
        status = self._part("#result-status", Static)
        await self.mount(heading, alert, before=status)
        await self.mount(body, visit, after=status)

    def show(self, outcome: Outcome) -> None:
        # Together: each class change restyles the whole panel.
        self.update_classes(
            {"-no-result": not outcome.valid, "-invalid": outcome.state == "invalid"}
        )
        status = self._part("#result-status", Static)
        status.display = not outcome.valid
        if outcome.valid and outcome.result is not None:
            if self._changed("status", ""):
                status.update(Content(""))
            self._show_result(outcome.result)
            self._show_left_out(outcome.encounter_problems)
            return
        if self._body_built:  # (before the first result)
            self._part("#result-heading", Static).display = False
            self._part("#dose-alert", Static).display = False
        problem = outcome.problem
        message = problem.message if problem else ""
        if problem is not None and problem.field in FIELD_LABELS:
            message = f"{FIELD_LABELS[problem.field]}: {message}"
        if not self._changed("status", (outcome.state, message)):
            return
        if outcome.state == "loading":
            status.update(Content("Loading the drug catalog…"))
        elif outcome.state == "waiting":
            status.update(Content(message))
        else:
            status.update(
                Content.assemble(
                    ("✖ NOT VALID until the input is fixed\n", "bold"),
                    message,
                )
            )

    def _show_result(self, view: ResultView) -> None:
        # Each part is redrawn only when what it shows changed:
        # a keystroke mostly moves a few figures.
        # lazy: the body's widgets are not in the first frame (imported by build_body, before)
        from infusion_calc.tui.widgets.big_figure import BigFigure
        from infusion_calc.tui.widgets.checks_list import ChecksList, summary  # lazy: as above
        from infusion_calc.tui.widgets.claim_lines import ClaimLines  # lazy: as above

        heading = self._part("#result-heading", Static)
        heading.display = True
        if self._changed("heading", view.heading):
            heading.update(view.heading)
        alert = self._part("#dose-alert", Static)
        problems = tuple(check.message for check in view.checks if check.code == DOSE_ALERT)
        alert.display = bool(problems)
        if self._changed("alert", problems):
            alert.update(
                Content.assemble(("✖ CHECK THE DOSE: ", "bold"), " ".join(problems))
                if problems
                else Content("")
            )
        if self._changed("facts", (view.dose, view.dose_steps, view.vials, view.preparation)):
            self._part("#result-facts", Static).update(_facts(view))
        self._part("#administered", BigFigure).show(
            view.administered_units, f"{view.given or view.dose} given"
        )
        discarded = self._part("#discarded", BigFigure)
        tag = {"JW": " · JW line", "JZ": " · JZ"}.get(view.waste_modifier, "")
        discarded.show(view.discarded_units, f"{view.discarded_amount} left{tag}")
        discarded.set_class(view.discarded_units > 0, "-has-waste")
        if self._changed("modifier-note", view.modifier_note):
            self._part("#modifier-note", Static).update(view.modifier_note)
        rounding = self._part("#rounding-option", Static)
        rounding.display = view.rounding is not None
        if self._changed("rounding", view.rounding):
            rounding.update(view.rounding or "")
        self._part("#claim-lines", ClaimLines).show(view.claim_rows)
        payment = self._part("#payment", Static)
        payment.display = view.payment is not None
        if self._changed("payment", view.payment):
            payment.update(view.payment or "")
        warnings = self._part("#result-warnings", Static)
        warnings.display = bool(view.warnings)
        if self._changed("warnings", view.warnings):
            warnings.update(
                Content("\n").join(Content.assemble(("⚠ ", "bold"), text) for text in view.warnings)
            )
        if self._changed("checks", view.checks):
            self._part("#checks-title", Label).update(
                f"Pre-submission checks: {summary(view.checks)}"
            )
            self._part("#checks", ChecksList).show(view.checks)
        if self._changed("chart-text", view.chart_text):
            self._part("#chart-text", Static).update(view.chart_text.rstrip("\n"))

    def _changed(self, part: str, shows: object) -> bool:
        """Whether `part` must be redrawn to show `shows` (noted as shown when it must)."""
        if part in self._drawn and self._drawn[part] == shows:
            return False
        self._drawn[part] = shows
        return True

    def _part(self, selector: str, kind: type[PartT]) -> PartT:
        """One of the panel's widgets, looked up once (a keystroke updates a dozen of them)."""
        found = self._parts.get(selector)
        if found is None:
            found = self._parts[selector] = self.query_one(selector, kind)
        return found  # type: ignore[return-value]

    def _show_left_out(self, problems: tuple[Problem, ...]) -> None:
        """Say which encounter fields the note leaves out because they could not be read."""
        fields = tuple(dict.fromkeys(encounter_label(str(problem.field)) for problem in problems))
        note = self._part("#chart-text-note", Static)
        note.display = bool(fields)
        if not self._changed("left-out", fields):
            return
        note.update(
            Content.assemble(
                ("⚠ Left out of the note until fixed: ", "bold"),
                ", ".join(fields),
                " (marked in the encounter panel). Copy and save wait for the fix.",
            )
            if fields
            else Content("")
        )


def _facts(view: ResultView) -> Table:
    """Dose, vials to open and what to draw: a label column, the values in bold, wrapped
    with a hanging indent so a long line never runs back under the labels."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, min_width=7)
    grid.add_column(ratio=1)
    grid.add_row("Dose", Text(view.dose, style="bold"))
    for step in view.dose_steps:
        grid.add_row("", step)
    for index, text in enumerate(view.vials):
        grid.add_row("Open" if index == 0 else "", Text(text, style="bold"))
    for index, text in enumerate(view.preparation):
        grid.add_row("Prepare" if index == 0 else "", Text(text, style="bold"))
    return grid
