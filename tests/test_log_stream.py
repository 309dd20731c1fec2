"""A big log: list and export stream row by row, in flat memory.

The test log has 20,001 entries (40,002 claim lines), copied in SQL from one real
save so it builds in a fraction of a second. The README records a run on a million.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import tracemalloc
from collections.abc import Iterable
from pathlib import Path

import pytest

from infusion_calc.cli import main
from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.loading import packaged_catalog
from infusion_calc.log import CSV_COLUMNS, AdministrationLog, LogLocation, save

COPIES = 20_000


@pytest.fixture
def big_log() -> LogLocation:
    entry = save(calculate(packaged_catalog(), CalcRequest("250 mg")), note="chart text")
    assert isinstance(entry.path, Path)  # the workstation's SQLite log
    with sqlite3.connect(entry.path) as connection:
        connection.execute(
            f"""INSERT INTO administration (saved_at, tool_version, drug, hcpcs, dose,
                   administered_units, discarded_units, patient_id, inputs, result, note, checks,
                   encounter)
               WITH RECURSIVE n(i) AS (
                   SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {COPIES}
               )
               SELECT saved_at, tool_version, drug, hcpcs, dose, administered_units,
                      discarded_units, patient_id, inputs, result, note, checks, encounter
               FROM administration, n WHERE id = 1"""
        )
        connection.execute(
            """INSERT INTO claim_line SELECT a.id, l.line, l.hcpcs, l.modifiers, l.units, l.ndc,
                      l.ndc_unit, l.ndc_quantity, l.medicare_payment
               FROM administration a, claim_line l WHERE a.id > 1 AND l.administration_id = 1"""
        )
    return entry.path


def peak_bytes(rows: Iterable[object]) -> tuple[int, int]:
    """(rows consumed, peak Python memory while consuming them)."""
    tracemalloc.start()
    try:
        count = sum(1 for _ in rows)
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_exports_stream_in_flat_memory(big_log: LogLocation) -> None:
    log = AdministrationLog()
    # ~6 MB of CSV rows and ~45 MB of JSON pass through; a copy held in memory would show here
    lines, peak = peak_bytes(log.csv_rows())
    assert lines == 2 * (COPIES + 1) and peak < 2_000_000
    entries, peak = peak_bytes(log.json_lines())
    assert entries == COPIES + 1 and peak < 2_000_000


def test_log_export_csv_writes_every_claim_line(
    big_log: LogLocation, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "log.csv"
    assert main(["log", "export", "--format", "csv", "--out", str(out)]) == 0
    with out.open(newline="") as stream:
        reader = csv.reader(stream)
        assert tuple(next(reader)) == CSV_COLUMNS
        first = next(reader)
        count = 1 + sum(1 for _ in reader)
    assert count == 2 * (COPIES + 1)
    assert (
        first[0] == "1"
        and first[CSV_COLUMNS.index("hcpcs")] == "J2323"
        and first[CSV_COLUMNS.index("ndc_quantity")] == "12.5"
    )
    assert out.stat().st_mode & 0o777 == 0o600


def test_log_export_json_is_one_valid_object_per_entry(
    big_log: LogLocation, tmp_path: Path
) -> None:
    out = tmp_path / "log.jsonl"
    assert main(["log", "export", "--format", "json", "--out", str(out)]) == 0
    with out.open(encoding="utf-8") as stream:
        first = json.loads(next(stream))
        last = None
        for last in stream:  # noqa: B007 (read to the end; the last line is kept)
            pass
    assert (
        first["id"] == 1
        and first["note"] == "chart text"
        and first["result"]["lines"][1]["modifiers"] == ["JW"]
    )
    assert last is not None and json.loads(last)["id"] == COPIES + 1


def test_log_list_shows_only_the_latest_entries(
    big_log: LogLocation, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["log", "list", "--limit", "3"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert [row.split()[0] for row in rows] == ["ID", str(COPIES - 1), str(COPIES), str(COPIES + 1)]
