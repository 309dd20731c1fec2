"""Between drugs and patients on the main screen: F9 adds the drug on screen to the patient's visit,
Ctrl+N starts the next patient; while the visit holds drugs, the copy and save keys take the whole
visit (tui/visit_actions.py): one claim, one chart note, one log entry,
billed by the site's setting."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.widgets import Static

if TYPE_CHECKING:
    from infusion_calc.core.visit.visit import VisitResult
    from infusion_calc.tui.result_view import ResultView

NOTHING = {
    "copy-claim": "Nothing copied",
    "copy-chart": "Nothing copied",
    "copy-as": "Nothing copied",
    "save-to-log": "Nothing saved to the log",
    "save-to-file": "Nothing written",
}


class VisitKeys:
    """The next-drug and next-patient actions, mixed into MainScreen
    (which holds `_visit`, `_jumps`, the form)."""

    _visit: list[ResultView]
    _jumps: int
    _last_saved: tuple[object, str] | None
    _unsaved: tuple[object, str] | None

    def action_clear(self: Any) -> None:
        self._last_saved = self._unsaved = (
            None  # the next patient's save is a new entry, even if the form reads the same
        )
        self._jumps = 0  # F7 starts again at the result
        self._visit.clear()
        if self.built:
            self._show_visit()
            self.order_form.clear()  # closes the encounter panel, keeps the clinic day
            self.call_after_refresh(self._result_first)

    def _result_first(self: Any) -> None:
        """The page back at its top, the result in view
        (not the encounter fields below the form)."""
        self._result_scroller().scroll_home(animate=False)
        self.query_one("#workspace").scroll_home(animate=False)

    def action_add_to_visit(self: Any) -> None:
        """F9: this drug joins the visit (a dose far off its label confirmed first, as a copy asks);
        the form is ready for the visit's next drug."""
        result = self._result("Nothing added to the visit", with_encounter=True)
        if result is None or result.calculation is None:
            return
        self._when_dose_confirmed(
            result,
            "Nothing added to the visit",
            "add it to the visit",
            lambda: self._add_to_visit(result),
            self.action_add_to_visit,
        )

    def _add_to_visit(self: Any, result: ResultView) -> None:
        self._visit.append(result)
        self._jumps = 0
        self._show_visit()
        self.order_form.next_drug()
        self.call_after_refresh(self._result_first)
        self.notify(
            f"Added to the visit ({len(self._visit)} so far). Choose the next drug, or Ctrl+N for "
            "the next patient. F2 to F6 now take the whole visit.",
            markup=False,
        )

    def _visit_now(self: Any) -> VisitResult:
        """The visit of the drugs added, billed by the site's setting
        (`[administration] setting`)."""
        # lazy: imports the core: not before the first frame
        from infusion_calc.tui.visit_actions import visit_result

        return visit_result(
            self._visit, self.calculator.site_policy, self.calculator.context.visit_setting
        )

    def _show_visit(self: Any) -> None:
        # lazy: the core: not before the first frame
        from infusion_calc.core.errors import SiteConfigError

        panel = self.query_one("#visit", Static)
        panel.display = bool(self._visit)
        if self._visit and self.calculator is not None:
            # lazy: imports the core: not before the first frame
            from infusion_calc.tui.visit_actions import summary

            try:
                panel.update(summary(self._visit_now()))
            except SiteConfigError as error:
                panel.update(f"Visit: {len(self._visit)} drugs; no claim: {error}")

    def _visit_key(self: Any, key: str, fmt: str = "") -> None:
        """A copy or save key while the visit holds drugs: the whole visit,
        never the drug on screen alone."""
        # lazy: the core: not before the first frame
        from infusion_calc.core.errors import SiteConfigError

        nothing = NOTHING[key]
        outcome = self.outcome
        if outcome.valid and outcome.result not in self._visit:
            self.notify(
                f"{nothing}: the drug on screen is not in the visit yet. F9 adds it; then this key "
                "takes the whole visit (or Ctrl+N for the next patient).",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        if self.calculator is None:
            return
        try:
            visit = self._visit_now()
        except SiteConfigError as error:
            self.notify(f"{nothing}: {error}", severity="error", timeout=15, markup=False)
            return
        self._visit_actions()[key](visit, fmt)

    def _visit_actions(self: Any) -> dict[str, Callable[[VisitResult, str], None]]:
        # lazy: the core: not before the first frame
        from infusion_calc.core.visit.visit import visit_note

        # lazy: visit_actions imports the core: not before the first frame
        from infusion_calc.tui import visit_actions as do

        context = self.calculator.context
        return {
            "copy-claim": lambda visit, _: self._copy("visit's claim lines", do.claim_text(visit)),
            "copy-chart": lambda visit, _: self._copy("visit's chart note", visit_note(visit)),
            "copy-as": lambda visit, fmt: self._choose_format(
                fmt, lambda choice: do.copy_as(visit, choice, context)
            ),
            "save-to-file": lambda visit, _: self._write_file(do.note_and_claim(visit)),
            "save-to-log": lambda visit, _: self._start_save(
                ("visit", tuple(self._visit)),
                lambda uuid: do.save(visit, context, context.log_path, uuid),
            ),
        }
