"""The result: vials, volume, the two unit counts in large digits, claim lines, the
pre-submission checks and the chart text.

When there is no valid result the body is hidden and the status line says plainly
why, so a figure from an earlier input can never be read as the answer.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Label, Static

from infusion_calc.tui.state import FIELD_LABELS, Outcome, Problem, ResultView, encounter_label
from infusion_calc.tui.widgets.big_figure import BigFigure
from infusion_calc.tui.widgets.checks_list import ChecksList, summary
from infusion_calc.tui.widgets.claim_lines import ClaimLines

DOSE_ALERT = "DOSE_OUT_OF_RANGE"
"""The check shown on the result itself, not only among the checks below it and at F2."""


class ResultPanel(VerticalScroll):
    """Everything that follows from the form, updated on each keystroke."""

    def compose(self) -> ComposeResult:
        yield Static("", id="result-heading", markup=False)
        # A dose far outside the label shows here, above "Open 20 vials", before anyone copies anything.
        yield Static("", id="dose-alert")
        yield Static("", id="result-status")
        with Vertical(id="result-body"):
            yield Static("", id="result-facts")
            with Horizontal(id="result-figures"):
                yield BigFigure("Administered units", id="administered")
                yield BigFigure("Discarded units", id="discarded")
            yield Static("", id="modifier-note", markup=False)
            yield Static("", id="rounding-option", markup=False)
            yield Label("Claim lines", classes="section-title")
            yield ClaimLines(id="claim-lines")
            yield Static("", id="payment", markup=False)
            yield Static("", id="result-warnings")
            yield Label("Pre-submission checks", classes="section-title", id="checks-title")
            yield ChecksList(id="checks")
            yield Label("Chart text", classes="section-title", id="chart-text-title")
            yield Static("", id="chart-text-note")
            yield Static("", id="chart-text", markup=False)
        # The visit's drugs and its whole claim (F9): outside the result body, so it stays in view between drugs.
        visit = Static("", id="visit", markup=False)
        visit.display = False  # until a drug is added to the visit
        yield visit

    def show(self, outcome: Outcome) -> None:
        self.set_class(not outcome.valid, "-no-result")
        self.set_class(outcome.state == "invalid", "-invalid")
        status = self.query_one("#result-status", Static)
        status.display = not outcome.valid
        if outcome.valid and outcome.result is not None:
            status.update(Content(""))
            self._show_result(outcome.result)
            self._show_left_out(outcome.encounter_problems)
            return
        self.query_one("#result-heading", Static).display = False
        self.query_one("#dose-alert", Static).display = False
        problem = outcome.problem
        message = problem.message if problem else ""
        if problem is not None and problem.field in FIELD_LABELS:
            message = f"{FIELD_LABELS[problem.field]}: {message}"
        if outcome.state == "loading":
            status.update(Content("Loading the drug catalog…"))
        elif outcome.state == "waiting":
            status.update(Content(message))
        else:
            status.update(Content.assemble(
                ("✖ NOT VALID until the input is fixed\n", "bold"), message,
            ))

    def _show_result(self, view: ResultView) -> None:
        self.query_one("#result-heading", Static).update(view.heading)
        self.query_one("#result-heading", Static).display = True
        alert = self.query_one("#dose-alert", Static)
        problems = [check.message for check in view.checks if check.code == DOSE_ALERT]
        alert.update(Content.assemble(("✖ CHECK THE DOSE: ", "bold"), " ".join(problems)) if problems else Content(""))
        alert.display = bool(problems)
        self.query_one("#result-facts", Static).update(_facts(view))
        administered = self.query_one("#administered", BigFigure)
        administered.show(view.administered_units, f"{view.given or view.dose} given")
        discarded = self.query_one("#discarded", BigFigure)
        tag = {"JW": " · JW line", "JZ": " · JZ"}.get(view.waste_modifier, "")
        discarded.show(view.discarded_units, f"{view.discarded_amount} left{tag}")
        discarded.set_class(view.discarded_units > 0, "-has-waste")
        self.query_one("#modifier-note", Static).update(view.modifier_note)
        rounding = self.query_one("#rounding-option", Static)
        rounding.update(view.rounding or "")
        rounding.display = view.rounding is not None
        self.query_one("#claim-lines", ClaimLines).show(view.claim_rows)
        payment = self.query_one("#payment", Static)
        payment.update(view.payment or "")
        payment.display = view.payment is not None
        warnings = self.query_one("#result-warnings", Static)
        warnings.update(Content("\n").join(Content.assemble(("⚠ ", "bold"), text) for text in view.warnings))
        warnings.display = bool(view.warnings)
        self.query_one("#checks-title", Label).update(f"Pre-submission checks: {summary(view.checks)}")
        self.query_one("#checks", ChecksList).show(view.checks)
        self.query_one("#chart-text", Static).update(view.chart_text.rstrip("\n"))

    def _show_left_out(self, problems: tuple[Problem, ...]) -> None:
        """Say which encounter fields the note leaves out because they could not be read."""
        note = self.query_one("#chart-text-note", Static)
        fields = dict.fromkeys(encounter_label(str(problem.field)) for problem in problems)
        note.update(Content.assemble(
            ("⚠ Left out of the note until fixed: ", "bold"), ", ".join(fields),
            " (marked in the encounter panel). Copy and save wait for the fix.",
        ) if fields else Content(""))
        note.display = bool(fields)


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
