"""F9 on the main screen: the drug on screen joins the patient's visit (tui/visit_view.py draws it)."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from infusion_calc.tui.state import ResultView


class VisitKeys:
    """The visit's actions, mixed into MainScreen (which holds `_visit`, `_jumps` and the form)."""

    _visit: list[ResultView]
    _jumps: int

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

