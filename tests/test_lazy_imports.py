"""An import inside a function is kept only for a start-up budget
(--version, --help, log path, log list, a warm calc, the app's first frame)
or a heavy library one output alone needs, and says which on its line.

tests/test_import_hygiene.py and tests/test_report_imports.py prove the budgets themselves; this
keeps the reason next to each import, so an ordinary import does not hide in a function. Every
front end and the edge are covered: the CLI, serve, the report, the app (tui/), the log (log/,
loading.py) and the CMS and cache modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "infusion_calc"
REVIEWED = [
    "cli",
    "serve",
    "report",
    "cms",
    "catalog_cache.py",
    "locations.py",
    "site_files.py",
    "cache_codec.py",
    "tui",
    "log",
    "loading.py",
]
NOT_YET: set[str] = set()


def _modules() -> list[Path]:
    found: list[Path] = []
    for name in REVIEWED:
        path = PACKAGE / name
        found += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return [path for path in found if path.relative_to(PACKAGE).as_posix() not in NOT_YET]


def function_level_imports(source: str) -> list[tuple[int, str]]:
    """(line, text) of each import statement inside a function: the statement's own lines, and the
    comment line just above it (where a formatter puts a reason too long for the import's line)."""
    lines = source.splitlines()
    found: list[tuple[int, str]] = []
    for function in ast.walk(ast.parse(source)):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    first, last = node.lineno, node.end_lineno or node.lineno
                    above = (
                        lines[first - 2]
                        if first >= 2 and lines[first - 2].strip().startswith("#")
                        else ""
                    )
                    found.append((first, "\n".join([above, *lines[first - 1 : last]])))
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda path: path.relative_to(PACKAGE).as_posix())
def test_each_import_inside_a_function_says_why(path: Path) -> None:
    unexplained = [
        f"{line}: {text.strip()}"
        for line, text in function_level_imports(path.read_text())
        if "#" not in text
    ]
    assert unexplained == []


def test_an_import_without_its_reason_is_found() -> None:
    source = (
        "def f() -> None:\n    import gzip\n    from json import dumps  # lazy: a reason\n"
        "    # lazy: a reason too long for the line\n  "
        "  from csv import (\n        writer,\n    )\n"
    )
    assert [text.strip() for _, text in function_level_imports(source) if "#" not in text] == [
        "import gzip"
    ]
