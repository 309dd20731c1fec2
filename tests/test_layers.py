"""The layers written down in pyproject.toml ([tool.importlinter]) hold: front ends (cli, then
tui and serve) above the edge (loading, log, locations) above the core;
the app never imports the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(package_parent: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts, reading the package found under package_parent."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        cwd=package_parent,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "", "PYTHONPATH": str(package_parent)},
    )


def test_every_import_respects_the_layers() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_app_importing_the_cli_breaks_the_contract(tmp_path: Path) -> None:
    """The arrow that used to run back up (the app loading its catalog through the CLI) is
    caught."""
    shutil.copytree(
        ROOT / "infusion_calc",
        tmp_path / "infusion_calc",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    with (tmp_path / "infusion_calc" / "tui" / "calculator.py").open(
        "a", encoding="utf-8"
    ) as module:
        module.write("\nfrom infusion_calc.cli.common import fail  # noqa: E402,F401\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "infusion_calc.tui is not allowed to import infusion_calc.cli" in result.stdout


def test_no_module_is_over_400_lines() -> None:
    """Short modules with one job: past 400 lines a module is doing two, and should be split."""
    long = {
        str(path.relative_to(ROOT)): lines
        for path in (ROOT / "infusion_calc").rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def _import_cycles(package: str) -> list[list[str]]:
    """Every group of modules that import one another round in a circle (Tarjan's strongly
    connected components over grimp's graph); imports under `if TYPE_CHECKING:` are left out,
    since they run only for the type checker."""
    import grimp

    graph = grimp.build_graph(package, exclude_type_checking_imports=True, cache_dir=None)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return cycles


def test_no_import_cycle_anywhere() -> None:
    """No module imports, even lazily inside a function, a module that imports it back: the rooms
    of the core read bottom to top, and the package as a whole is a tree of layers."""
    assert _import_cycles("infusion_calc") == []


def test_the_arithmetic_writing_words_breaks_the_rooms_contract(tmp_path: Path) -> None:
    """Presentation is the last step: the engine importing a sentence writer is caught."""
    shutil.copytree(
        ROOT / "infusion_calc",
        tmp_path / "infusion_calc",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    with (tmp_path / "infusion_calc" / "core" / "calculation" / "engine.py").open(
        "a", encoding="utf-8"
    ) as module:
        module.write("\nfrom infusion_calc.core.words.labels import money  # noqa: E402,F401\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert (
        "infusion_calc.core.calculation.engine -> infusion_calc.core.words.labels" in result.stdout
    )
