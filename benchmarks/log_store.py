"""The administration log on both back ends: saves per second (1 and 8 writers), and the log
commands over 100,000 entries (`log list --all`, `log export` as CSV and as JSON).

PostgreSQL is a throwaway cluster from the installed server binaries (tests/pg_server.py),
on this machine's loopback, fsync on; SQLite is a file in a temporary folder (WAL,
synchronous=FULL). Writers are forked processes saving 250 mg of natalizumab, each save its
own transaction (SQLite: its own connection, as each CLI save; PostgreSQL: one connection
per writer, as the app keeps it), timed from when every writer is ready. The 100,000 entries are
copies of one saved entry, made in SQL. Each command is a fresh `python -m infusion_calc` process
writing to /dev/null; its wall time and its own peak memory (wait4) are reported.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.report import Figure

if TYPE_CHECKING:  # types only: each figure imports what it times inside itself
    from infusion_calc.log import CenterLog
    from tests import pg_server

ROOT = Path(__file__).resolve().parent.parent
BACK_ENDS = ("sqlite", "postgresql")
COMMANDS = {
    "log list --all": ("list", "--all"),
    "log export csv": ("export", "--format", "csv"),
    "log export json": ("export", "--format", "json"),
}
FIGURE_NAMES = tuple(
    name
    for back_end in BACK_ENDS
    for name in (
        f"log saves {back_end} 1w",
        f"log saves {back_end} 8w",
        *(f"{command} {back_end}" for command in COMMANDS),
    )
)
"""In the order printed: per back end, its saves, then its commands."""
_COPIES = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})"
    " INSERT INTO administration (uuid, workstation, corrects, saved_at, tool_version, drug, "
    "hcpcs, dose, administered_units, discarded_units, patient_id, inputs, result, note, checks, "
    "encounter, line_summary) SELECT 'copy-' || n.i, a.workstation, NULL, {saved_at}, "
    "a.tool_version, a.drug, a.hcpcs, a.dose, a.administered_units, a.discarded_units, "
    "a.patient_id, a.inputs, a.result, a.note, a.checks, a.encounter, a.line_summary"
    " FROM administration a, n WHERE a.id = 1"
)
# One saved minute apart, so every entry's time is its
# own (as in a real log) and converted on its own.
_SQLITE_MINUTES = "strftime('%Y-%m-%dT%H:%M:%S+00:00', '2026-01-01', '+' || n.i || ' minutes')"
_POSTGRES_MINUTES = (
    "to_char(timestamp '2026-01-01' + n.i * interval '1 minute', "
    '\'YYYY-MM-DD"T"HH24:MI:SS"+00:00"\')'
)
_LINES = (
    "INSERT INTO claim_line (administration_id, line, hcpcs, modifiers, units, ndc, ndc_unit, "
    "ndc_quantity, medicare_payment) SELECT a.id, l.line, l.hcpcs, l.modifiers, l.units, l.ndc, "
    "l.ndc_unit, l.ndc_quantity, l.medicare_payment FROM administration a, claim_line l WHERE "
    "a.id > 1 AND l.administration_id = 1"
)


def _writer(location: Path | CenterLog, count: int, ready: int, go: int) -> None:
    from infusion_calc.core.calculation.engine import calculate
    from infusion_calc.core.calculation.request import CalcRequest
    from infusion_calc.loading import packaged_catalog
    from infusion_calc.log import save
    from infusion_calc.log.postgres_log import _connections

    _connections.clear()  # the parent's connection stays the parent's
    calc = calculate(packaged_catalog(), CalcRequest("250 mg"))
    os.write(ready, b".")
    os.read(go, 1)  # every writer starts at once, its start-up done
    for _ in range(count):
        save(calc, path=location, note="Natalizumab 250 mg IV.")


def _saves_per_second(location: Path | CenterLog, writers: int, count: int) -> float:
    """Saves per second from the moment every writer is ready to the last one's end."""
    ready_read, ready = os.pipe()
    go_read, go = os.pipe()
    pids = []
    for _ in range(writers):
        pid = os.fork()
        if pid == 0:
            try:
                _writer(location, count, ready, go_read)
            finally:
                os._exit(0)
        pids.append(pid)
    for _ in range(writers):
        os.read(ready_read, 1)
    started = time.perf_counter()
    os.write(go, b"." * writers)
    for pid in pids:
        os.waitpid(pid, 0)
    for descriptor in (ready_read, ready, go_read, go):
        os.close(descriptor)
    return writers * count / (time.perf_counter() - started)


