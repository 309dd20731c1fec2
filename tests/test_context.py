"""One context built at the edge: each file read once per command, and the core given what it needs.

The site config, the encounter and the catalog used to be read or parsed in several places per
`calc` call; these tests count the reads, so a second loader cannot creep back in.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

import infusion_calc.core
from infusion_calc.cli import main
from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.checks.checks import run_checks
from infusion_calc.core.pipeline.documentation import chart_note
from infusion_calc.log import AdministrationLog
from tests.saved_entries import entry_in

ENCOUNTER = [
    "--given-at",
    "2026-03-02 09:40",
    "--dx",
    "G35.A",
    "--payer",
    "medicare",
    "--lot",
    "TY2291",
]


def counting(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []
    original = getattr(module, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_calc_with_a_site_config_reads_it_once_and_parses_the_encounter_once(
    isolated_user_dirs: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import infusion_calc.catalog_cache as catalog_cache
    import infusion_calc.cli.encounter_options as encounter_options
    import infusion_calc.loading as loading

    config = isolated_user_dirs / "config"
    config.mkdir()
    (config / "config.toml").write_text(
        "[dosing]\nround_within = 10\n[log]\nstore_patient_id = true\n"
    )
    config_reads = counting(monkeypatch, loading, "load_site_config")
    encounter_parses = counting(monkeypatch, encounter_options, "parse_encounter")
    catalog_loads = counting(monkeypatch, catalog_cache, "load")

    status = main(
        [
            "calc",
            "--dose",
            "250 mg",
            "--drug",
            "Tysabri",
            *ENCOUNTER,
            "--save",
            "--patient-id",
            "P-1",
            "--format",
            "837p",
        ]
    )

    assert status == 0, capsys.readouterr().err
    assert (len(config_reads), len(encounter_parses), len(catalog_loads)) == (1, 1, 1)
    entry = entry_in(AdministrationLog(), 1)
    assert entry["patient_id"] == "P-1"  # the one config read reached the log
    assert entry["encounter"]["dx"] == "G35.A"


def test_the_log_keeps_the_checks_calc_printed(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["calc", "--dose", "250 mg", "--drug", "Tysabri", "--json", "--save", *ENCOUNTER]) == 0
    )
    printed = json.loads(capsys.readouterr().out)["checks"]
    assert printed and entry_in(AdministrationLog(), 1)["checks"] == printed


def test_the_core_is_given_the_catalog_and_the_rules(catalog: Catalog) -> None:
    calc = calculate(catalog, CalcRequest("250 mg", drug="Tysabri"))
    with pytest.raises(TypeError, match="catalog"):
        # the call the test proves is refused: no silent fallback
        run_checks(calc)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="rules"):
        chart_note(calc)  # type: ignore[call-arg]  # the call the test proves is refused


def test_no_core_module_reads_files_or_knows_the_user_folders() -> None:
    """Reading (packaged data, the site's files,
    the cache) and the folders live at the edge (loading.py)."""
    edge_only = {
        "importlib.resources",
        "infusion_calc.locations",
        "infusion_calc.loading",
        "platformdirs",
    }
    found = {}
    for path in Path(infusion_calc.core.__file__).parent.rglob("*.py"):  # every room
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module in edge_only:
                found[path.name] = node.module
            elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
                found[path.name] = "open()"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in edge_only:
                        found[path.name] = alias.name
    # Not even the unit definitions: the edge (unit_definitions.py)
    # reads units.txt and hands the text over.
    assert found == {}
