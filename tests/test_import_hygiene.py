"""The core never imports Textual or rich; the calc path never loads the TUI."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import importlib, pkgutil, sys
import infusion_calc.core as core
for module in pkgutil.walk_packages(core.__path__, "infusion_calc.core."):
    importlib.import_module(module.name)
{extra}
leaked = sorted(name for name in sys.modules if name.split(".")[0] in {{"textual", "rich"}})
print("LEAKED:" + ",".join(leaked), file=sys.stderr)
"""


def _leaked(extra: str = "") -> str:
    result = subprocess.run([sys.executable, "-c", CHECK.format(extra=extra)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stderr.strip().splitlines()[-1].removeprefix("LEAKED:")


def test_every_core_module_imports_without_textual_or_rich():
    assert _leaked() == ""


def test_the_calc_command_runs_without_textual_or_rich():
    extra = "from infusion_calc.cli import main\nmain(['calc', '--dose', '300 mg', '--json'])"
    assert _leaked(extra) == ""


def test_no_core_source_file_imports_textual_or_rich_even_lazily():
    """Static twin of the run-time check: catches an import hidden inside a function."""
    import ast
    from pathlib import Path

    import infusion_calc.core as core

    offenders = []
    for path in Path(core.__path__[0]).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}:{node.lineno} {name}" for name in names
                          if name.split(".")[0] in {"textual", "rich"} or name.startswith("infusion_calc.tui")]
    assert offenders == []
