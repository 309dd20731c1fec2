"""The administration log: what a save keeps, where, privately, and how a locked log behaves."""

from __future__ import annotations

import sqlite3
import stat
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from infusion_calc import __version__
from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.pipeline.site_config import SiteConfig, parse_site_config
from infusion_calc.core.record.check_types import (
    Check,
    Severity,
)  # the log takes the core's checks, typed
from infusion_calc.loading import packaged_catalog
from infusion_calc.log import AdministrationLog, LogError, default_log_path, save
from tests.saved_entries import entry_in, sqlite_file


def calc_for(dose: str = "250 mg", **kwargs: Any) -> Calculation:
    return calculate(packaged_catalog(), CalcRequest(dose, **kwargs))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_save_keeps_inputs_vial_plan_lines_note_checks_time_and_version() -> None:
    before = datetime.now().astimezone()
    entry = save(
        calc_for("5 mg/kg", drug="remicade", weight="73 kg"),
        note="Infliximab 365 mg IV.\nSignature: ____",
        checks=[Check("DX_MISSING", Severity.WARNING, "No diagnosis entered.")],
        encounter={"nurse": "RN Lee", "lots": ["A123"]},
    )
    stored = entry_in(AdministrationLog(), entry.id)
    assert stored["inputs"]["dose"] == "5 mg/kg" and stored["inputs"]["weight"] == "73 kg"
    assert stored["result"]["vials"][0]["count"] == 4
    assert [(line["modifiers"], line["units"]) for line in stored["result"]["lines"]] == [
        ([], 37),
        (["JW"], 3),
    ]
    assert stored["note"] == "Infliximab 365 mg IV.\nSignature: ____"
    assert stored["checks"] == [
        {"code": "DX_MISSING", "severity": "warning", "message": "No diagnosis entered."}
    ]
    assert stored["encounter"] == {"nurse": "RN Lee", "lots": ["A123"]}
    assert stored["tool_version"] == __version__
    assert (datetime.fromisoformat(stored["saved_at"]) - before).total_seconds() < 60


def test_the_log_lives_in_the_data_dir_given_by_the_environment(isolated_user_dirs: Path) -> None:
    entry = save(calc_for())
    assert (
        entry.path == default_log_path() == isolated_user_dirs / "data" / "administrations.sqlite3"
    )
    assert entry.path.is_file()


def test_ids_grow_and_list_shows_the_latest_oldest_first() -> None:
    ids = [save(calc_for(dose)).id for dose in ("100 mg", "200 mg", "300 mg")]
    assert ids == sorted(ids) and len(set(ids)) == 3
    recent = list(AdministrationLog().recent(limit=2))
    assert [summary.dose for summary in recent] == ["200 mg", "300 mg"]
    assert recent[-1].lines == "J2323-JZ × 300"


def test_the_file_and_its_wal_are_readable_by_the_owner_only() -> None:
    first = save(calc_for())
    assert mode(sqlite_file(first.path)) == 0o600
    assert mode(sqlite_file(first.path).parent) == 0o700
    holder = sqlite3.connect(
        sqlite_file(first.path)
    )  # keeps the WAL and shared-memory files in place
    try:
        holder.execute("SELECT count(*) FROM administration").fetchone()
        save(calc_for())
        for suffix in ("-wal", "-shm"):
            sidecar = sqlite_file(first.path).with_name(sqlite_file(first.path).name + suffix)
            assert sidecar.exists() and mode(sidecar) == 0o600, suffix
    finally:
        holder.close()


def test_wal_mode_is_on_the_file() -> None:
    entry = save(calc_for())
    with sqlite3.connect(sqlite_file(entry.path)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_no_patient_identifier_unless_the_site_turns_it_on() -> None:
    with pytest.raises(LogError, match=r"store_patient_id = true.*Nothing was saved"):
        save(calc_for(), patient_id="MRN-0042")
    assert AdministrationLog().count() == 0
    allowed = parse_site_config("[log]\nstore_patient_id = true\n", "config.toml")
    entry = save(calc_for(), patient_id="MRN-0042", config=allowed)
    assert entry_in(AdministrationLog(), entry.id)["patient_id"] == "MRN-0042"
    plain = save(calc_for(), config=SiteConfig())
    assert entry_in(AdministrationLog(), plain.id)["patient_id"] is None


def _hold_write_lock(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("BEGIN IMMEDIATE")
    return connection


def test_a_locked_log_waits_then_says_nothing_was_saved() -> None:
    path = sqlite_file(save(calc_for()).path)
    holder = _hold_write_lock(path)
    try:
        started = time.monotonic()
        with pytest.raises(
            LogError,
            match=r"locked by another program \(waited 0.3 s\)\. This calculation was NOT saved",
        ):
            save(calc_for(), busy_timeout=0.3)
        assert time.monotonic() - started >= 0.25  # it did wait
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert AdministrationLog().count() == 1


def test_a_briefly_locked_log_still_takes_the_save() -> None:
    path = sqlite_file(save(calc_for()).path)
    holder = _hold_write_lock(path)

    def release_lock() -> None:
        holder.execute("COMMIT")
        holder.close()

    release = threading.Timer(0.3, release_lock)
    release.start()
    try:
        entry = save(calc_for("100 mg"), busy_timeout=5)
    finally:
        release.join()
    assert entry_in(AdministrationLog(), entry.id)["result"]["dose"] == "100 mg"


def test_reading_a_log_that_does_not_exist_creates_nothing() -> None:
    log = AdministrationLog()
    assert (
        log.count() == 0
        and list(log.recent()) == []
        and list(log.csv_rows()) == []
        and log.entry(1) is None
    )
    assert not sqlite_file(log.path).exists()


def test_a_file_that_is_not_a_log_is_refused_not_overwritten() -> None:
    path = default_log_path()
    path.parent.mkdir(parents=True)
    path.write_text("not a database, but somebody's notes\n" * 200)
    with pytest.raises(LogError, match="not an infusion-calc administration log.*NOT saved"):
        save(calc_for())
    assert path.read_text().startswith("not a database")


def test_a_log_from_a_newer_version_is_refused() -> None:
    path = save(calc_for()).path
    with sqlite3.connect(sqlite_file(path)) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(LogError, match="newer infusion-calc"):
        save(calc_for())


def test_a_patient_identifier_with_an_escape_sequence_is_refused_by_save_itself() -> None:
    """The check is in save(), so every caller (CLI, app) is held to it,
    not only the command line."""
    allowed = parse_site_config("[log]\nstore_patient_id = true\n", "config.toml")
    with pytest.raises(
        LogError,
        match=(
            r"^The patient identifier contains the invisible "
            r"character U\+001B.*Nothing was saved\.$"
        ),
    ):
        save(calc_for(), patient_id="MRN\x1b]0;pwned\x07", config=allowed)
    assert AdministrationLog().count() == 0
    entry = save(calc_for(), patient_id="  MRN-0042 ", config=allowed)
    assert entry_in(AdministrationLog(), entry.id)["patient_id"] == "MRN-0042"


def test_an_export_of_a_hand_edited_entry_writes_no_raw_escape(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A log edited by hand can hold a raw ESC in a stored JSON column
    (spliced into the export as it is): `log export --format json`
    writes it as \\u001b, never as a byte that drives the terminal."""
    from infusion_calc.cli import main

    entry = save(calc_for(), note="chart text")
    with sqlite3.connect(sqlite_file(entry.path)) as connection:
        connection.execute("UPDATE administration SET inputs = ?", ('{"dose": "250 mg\x1b[2J"}',))
    assert main(["log", "export", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\\u001b[2J" in out
