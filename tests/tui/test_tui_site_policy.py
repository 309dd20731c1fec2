"""The app follows the site's policy as `calc` does: 340B modifier on the lines,
the checks' site rules."""

from __future__ import annotations

from infusion_calc.core.checks.checks import SitePolicy
from infusion_calc.loading import packaged_catalog
from infusion_calc.tui.calculator import Calculator
from infusion_calc.tui.result_view import ResultView
from infusion_calc.tui.state import FormValues

ENCOUNTER = (
    ("given_at", "2026-03-02 09:00"),
    ("start", "09:00"),
    ("stop", "10:05"),
    ("waste_reason", "dose reduced"),
)


def _result(policy: SitePolicy | None) -> ResultView:
    calculator = Calculator(packaged_catalog(), site_policy=policy)
    outcome = calculator.evaluate(FormValues(drug="J2323", dose="250 mg", encounter=ENCOUNTER))
    assert outcome.state == "valid" and outcome.result is not None, outcome.problem
    return outcome.result


def test_the_app_puts_tb_on_each_line_for_a_340b_site() -> None:
    rows = _result(SitePolicy(acquired_340b=True)).claim_rows
    assert [row.modifiers for row in rows] == ["TB", "JW-TB"]
    assert [row.modifiers for row in _result(None).claim_rows] == ["", "JW"]


def test_the_app_checks_follow_the_sites_witness_and_code_choices() -> None:
    default = {row.code: row.message for row in _result(None).checks}
    assert "WASTE_UNDOCUMENTED" not in default and "96413 × 1" in default["ADMIN_CODE"]
    strict = {row.code: row.message for row in _result(SitePolicy(True, "infusion")).checks}
    assert "WASTE_UNDOCUMENTED" in strict and "96365 × 1" in strict["ADMIN_CODE"]
