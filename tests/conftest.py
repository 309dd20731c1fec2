"""Shared fixtures: keep every test away from the developer's real config and data.

Also sorts tests into tiers by where they live, so the fast tiers (core, CLI, log,
batch) run alone with `pytest -m "not app and not browser"`; the markers are
registered in pyproject.toml.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.loading import packaged_catalog
from infusion_calc.log import CenterLog
from infusion_calc.unit_definitions import use_packaged_units
from tests import pg_server

# Tests call the core's parser directly, as the edge does once it has read data/units.txt.
use_packaged_units()

TESTS = Path(__file__).resolve().parent
# Tier -> the test files in it, as paths under tests/ (a folder ends with "/").
TIERS = {
    # Textual pilot, snapshot and tmux tests, and the benchmarks' quick run (it starts the app
    # headless to time its first frame).
    "app": ("tui/", "test_benchmarks_smoke.py"),
    # `serve`: a server in a subprocess per test, and real Chromium (also the report's HTML page).
    "browser": ("test_serve", "test_report_browser"),
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        try:
            where = item.path.resolve().relative_to(TESTS).as_posix()
        except ValueError:  # a test file outside tests/
            continue
        for tier, prefixes in TIERS.items():
            if where.startswith(prefixes):
                item.add_marker(tier)


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A site catalog or log on this machine must never change a test's answer."""
    monkeypatch.setenv("INFUSION_CALC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("INFUSION_CALC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INFUSION_CALC_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The start of every quarter text the CMS models validate during the test (a sealed or
    vouched quarter must add none)."""
    # lazy: pydantic, which most tests never load and some check stays unloaded
    from infusion_calc.cms.models import Quarter

    seen: list[str] = []
    original = Quarter.model_validate_json

    def counted(text: str | bytes) -> Quarter:
        seen.append(str(text)[:40])
        return original(text)

    monkeypatch.setattr(Quarter, "model_validate_json", counted)
    yield seen


@pytest.fixture
def catalog() -> Catalog:
    return packaged_catalog()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[pg_server.Cluster]:
    """A throwaway PostgreSQL server for the center-log tests (tests/pg_server.py); skipped,
    saying why, without one."""
    binaries, why = pg_server.find_binaries()
    if binaries is None:
        pytest.skip(f"PostgreSQL tests skipped: {why}")
    cluster = pg_server.Cluster(binaries)
    try:
        cluster.start()
    except Exception as error:  # e.g. no `postgres` user to run it as
        cluster.close()
        pytest.skip(f"PostgreSQL tests skipped: the test server did not start ({error})")
    yield cluster
    cluster.close()


@pytest.fixture
def center_log(pg_cluster: pg_server.Cluster, monkeypatch: pytest.MonkeyPatch) -> CenterLog:
    """An empty center log, reached as its owner with
    the password from PGPASSWORD (never in the URL)."""
    from infusion_calc.log.postgres_log import _connections

    for connection in list(_connections.values()):
        connection.close()
    _connections.clear()
    pg_cluster.reset()
    monkeypatch.setenv("PGPASSWORD", pg_server.PASSWORD)
    return CenterLog(pg_cluster.url("log_owner"))


@pytest.fixture(params=["sqlite", "postgresql"])
def any_log(request: pytest.FixtureRequest, isolated_user_dirs: Path) -> Path | CenterLog:
    """Each back end in turn: the same test, the same store interface."""
    if request.param == "sqlite":
        return isolated_user_dirs / "data" / "administrations.sqlite3"
    log: CenterLog = request.getfixturevalue("center_log")
    return log
