"""Notices (the JSON `warnings` of a result, and an export's warnings) are declared like the checks:
each code once, in the registry, and the README's
table of notices lists exactly the registry's codes.

A notice made without the registry (a bare `Notice("CODE", ...)`), a registered code the README
forgot, or a README row for a code that no longer exists fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import infusion_calc
from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.checks.checks import registry as check_registry
from infusion_calc.core.record.notices import Notice, NoticeSpec, notice_registry

PACKAGE = Path(infusion_calc.__file__).parent
README = PACKAGE.parent / "README.md"
SECTION = "### Notices"


def readme_notices() -> dict[str, str]:
    """code -> where it comes from, as the README's table of notices says."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    end = re.search(r"\n#{2,3} |\n<!--", section[len(SECTION) :])
    assert end is not None, "the section ends at the next heading or comment"
    section = section[: end.start() + len(SECTION)]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\| `([A-Z0-9_]+)` \| ([^|]+) \|", line)
        if match:
            code, source = match.groups()
            assert code not in rows, f"{code} is listed twice in the README"
            rows[code] = source.strip()
    return rows


def test_the_readme_table_lists_exactly_the_registered_notices_and_where_each_comes_from() -> None:
    listed = readme_notices()
    assert sorted(listed) == sorted(notice_registry()), (
        f"missing from the README: {sorted(set(notice_registry()) - set(listed))}; "
        f"not registered: {sorted(set(listed) - set(notice_registry()))}"
    )
    for code, spec in notice_registry().items():
        assert listed[code] == spec.source, code


def test_every_notice_has_a_one_line_summary_and_says_where_it_comes_from() -> None:
    for code, spec in notice_registry().items():
        assert spec.code == code
        assert spec.summary.strip() and "\n" not in spec.summary, code
        assert spec.source in ("calculation", "export"), code


def test_no_notice_is_made_outside_the_registry() -> None:
    """Notices are made by a declared NoticeSpec;
    `Notice(...)` appears only where the type is defined."""
    bare, declared = [], set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        named = [
            (call, getattr(call.func, "id", getattr(call.func, "attr", None))) for call in calls
        ]
        if path.name != "notices.py":
            bare += [
                f"{path.relative_to(PACKAGE)}:{call.lineno}"
                for call, name in named
                if name == "Notice"
            ]
        declared |= {
            call.args[0].value
            for call, name in named
            if name == "NoticeSpec" and call.args and isinstance(call.args[0], ast.Constant)
        }
    assert bare == [], "make these notices from a declared NoticeSpec"
    assert declared == set(notice_registry())


def test_a_notice_code_is_never_also_a_check_code() -> None:
    assert set(notice_registry()) & set(check_registry()) == set()


def test_a_code_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="NDC_SPLIT"):
        NoticeSpec("NDC_SPLIT", "calculation", "declared again")


def test_a_result_carries_notices_made_from_their_spec(catalog: Catalog) -> None:
    calc = calculate(catalog, CalcRequest("300 mg", dose_given="250 mg"))
    codes = [notice.code for notice in calc.warnings]
    assert "DOSE_PARTLY_GIVEN" in codes
    assert all(
        isinstance(notice, Notice) and notice.code in notice_registry() for notice in calc.warnings
    )
