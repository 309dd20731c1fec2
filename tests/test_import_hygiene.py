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
