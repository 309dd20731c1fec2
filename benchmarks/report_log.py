"""`infusion-calc report` over a log of 100,000 entries: wall time from process start to exit.

The log is built like a real one, only faster: 2,000 distinct calculations (the engine
benchmark's ten orders with patients' weights, heights and BSAs drawn at random, seeded),
each saved with its checks and an encounter, in one transaction; then copied in SQL to
100,000 entries, each copy with its own date given over 2026 (so months and quarters vary;
the packaged 2026Q1 prices the first quarter, the rest is saved without a payment as it
would be). Fixed doses and common weights repeat in a real log too.
"""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from benchmarks.report import Figure, interleaved_medians
from benchmarks.scenarios import SCENARIOS
from benchmarks.startup import cli_command
from infusion_calc.core.calculation.request import CalcRequest

TARGET_S = 2.0
DISTINCT = 2_000


def _varied(request: CalcRequest, rng: random.Random) -> CalcRequest:
    weight = request.weight
    if weight and weight.endswith("kg"):
        weight = f"{rng.uniform(45, 120):.1f} kg"
    elif weight:
        weight = f"{rng.randint(100, 260)} lb"
    return replace(
        request,
        weight=weight,
        height=f"{rng.randint(150, 195)} cm" if request.height else None,
        bsa=f"{rng.uniform(1.4, 2.3):.2f} m2" if request.bsa else None,
    )


def build_log(path: Path, entries: int, seed: int = 24) -> Path:
    from infusion_calc.core.calculation.engine import calculate
    from infusion_calc.core.calculation.payment import with_payment
    from infusion_calc.core.checks.checks import run_checks
    from infusion_calc.core.record.encounter import Encounter
    from infusion_calc.core.record.encounter_values import Payer
    from infusion_calc.loading import Context
    from infusion_calc.log.record import record_for
    from infusion_calc.log.schema import MIGRATIONS, SCHEMA_VERSION, NewEntry, write_entry

    rng = random.Random(seed)
    context = Context()
    catalog, quarters, rules = context.catalog, context.quarters, context.rules
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("BEGIN")
    for migration in MIGRATIONS:
        for statement in migration.sqlite:
            connection.execute(statement)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    for index in range(min(DISTINCT, entries)):
        day = date(2026, 1 + index % 3, 1 + index % 28)  # each distinct one priced in 2026Q1
        calc = with_payment(
            calculate(catalog, _varied(SCENARIOS[index % len(SCENARIOS)], rng)), quarters, day
        )
        encounter = Encounter(
            given_at=datetime(day.year, day.month, day.day, 9), payer=Payer.MEDICARE
        )
        checks = run_checks(calc, encounter, catalog=catalog, rules=rules)
        record = record_for(
            calc, "chart note " * 150, checks, {"given_at": f"{day} 09:00", "payer": "medicare"}
        )
        write_entry(
            lambda sql, parameters: connection.execute(sql, parameters).fetchall(),
            lambda sql, rows: None if connection.executemany(sql, rows) else None,
            NewEntry(record, f"bench-{index}", "benchmark", "2026-01-01T12:00:00+00:00"),
        )
    # Copies, each with its own date given over the year (a distinct encounter text per entry).
    copies = entries - min(DISTINCT, entries)
    connection.execute(
        f"""INSERT INTO administration (saved_at, tool_version, drug, hcpcs, dose,
               administered_units, discarded_units, patient_id, inputs, result, note, checks,
               encounter)
           WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {copies})
           SELECT saved_at, tool_version, drug, hcpcs, dose, administered_units, discarded_units,
                  patient_id, inputs, result, note, checks,
                  json_set(encounter, '$.given_at',
                           date('2026-01-01', '+' || (i % 365) || ' days') || ' 09:00')
           FROM n JOIN administration a ON a.id = 1 + (n.i % {min(DISTINCT, entries)})"""
    )
    connection.execute("COMMIT")
    connection.close()
    return path


def report_time(entries: int, workdir: Path, repeats: int) -> Figure:
    """Median wall time (the figure) and CPU time
    (beside it: it moves less when others share the machine)."""
    data = workdir / f"report-{entries}"
    data.mkdir(exist_ok=True)
    if not (data / "administrations.sqlite3").exists():
        build_log(data / "administrations.sqlite3", entries)
    command = [
        *cli_command(),
        "report",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
        "--round-within",
        "10",
        "--format",
        "json",
    ]
    environment = {**os.environ, "INFUSION_CALC_DATA_DIR": str(data)}
    result = subprocess.run(
        command, env=environment, capture_output=True, text=True, check=True
    )  # warm: caches, OS file cache
    counted = f'"administrations": {entries},' in result.stdout
    previous = os.environ.get("INFUSION_CALC_DATA_DIR")
    os.environ["INFUSION_CALC_DATA_DIR"] = str(data)
    try:
        wall, cpu = interleaved_medians({"report": command}, repeats)["report"]
    finally:
        if previous is None:
            del os.environ["INFUSION_CALC_DATA_DIR"]
        else:
            os.environ["INFUSION_CALC_DATA_DIR"] = previous
    detail = (
        f"{entries:,} log entries, all in the period, --round-within 10 --format json; median of "
        f"{repeats}, process start to exit; CPU {cpu:.2f} s"
    )
    if not counted:
        detail += "; UNEXPECTED: the report did not count every entry"
    return Figure(
        "report over the log",
        f"{wall:.2f} s",
        f"< {TARGET_S:g} s",
        wall < TARGET_S and counted,
        detail,
    )
