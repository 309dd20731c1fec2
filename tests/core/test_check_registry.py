"""One vocabulary for checks: every code is declared once, in the registry, and the README's
table of checks lists exactly the registry's codes with the same severities.

A check made without the registry (a bare `Check("CODE", ...)`), a registry code the README
forgot, or a README row for a code that no longer exists fails here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import infusion_calc
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.checks.checks import checks_failed, registry
from infusion_calc.core.record.check_types import CheckSpec, Severity
from infusion_calc.loading import clinical_rules

PACKAGE = Path(infusion_calc.__file__).parent
README = PACKAGE.parent / "README.md"
SECTION = "## Chart text and pre-submission checks"


def readme_table() -> dict[str, list[str]]:
    """code -> the severity words of its row, in the order the row names them."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n### Notices", len(SECTION))]  # the notices' table follows
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\| `([A-Z0-9_]+)` \| ([^|]+) \|", line)
        if match:
            code, severity = match.groups()
            assert code not in rows, f"{code} is listed twice in the README"
            rows[code] = re.findall(r"\b(error|warning|info)\b", severity)
    return rows


def test_the_readme_table_lists_exactly_the_registered_checks() -> None:
    listed = readme_table()
    assert sorted(listed) == sorted(registry()), (
        f"missing from the README: {sorted(set(registry()) - set(listed))}; "
        f"not registered: {sorted(set(listed) - set(registry()))}"
    )


def test_the_readme_gives_each_check_its_registered_severities_usual_one_first() -> None:
    for code, entry in registry().items():
        words = readme_table()[code]
        assert words and words[0] == entry.spec.severity.value, code
        assert set(words) == {severity.value for severity in entry.spec.severities}, code


def test_every_registered_check_has_a_one_line_summary_and_a_producer() -> None:
    for code, entry in registry().items():
        assert entry.spec.code == code
        assert entry.spec.summary.strip() and "\n" not in entry.spec.summary, code
        assert callable(entry.producer), code


def _calls(tree: ast.AST, name: str) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == name
        ):
            yield node


def test_no_check_is_made_outside_the_registry() -> None:
    """Checks are made by a registered CheckSpec;
    `Check(...)` appears only where the type is defined."""
    bare, declared = [], set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path.name != "check_types.py":
            bare += [f"{path.relative_to(PACKAGE)}:{call.lineno}" for call in _calls(tree, "Check")]
        declared |= {
            call.args[0].value
            for call in _calls(tree, "CheckSpec")
            if call.args and isinstance(call.args[0], ast.Constant)
        }
    assert bare == [], "make these checks from a registered CheckSpec"
    assert declared == set(registry()), "a CheckSpec that no producer registers with @emits"


def test_a_check_made_from_a_spec_carries_its_code_and_usual_severity() -> None:
    spec = registry()["DX_MISSING"].spec
    check = spec("No diagnosis.")
    assert (check.code, check.severity, check.message) == (
        "DX_MISSING",
        Severity.WARNING,
        "No diagnosis.",
    )


def test_a_severity_the_spec_does_not_allow_is_refused() -> None:
    spec = CheckSpec("TEST_ONLY", Severity.INFO, "a test")
    try:
        spec("x", Severity.ERROR)
    except ValueError as error:
        assert "TEST_ONLY" in str(error)
    else:
        raise AssertionError("an undeclared severity was accepted")


def test_the_indication_lists_use_only_severities_registered_for_dx_not_indicated() -> None:
    allowed = {severity.value for severity in registry()["DX_NOT_INDICATED"].spec.severities}
    rules = clinical_rules()
    for generic in ("natalizumab", "nusinersen"):
        indications = rules.for_drug(generic)
        assert indications is not None and indications.unlisted in allowed, generic


def test_checks_that_could_not_run_say_so_as_a_registered_error() -> None:
    check = checks_failed(RuntimeError("boom"))
    assert check.code == "CHECKS_FAILED" and check.severity is Severity.ERROR
    assert "RuntimeError" in check.message and "by hand" in check.message


def test_run_checks_runs_every_registered_producer_in_rank_order(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run_checks keeps no list of its producers:
    one registered in the checks room is run, in its rank."""
    from infusion_calc.core.calculation.engine import calculate
    from infusion_calc.core.calculation.request import CalcRequest
    from infusion_calc.core.checks import check_input
    from infusion_calc.core.checks.checks import run_checks

    producers = check_input.producers()
    ranks = [
        rank for rank, _ in sorted(check_input._PRODUCERS.values(), key=lambda entry: entry[0])
    ]
    assert len(producers) == len(ranks) >= 6 and ranks == sorted(
        set(ranks)
    )  # one rank each, none shared
    monkeypatch.setitem(
        check_input._PRODUCERS, "test.extra", (55, lambda given: [checks_failed(RuntimeError())])
    )
    found = run_checks(
        calculate(catalog, CalcRequest("300 mg")), catalog=catalog, rules=clinical_rules()
    )
    assert "CHECKS_FAILED" in [check.code for check in found]
