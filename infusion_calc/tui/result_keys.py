"""The result's keys on the main screen: copy the claim (F2), the chart text
(F3), an export (F5), write a file (F4), save to the log (F6). When the patient's
visit holds drugs (F9), each acts on the whole visit (tui/visit_keys.py);
otherwise on the drug on screen. Mixed into MainScreen, which holds the state."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from textual.worker import Worker, WorkerState

from infusion_calc.tui import sharing
from infusion_calc.tui.state import encounter_label

if TYPE_CHECKING:
    from infusion_calc.tui.result_view import Delivery, ResultView


class ResultKeys:
    """Copy, write and save the result on screen (or the visit);
    `_when_dose_confirmed` asks first when needed."""

    _last_saved: (
        tuple[object, str] | None
    )  # what was last saved (the form, or the visit's drugs) and where
    _unsaved: (
        tuple[object, str] | None
    )  # a failed save's subject and entry id (actions.retry_identifier)
    _saving: bool

    def _result(self: Any, nothing: str, *, with_encounter: bool) -> ResultView | None:
        """The current valid result, or None and a notice saying why `nothing` was done.

        With `with_encounter`, an encounter field the core could not read also refuses:
        the chart note would silently leave it out.
        """
        outcome = self.outcome
        if not outcome.valid or outcome.result is None:
            self.notify(f"{nothing}: there is no valid result yet.", severity="warning")
            return None
        if with_encounter and outcome.encounter_problems:
            fields = ", ".join(
                dict.fromkeys(
                    encounter_label(str(problem.field)) for problem in outcome.encounter_problems
                )
            )
            self.notify(
                f"{nothing}: fix the encounter field marked in red first ({fields}); "
                "the chart note would leave it out.",
                severity="warning",
                timeout=10,
            )
            return None
        result: ResultView = outcome.result
        return result

    def _copy(self: Any, what: str, text: str, done: str = "") -> None:
        text = sharing.encodable(text)
        self.app.copy_to_clipboard(text)
        extra = " (also in the tmux buffer)" if sharing.load_tmux_buffer(text) else ""
        fallback = (
            "press F4 to write the chart text and claim lines to a file"
            if not done
            else "`infusion-calc calc --format` prints every format"
        )  # F4 writes no export format
        self.notify(
            f"{done or f'Copied the {what}'}{extra}. If your terminal ignores the copy, "
            f"{fallback}.",
            markup=False,
        )

    def _when_dose_confirmed(
        self: Any,
        result: ResultView,
        nothing: str,
        doing: str,
        then: Callable[[], None],
        again: Callable[[], None] | None = None,
    ) -> None:
        """Run `then` at once, or, for a dose far outside the label's range, only once the nurse
        confirms it. First, a vial nobody confirmed as single- or multi-dose is asked about; an
        answer recalculates and runs `again`."""
        # lazy: imports the core: not before the first frame
        from infusion_calc.tui.screens.confirm_container import ask

        # lazy: a modal shown on demand: not in the first frame
        from infusion_calc.tui.screens.confirm_dose import ConfirmDoseScreen, out_of_range_message

        if (
            again is not None
            and result.calculation is not None
            and not result.calculation.container_confirmed
        ):
            return ask(self, result, nothing, doing, again)

        message = out_of_range_message(result.checks)
        if message is None:
            then()
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                then()
                return
            self.notify(
                f"{nothing}: the dose is far outside the labeled dose. Fix it, "
                "or confirm it as ordered.",
                severity="warning",
                timeout=8,
            )
            self.order_form.query_one("#dose").focus()

        self.app.push_screen(ConfirmDoseScreen(message, doing), answered)

    def action_copy_claim_lines(self: Any) -> None:
        if self._visit:
            self._visit_key("copy-claim")
            return
        result = self._result("Nothing copied", with_encounter=False)
        if result is not None:
            self._when_dose_confirmed(
                result,
                "Nothing copied",
                "copy the claim lines",
                lambda: self._copy("claim lines", result.claim_text),
                self.action_copy_claim_lines,
            )

    def action_copy_chart_text(self: Any) -> None:
        if self._visit:
            self._visit_key("copy-chart")
            return
        result = self._result("Nothing copied", with_encounter=True)
        if result is not None:
            self._when_dose_confirmed(
                result,
                "Nothing copied",
                "copy the chart text",
                lambda: self._copy("chart text", result.chart_text),
                self.action_copy_chart_text,
            )

    def action_copy_as(self: Any, fmt: str = "") -> None:
        """Copy the claim lines in an export format: `fmt`, or the one chosen from the menu."""
        if self._visit:
            self._visit_key("copy-as", fmt)
            return
        result = self._result("Nothing copied", with_encounter=False)
        if result is None or self.calculator is None:
            return
        if any(problem.field == "given_at" for problem in self.outcome.encounter_problems):
            self.notify(
                "Nothing copied: fix the date/time given first; the export carries it.",
                severity="warning",
                timeout=10,
            )
            return
        self._when_dose_confirmed(
            result,
            "Nothing copied",
            "copy the claim lines in an export format",
            lambda: self._copy_as(result, fmt),
            lambda: self.action_copy_as(fmt),
        )

    def _copy_as(self: Any, result: ResultView, fmt: str) -> None:
        # lazy: tui.actions imports the core: not before the first frame
        from infusion_calc.tui import actions

        assert self.calculator is not None  # a result is only made by the calculator
        context = self.calculator.context
        self._choose_format(fmt, lambda choice: actions.copy_as(result, choice, context))

    def _choose_format(self: Any, fmt: str, copy: Callable[[str], Delivery]) -> None:
        """Deliver `copy(fmt)`, or `copy` of the format chosen from the menu when no `fmt` is
        given."""
        # lazy: tui.actions imports the core: not before the first frame
        from infusion_calc.tui import actions

        if fmt:
            self._deliver(copy(fmt))
            return
        # lazy: a modal shown on demand: not in the first frame
        from infusion_calc.tui.screens.copy_as import CopyAsScreen

        def chosen(choice: str | None) -> None:
            if choice:
                self._deliver(copy(choice))

        self.app.push_screen(CopyAsScreen(actions.export_formats()), chosen)

    def _deliver(self: Any, delivery: Delivery) -> None:
        if not delivery.ok:
            self.notify(delivery.message, severity="error", timeout=15, markup=False)
            return
        self._copy("export", delivery.text, delivery.message)
        for notice in delivery.notices:
            self.notify(
                notice,
                title="Check before submitting",
                severity="warning",
                timeout=20,
                markup=False,
            )

    def action_save_to_log(self: Any) -> None:
        if self._visit:
            self._visit_key("save-to-log")
            return
        result = self._result("Nothing saved to the log", with_encounter=True)
        if result is not None:
            self._when_dose_confirmed(
                result,
                "Nothing saved to the log",
                "save it to the administration log",
                lambda: self._save_to_log(result),
                self.action_save_to_log,
            )

    def _save_to_log(self: Any, result: ResultView) -> None:
        if self.calculator is None:
            return
        if self._saving:
            self.notify("Still saving the last one to the log…")
            return
        # lazy: imports the core: not before the first frame
        from infusion_calc.tui.actions import save_to_log

        log_path = self.calculator.context.log_path
        self._start_save(self.form, lambda entry_uuid: save_to_log(result, log_path, entry_uuid))

    def _start_save(self: Any, what: object, save: Callable[[str], Delivery]) -> None:
        """Save `what` (the form, or the visit's drugs) once:
        `save(entry_uuid)` runs in a thread."""
        if self._last_saved is not None and self._last_saved[0] == what:
            self.notify(
                f"Already in the log ({self._last_saved[1]}); not saved twice. Change the form, or "
                "press Ctrl+N for the next patient.",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        # lazy: imports the core: not before the first frame
        from infusion_calc.tui.actions import retry_identifier

        self._unsaved = retry_identifier(self._unsaved, what)
        self._saving, entry_uuid = True, self._unsaved[1]
        # In a thread: a log locked by another program is
        # waited for (up to 5 s) without freezing the form.
        self.run_worker(
            lambda: (what, save(entry_uuid)), thread=True, name="save-to-log", exit_on_error=False
        )

    def on_worker_state_changed(self: Any, event: Worker.StateChanged) -> None:
        if event.worker.name != "save-to-log" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
        ):
            return
        self._saving = False
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.notify(
                f"Nothing was saved to the log: internal error ({type(error).__name__}: {error}). "
                "Please report it.",
                severity="error",
                timeout=20,
                markup=False,
            )
            return
        form, delivery = cast(
            "tuple[object, Delivery]", event.worker.result
        )  # a success carries its result
        if delivery.ok:
            self._last_saved, self._unsaved = (form, delivery.message), None
            self.notify(delivery.message, title="Saved to the log", timeout=15, markup=False)
        else:
            self.notify(
                delivery.message, title="NOT saved", severity="error", timeout=20, markup=False
            )

    def action_save_to_file(self: Any) -> None:
        if self._visit:
            self._visit_key("save-to-file")
            return
        result = self._result("Nothing written", with_encounter=True)
        if result is not None:
            self._when_dose_confirmed(
                result,
                "Nothing written",
                "write it to a file",
                lambda: self._save_to_file(result),
                self.action_save_to_file,
            )

    def _save_to_file(self: Any, result: ResultView) -> None:
        self._write_file(f"{result.chart_text.rstrip()}\n\nClaim lines\n{result.claim_text}")

    def _write_file(self: Any, text: str) -> None:
        try:
            path = sharing.save_text(text)
        except OSError as error:
            self.notify(
                f"Could not write the file: {error.strerror or error}",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        self.notify(
            f"Written to {path} (a text file; not the administration log)",
            title="Written",
            timeout=15,
            markup=False,
        )
