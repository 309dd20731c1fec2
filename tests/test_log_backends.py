"""The same tests for both back ends (the `any_log` fixture):
a SQLite file and a center's PostgreSQL log.

Idempotent saves (a retry with the same identifier finds the entry), entries whole or not at
all, corrections as new entries shown as a chain, and every reader the app and the CLI use.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.loading import packaged_catalog
from infusion_calc.log import AdministrationLog, CenterLog, LogError, save
from infusion_calc.log.schema import Execute, NewEntry, write_entry
from tests.saved_entries import entry_in


def calc_for(dose: str = "250 mg", **kwargs: Any) -> Calculation:
    return calculate(packaged_catalog(), CalcRequest(dose, **kwargs))


def test_a_save_reads_back_the_same_on_both(any_log: Path | CenterLog) -> None:
    entry = save(
        calc_for("5 mg/kg", drug="remicade", weight="73 kg"),
        note="Infliximab 365 mg IV.",
        path=any_log,
        encounter={"nurse": "RN Lee"},
    )
    log = AdministrationLog(any_log)
    stored = entry_in(log, entry.id)
    assert stored["inputs"]["dose"] == "5 mg/kg" and stored["note"] == "Infliximab 365 mg IV."
    assert stored["uuid"] == entry.uuid and stored["workstation"] and stored["corrects"] is None
    assert [s.lines for s in log.recent()] == ["J1745 × 37; J1745-JW × 3"]
    assert log.count() == 1 and log.uses_by_code() == {"J1745": 1}
    rows = list(log.csv_rows())
    assert [(row[8], row[9], row[11]) for row in rows] == [(1, "J1745", 37), (2, "J1745", 3)]
    exported = [json.loads(line) for line in log.json_lines()]
    assert exported[0]["uuid"] == entry.uuid and exported[0]["result"]["hcpcs"] == "J1745"


def test_a_retry_with_the_same_identifier_never_makes_a_second_entry(
    any_log: Path | CenterLog,
) -> None:
    made_here = str(uuid.uuid4())
    first = save(calc_for(), path=any_log, entry_uuid=made_here)
    again = save(
        calc_for(), path=any_log, entry_uuid=made_here
    )  # the acknowledgement was lost: saved again
    assert (again.id, again.saved_at, again.uuid) == (first.id, first.saved_at, made_here)
    log = AdministrationLog(any_log)
    assert log.count() == 1 and len(list(log.csv_rows())) == 2


def test_an_entry_is_written_whole_or_not_at_all(
    any_log: Path | CenterLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lines_fail(
        execute: Execute,
        execute_many: Callable[[str, list[tuple[Any, ...]]], None],
        entry: NewEntry,
    ) -> tuple[int, str, bool]:
        return write_entry(
            execute,
            lambda sql, rows: execute_many(sql.replace("claim_line", "no_such_table"), rows),
            entry,
        )

    save(calc_for("100 mg"), path=any_log)
    for module in ("infusion_calc.log.sqlite_log", "infusion_calc.log.postgres_log"):
        monkeypatch.setattr(f"{module}.write_entry", lines_fail)
    with pytest.raises(LogError, match="NOT saved"):
        save(calc_for("200 mg"), path=any_log, busy_timeout=0.5)
    log = AdministrationLog(any_log)
    assert log.count() == 1 and {row[5] for row in log.csv_rows()} == {
        "100 mg"
    }  # no entry without its lines


def test_a_correction_is_a_new_entry_and_the_chain_is_shown(any_log: Path | CenterLog) -> None:
    first = save(calc_for("250 mg"), path=any_log)
    second = save(calc_for("300 mg"), path=any_log, corrects=first.id)
    third = save(calc_for("310 mg"), path=any_log, corrects=second.id)
    log = AdministrationLog(any_log)
    summaries = {s.id: s for s in log.recent()}
    assert (
        summaries[first.id].corrected_by == second.id and summaries[second.id].corrects == first.id
    )
    assert (
        entry_in(log, first.id)["corrected_by"] == [second.id]
        and entry_in(log, second.id)["corrects"] == first.id
    )
    assert log.correction_chain(second.id) == [first.id, second.id, third.id]
    assert log.count() == 3  # the corrected entries are still there, unchanged
    with pytest.raises(LogError, match="no entry 999 to correct"):
        save(calc_for(), path=any_log, corrects=999)


def test_an_empty_log_reads_as_empty(any_log: Path | CenterLog) -> None:
    log = AdministrationLog(any_log)
    assert (
        list(log.recent()) == []
        and log.count() == 0
        and log.entry(1) is None
        and log.uses_by_code() == {}
    )


def test_a_url_with_a_password_is_refused_without_repeating_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from infusion_calc.log.location import log_location

    monkeypatch.setenv("INFUSION_CALC_LOG_URL", "postgresql://nurse:hunter2@loghost/center")
    location = log_location()
    assert isinstance(location, CenterLog)
    with pytest.raises(LogError) as refused:
        AdministrationLog(location)
    assert (
        "PGPASSWORD" in str(refused.value)
        and "hunter2" not in str(refused.value)
        and "hunter2" not in str(location)
    )


def test_a_log_written_before_identifiers_reads_as_it_is_and_is_migrated_once_by_the_next_save(
    isolated_user_dirs: Path,
) -> None:
    import sqlite3

    from infusion_calc.log.schema import MIGRATIONS

    path = isolated_user_dirs / "data" / "administrations.sqlite3"
    save(calc_for("250 mg"), path=path)
    with sqlite3.connect(
        path
    ) as connection:  # the same entry as an older version stored it: format 1
        old = isolated_user_dirs / "old.sqlite3"
        old_db = sqlite3.connect(old)
        for statement in MIGRATIONS[0].sqlite:
            old_db.execute(statement)
        columns = (
            "saved_at, tool_version, drug, hcpcs, dose, administered_units, discarded_units, "
            "patient_id, inputs, result, note, checks, encounter"
        )
        old_db.execute(
            f"INSERT INTO administration ({columns}) VALUES ({', '.join('?' * 13)})",
            connection.execute(f"SELECT {columns} FROM administration").fetchone(),
        )
        old_db.executemany(
            "INSERT INTO claim_line VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            connection.execute(
                "SELECT administration_id, line, hcpcs, modifiers, units, ndc, ndc_unit, "
                "ndc_quantity FROM claim_line"
            ).fetchall(),
        )
        old_db.execute("PRAGMA user_version = 1")
        old_db.commit()
        old_db.close()
    before = AdministrationLog(old)
    assert [(s.id, s.corrects, s.workstation, s.lines) for s in before.recent()] == [
        (1, None, None, "J2323 × 250; J2323-JW × 50")
    ]
    assert [row[16:] for row in before.csv_rows()] == [(None, None, None)] * 2
    entry = save(
        calc_for("300 mg"), path=old, corrects=1
    )  # the save migrates the file to format 2, once
    after = AdministrationLog(old)
    assert [(s.id, s.corrects, s.corrected_by) for s in after.recent()] == [
        (1, None, 2),
        (2, 1, None),
    ]
    assert entry_in(after, entry.id)["uuid"] == entry.uuid and entry_in(after, 1)["uuid"] is None
    assert (
        len(list(after.csv_rows())) == 3
    )  # the old entry's lines (payment read from its result) and the new one


def test_the_report_reads_a_corrected_entry_once_through_its_correction(
    any_log: Path | CenterLog,
) -> None:
    first = save(calc_for("250 mg"), path=any_log)
    second = save(calc_for("300 mg"), path=any_log, corrects=first.id)
    other = save(calc_for("100 mg"), path=any_log)
    assert [row[0] for row in AdministrationLog(any_log).report_rows()] == [second.id, other.id]
