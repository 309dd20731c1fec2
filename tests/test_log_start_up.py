"""`log path` and `log list` start in about 3x `python -c pass` (benchmarks/startup.py): each
imports only what it uses. `log path` prints where the log is without opening it; `log list` reads
the log but neither shows a whole entry nor saves one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from infusion_calc.cli import main
try:
    main({arguments!r})
except SystemExit:
    pass
print("LOADED:" + ",".join(sorted(name for name in sys.modules if name in {watched!r})), \
file=sys.stderr)
"""

# Reading and writing the SQLite file, and what only `log show`, `log export` or a save need.
OPENING_THE_LOG = {
    "sqlite3",
    "infusion_calc.log.reader",
    "infusion_calc.log.sqlite_log",
    "infusion_calc.log.schema",
    "infusion_calc.core.words.labels",
}
SHOWING_OR_SAVING = {
    "json",
    "random",
    "uuid",
    "infusion_calc.core.record.check_types",
    "infusion_calc.core.record.safe_text",
    "infusion_calc.log.record",
}


def _loaded(arguments: list[str], watched: set[str], folder: Path) -> set[str]:
    env = {
        **os.environ,
        "INFUSION_CALC_CONFIG_DIR": str(folder / "config"),
        "INFUSION_CALC_DATA_DIR": str(folder / "data"),
    }
    env.pop("INFUSION_CALC_LOG_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(arguments=arguments, watched=sorted(watched))],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    last = result.stderr.strip().splitlines()[-1]
    assert result.returncode == 0 and last.startswith("LOADED:"), result.stdout + result.stderr
    return {name for name in last.removeprefix("LOADED:").split(",") if name}


def test_log_path_opens_nothing(tmp_path: Path) -> None:
    assert _loaded(["log", "path"], OPENING_THE_LOG | SHOWING_OR_SAVING, tmp_path) == set()


@pytest.mark.parametrize("saved", [False, True], ids=["empty log", "one entry"])
def test_log_list_imports_nothing_to_show_or_save(saved: bool, tmp_path: Path) -> None:
    if saved:
        env = {
            **os.environ,
            "INFUSION_CALC_CONFIG_DIR": str(tmp_path / "config"),
            "INFUSION_CALC_DATA_DIR": str(tmp_path / "data"),
        }
        env.pop("INFUSION_CALC_LOG_URL", None)
        done = subprocess.run(
            [sys.executable, "-m", "infusion_calc", "calc", "--dose", "300 mg", "--save"],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert done.returncode == 0, done.stderr
    assert _loaded(["log", "list"], SHOWING_OR_SAVING, tmp_path) == set()


def test_the_log_package_names_are_the_modules_own() -> None:
    """The package hands out its names on first use:
    each is the very object of the module defining it."""
    import infusion_calc.log as log
    from infusion_calc.log import errors, location, reader, store

    homes = {
        "LogError": errors,
        "CenterLog": location,
        "log_location": location,
        "AdministrationLog": reader,
        "CSV_COLUMNS": reader,
        "Summary": reader,
        "save": store,
        "default_log_path": store,
        "SavedEntry": store,
        "BUSY_TIMEOUT_S": store,
        "LogLocation": location,
    }
    assert set(homes) == set(log.__all__)
    for name, module in homes.items():
        assert getattr(log, name) is getattr(module, name)


# What a claim is computed and checked with: the engine, the claim exports and the site's settings
# (pydantic models). Exporting the log writes stored figures through the guarded CSV writer and
# json_safe: importing none of this is ~0.2 s of every 100,000-entry export
# (benchmarks/log_store.py).
BUILDING_A_CLAIM = {
    "pydantic",
    "infusion_calc.core.calculation.engine",
    "infusion_calc.core.exports",
    "infusion_calc.core.pipeline.site_config",
}


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_log_export_imports_nothing_that_builds_a_claim(fmt: str, tmp_path: Path) -> None:
    assert _loaded(["log", "export", "--format", fmt], BUILDING_A_CLAIM, tmp_path) == set()
