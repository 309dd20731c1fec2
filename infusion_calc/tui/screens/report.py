"""F8: the waste-and-revenue report of the last twelve months, as terminal charts (textual-plotext).

Two charts (payment by drug: administered and JW lines; the monthly trend of what JW lines
recovered and what non-billable waste cost) and a few lines of totals, risks and what-ifs,
fitted to 80×24. The log is read in a thread, so the screen opens at once. No patient
identifier is ever read for it (log/report_source.py).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState
from textual_plotext import PlotextPlot

from infusion_calc.core.calculation.engine import parse_rounding_threshold
from infusion_calc.core.errors import InfusionCalcError
from infusion_calc.core.report.report import Period
from infusion_calc.report.load import report_for

if TYPE_CHECKING:
    from infusion_calc.loading import Context


def twelve_months(today: date) -> Any:
    """From the first day of the month eleven months back, to today."""
    months = today.year * 12 + today.month - 1 - 11
    return Period(date(months // 12, months % 12 + 1, 1), today)


def summary_text(report: dict[str, Any]) -> str:
    totals = report["totals"]
    what_if = totals["what_if"]
    risks = totals["risks"]
    rounding = what_if["rounding"]
    rounded = (
        f"rounding within {rounding['round_within_percent']}% ${rounding['dollars_saved']}"
        if rounding["round_within_percent"] is not None
        else "no rounding policy"
    )
    return (
        f"[b]Waste and revenue[/b] {report['from']} to {report['to']}: {totals['administrations']} "
        f"administrations, waste {totals['waste_percent'] or '-'}%\n"
        f"Paid: administered ${totals['administered_payment']} · JW recovered "
        f"${totals['jw_payment']} · JZ {totals['jz_attestations']}\n"
        f"Risks: {risks['waste_without_jw']} waste without JW · "
        f"{risks['jw_without_waste_documented']} JW undocumented · {risks['saved_with_error']} "
        f"saved with an error\n[b]What-if, NOT applied:[/b] {rounded} · least waste "
        f"${what_if['least_waste']['dollars_saved']} · not billable "
        f"${what_if['non_billable_waste']['dollars_at_payment_limit']}"
    )


def _number(text: str) -> float:
    return float(Decimal(text))  # drawing only: the text above shows the exact amounts


def _report(context: Context, period: Any) -> dict[str, Any]:
    """The report with the site's whole-vial policy as the rounding what-if
    (as `infusion-calc report`)."""
    try:
        threshold = parse_rounding_threshold(context.rounding_policy)
    except (
        InfusionCalcError
    ):  # a broken config: the app says so on its main screen; no rounding what-if here
        threshold = None
    return report_for(context, period, round_within=threshold)[0]


def today() -> date:
    """The day the twelve months end on (a test sets it,
    so the window does not move with the calendar)."""
    return date.today()


class ReportScreen(Screen[None]):
    BINDINGS = [Binding("escape,f8,q", "close", "Back", id="close-report")]
    DEFAULT_CSS = """
    ReportScreen #report-summary { height: auto; max-height: 6; padding: 0 1; }
    ReportScreen #report-charts { height: 1fr; min-height: 10; }
    ReportScreen PlotextPlot { width: 1fr; height: 1fr; min-height: 9; }
    """

    def __init__(self, context: Context) -> None:
        super().__init__()
        self._report_context = (
            context  # not `_context`: that name is Textual's own (MessagePump._context)
        )
        self._period = twelve_months(today())
        self.report: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="report-body"):
            yield Static("Reading the administration log…", id="report-summary")
            with Horizontal(id="report-charts"):
                yield PlotextPlot(id="by-drug-chart")
                yield PlotextPlot(id="trend-chart")
        yield Footer()

    def on_mount(self) -> None:
        context, period = self._report_context, self._period
        self.run_worker(
            lambda: _report(context, period), thread=True, name="report", exit_on_error=False
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != "report" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
        ):
            return
        summary = self.query_one("#report-summary", Static)
        if event.state is WorkerState.ERROR:
            summary.update(f"The report could not be made: {event.worker.error}")
            return
        report = event.worker.result
        if report is None:
            return
        self.report = report
        summary.update(summary_text(report))
        self._draw(report)

    def _draw(self, report: dict[str, Any]) -> None:
        by_drug = self.query_one("#by-drug-chart", PlotextPlot)
        plt = by_drug.plt
        plt.clear_data()
        plt.title("$ by drug: administered | JW")
        codes = [drug["hcpcs"] for drug in report["by_drug"]] or ["none"]
        administered = [_number(drug["administered_payment"]) for drug in report["by_drug"]] or [
            0.0
        ]
        recovered = [_number(drug["jw_payment"]) for drug in report["by_drug"]] or [0.0]
        plt.stacked_bar(
            codes,
            [administered, recovered],
            # stub says label=, the code labels=
            labels=["administered", "JW"],  # type: ignore[call-arg]
            orientation="horizontal",
        )
        by_drug.refresh()
        trend = self.query_one("#trend-chart", PlotextPlot)
        plt = trend.plt
        plt.clear_data()
        plt.title("Monthly: JW recovered, waste lost")
        months = [month["month"][2:] for month in report["by_month"]] or ["none"]
        places = list(
            range(1, len(months) + 1)
        )  # plotext reads text on the x axis as dates: numbers, labelled
        # whole numbers are ticks too (the stub asks list[float])
        plt.xticks(places, months)  # type: ignore[arg-type]
        plt.plot(
            places,
            [_number(month["jw_payment"]) for month in report["by_month"]] or [0.0],
            label="JW $",
            marker="braille",
        )
        plt.plot(
            places,
            [
                _number(month["what_if"]["non_billable_waste"]["dollars_at_payment_limit"])
                for month in report["by_month"]
            ]
            or [0.0],
            label="lost $",
            marker="braille",
        )
        trend.refresh()

    def action_close(self) -> None:
        self.app.pop_screen()