def _fill(location: Path | CenterLog, entries: int) -> None:
    """`entries` in all: copies of the first, with their claim lines, in one transaction."""
    if isinstance(location, Path):
        import sqlite3

        with sqlite3.connect(location) as connection:
            connection.execute("DELETE FROM claim_line WHERE administration_id > 1")
            connection.execute("DELETE FROM administration WHERE id > 1")
            connection.execute(_COPIES.format(count=entries - 1, saved_at=_SQLITE_MINUTES))
            connection.execute(_LINES)
        return
    from infusion_calc.log.postgres_log import _connection

    postgres = _connection(location)
    with postgres.transaction():
        postgres.execute("DELETE FROM claim_line WHERE administration_id > 1")
        postgres.execute("DELETE FROM administration WHERE id > 1")
        postgres.execute(_COPIES.format(count=entries - 1, saved_at=_POSTGRES_MINUTES))
        postgres.execute(_LINES)
    postgres.execute("VACUUM ANALYZE administration")
    postgres.execute("VACUUM ANALYZE claim_line")


def _command(env: dict[str, str], *args: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MB of one
    `infusion-calc log ...` process (CPU moves less with load).

    The peak is the process's own high-water mark (VmHWM), read as it runs: getrusage's maxrss of a
    child counts the memory of this (large) process
    it was forked from before it started the command.
    """
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "infusion_calc", "log", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak_kb = 0
    while True:
        peak_kb = max(peak_kb, _high_water_kb(process.pid))
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        time.sleep(0.005)
    wall = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(
            f"log {' '.join(args)} failed: "
            f"{process.stderr.read().decode() if process.stderr else ''}"
        )
    return wall, usage.ru_utime + usage.ru_stime, peak_kb / 1024


def _high_water_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            return next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), 0)
    except OSError:
        return 0


def log_figures(quick: bool) -> list[Figure]:
    sys.path.insert(0, str(ROOT))
    from infusion_calc.log import CenterLog, save  # noqa: F401
    from tests import pg_server

    entries, saves = (2_000, 10) if quick else (100_000, 200)
    figures: list[Figure] = []
    binaries, why = pg_server.find_binaries()
    cluster = pg_server.Cluster(binaries) if binaries else None
    with tempfile.TemporaryDirectory(prefix="infusion-calc-log-bench-") as folder:
        try:
            if cluster:
                cluster.start()
                os.environ["PGPASSWORD"] = pg_server.PASSWORD
            for back_end in BACK_ENDS:
                if back_end == "postgresql" and cluster is None:
                    figures += [
                        Figure(name, "n/a", "", False, why)
                        for name in FIGURE_NAMES
                        if back_end in name
                    ]
                    continue
                figures += _back_end_figures(back_end, cluster, Path(folder), entries, saves)
        finally:
            if cluster:
                cluster.close()
    return figures


def _back_end_figures(
    back_end: str, cluster: pg_server.Cluster | None, folder: Path, entries: int, saves: int
) -> list[Figure]:
    from infusion_calc.log import CenterLog

    env = {
        **os.environ,
        "INFUSION_CALC_DATA_DIR": str(folder / back_end),
        "INFUSION_CALC_CONFIG_DIR": str(folder / "config"),
    }
    env.pop("INFUSION_CALC_LOG_URL", None)
    location: Path | CenterLog = folder / back_end / "administrations.sqlite3"
    if back_end == "postgresql":
        assert cluster is not None, "a PostgreSQL figure needs the test cluster"
        location = CenterLog(cluster.url("log_owner"))
        env["INFUSION_CALC_LOG_URL"] = location.url
    figures = []
    for writers in (1, 8):
        rate = _saves_per_second(location, writers, saves if writers == 1 else max(saves // 4, 5))
        figures.append(
            Figure(
                f"log saves {back_end} {writers}w",
                f"{rate:,.0f} saves/s",
                "≥ 50/s",
                rate >= 50,
                f"{writers} writer{'s' * (writers > 1)} started together, "
                "each save one transaction",
            )
        )
    _fill(location, entries)
    for name, args in COMMANDS.items():
        wall, cpu, peak = _command(env, *args)
        figures.append(
            Figure(
                f"{name} {back_end}",
                f"{wall:.2f} s",
                "≤ 1.5 s",
                wall <= 1.5,
                f"{entries:,} entries, CPU {cpu:.2f} s, peak {peak:.0f} MB",
            )
        )
    return figures
