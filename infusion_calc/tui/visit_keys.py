"""Between drugs and patients on the main screen: F9 adds the drug on screen to the patient's visit
(tui/visit_view.py draws it), Ctrl+N starts the next patient."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from infusion_calc.tui.state import FormValues, ResultView


class VisitKeys:
    """The next-drug and next-patient actions, mixed into MainScreen (which holds `_visit`, `_jumps`, the form)."""

    _visit: list[ResultView]
    _jumps: int
    _last_saved: tuple[FormValues, str] | None
    _unsaved: tuple[FormValues, str] | None

    def action_clear(self: Any) -> None:
        self._last_saved = self._unsaved = None  # the next patient's save is a new entry, even if the form reads the same
        self._jumps = 0  # F7 starts again at the result
        self._visit.clear()
        if self.built:
            self._show_visit()
            self.order_form.clear()  # closes the encounter panel, keeps the clinic day
            self.call_after_refresh(self._result_first)

    def _result_first(self: Any) -> None:
        """The page back at its top, the result in view (not the encounter fields below the form)."""
        self._result_scroller().scroll_home(animate=False)
        self.query_one("#workspace").scroll_home(animate=False)

    def action_add_to_visit(self: Any) -> None:
        """F9: this drug joins the visit; the form is ready for the visit's next drug."""
        result = self._result("Nothing added to the visit", with_encounter=True)
        if result is None or result.calculation is None:
            return
        self._visit.append(result)
        self._jumps = 0
        self._show_visit()
        self.order_form.next_drug()
        self.call_after_refresh(self._result_first)
        self.notify(f"Added to the visit ({len(self._visit)} so far). Choose the next drug, or Ctrl+N for the next patient.",
                    markup=False)

    def _show_visit(self: Any) -> None:
        panel = self.query_one("#visit", Static)
        panel.display = bool(self._visit)
        if self._visit and self.calculator is not None:
            from infusion_calc.tui.visit_view import visit_text

            panel.update(visit_text(self._visit, self.calculator.site_policy))

