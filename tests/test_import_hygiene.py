"""The core never imports Textual or rich; the calc path never loads the TUI;
each command's start-up imports only what that command needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(extra=extra)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr.strip().splitlines()[-1].removeprefix("LEAKED:")


def test_every_core_module_imports_without_textual_or_rich() -> None:
    assert _leaked() == ""


def test_the_calc_command_runs_without_textual_or_rich() -> None:
    extra = "from infusion_calc.cli import main\nmain(['calc', '--dose', '300 mg', '--json'])"
    assert _leaked(extra) == ""


def test_no_core_source_file_imports_textual_or_rich_even_lazily() -> None:
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
            line = node.lineno if isinstance(node, (ast.Import, ast.ImportFrom)) else 0
            offenders += [
                f"{path.name}:{line} {name}"
                for name in names
                if name.split(".")[0] in {"textual", "rich"} or name.startswith("infusion_calc.tui")
            ]
    assert offenders == []


# Each entry point, run in a fresh interpreter: what it must not import (harlequin tests each entry
# point). pint and pydantic cost ~100 ms and ~60 ms; importlib.metadata ~20 ms. None is needed to
# print the version, the help, the log's path or its recent entries.
ENTRY_POINT = """
import sys
from infusion_calc.cli import main
try:
    status = main({arguments!r})
except SystemExit as exit_:
    status = exit_.code
heavy = {{"pint", "pydantic", "pydantic_core", "textual", "rich", "importlib.metadata"}}
print("STATUS:" + str(status), file=sys.stderr)
print("LOADED:" + ",".join(sorted(name for name in sys.modules if name in heavy)), file=sys.stderr)
"""


def _loaded_by(arguments: list[str], tmp_path: Path) -> set[str]:
    env = {
        **os.environ,
        "INFUSION_CALC_CONFIG_DIR": str(tmp_path / "config"),
        "INFUSION_CALC_DATA_DIR": str(tmp_path / "data"),
    }
    result = subprocess.run(
        [sys.executable, "-c", ENTRY_POINT.format(arguments=arguments)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 0 and lines[-2] in ("STATUS:0", "STATUS:None"), (
        result.stdout + result.stderr
    )
    return {name for name in lines[-1].removeprefix("LOADED:").split(",") if name}


@pytest.mark.parametrize(
    "arguments", [["--version"], ["--help"], ["log", "path"], ["log", "list"]], ids=" ".join
)
def test_light_commands_start_without_pint_pydantic_or_the_ui(
    arguments: list[str], tmp_path: Path
) -> None:
    assert _loaded_by(arguments, tmp_path) - {"importlib.metadata"} == set()


def test_the_version_is_printed_without_reading_package_metadata(tmp_path: Path) -> None:
    assert _loaded_by(["--version"], tmp_path) == set()


def test_log_list_reads_saved_entries_without_pint_or_pydantic(tmp_path: Path) -> None:
    """Not only an empty log: an entry saved by `calc
    --save` is listed without the calculator's imports."""
    env = {
        **os.environ,
        "INFUSION_CALC_CONFIG_DIR": str(tmp_path / "config"),
        "INFUSION_CALC_DATA_DIR": str(tmp_path / "data"),
    }
    saved = subprocess.run(
        [sys.executable, "-m", "infusion_calc", "calc", "--dose", "300 mg", "--save"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert saved.returncode == 0, saved.stderr
    result = subprocess.run(
        [sys.executable, "-c", ENTRY_POINT.format(arguments=["log", "list"])],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert "J2323" in result.stdout, result.stdout + result.stderr
    assert result.stderr.strip().splitlines()[-1] == "LOADED:"


def test_the_help_list_shows_each_command_with_the_line_its_module_registers() -> None:
    """`--help` lists the commands from a table (so it imports none of them):
    the table matches the modules."""
    import argparse
    import importlib

    from infusion_calc.cli import COMMANDS, build_parser

    for name, (module, summary) in COMMANDS.items():
        commands = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module).register(commands)
        registered = {action.dest: action.help for action in commands._choices_actions}
        assert registered == {name: summary}
    listing = build_parser().format_help()
    assert all(name in listing for name in COMMANDS)


@pytest.mark.parametrize(
    "save", [[], ["--save"], ["--save", "--json"], ["--format", "json", "--save"]], ids=" ".join
)
def test_calc_without_a_site_config_never_imports_pydantic(save: list[str], tmp_path: Path) -> None:
    """loading.py's promise: a site without config.toml does not pay for pydantic, saving or not."""
    _loaded_by(
        ["calc", "--dose", "300 mg"], tmp_path
    )  # the first run may compile the catalog cache
    assert {"pydantic", "pydantic_core"} & _loaded_by(
        ["calc", "--dose", "300 mg", *save], tmp_path
    ) == set()
