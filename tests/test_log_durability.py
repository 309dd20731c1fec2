"""The log survives a killed process, and two workstation terminals saving at once both land.

A child process saves in a loop and prints each id only after `save()` has returned
(commit done). The parent kills it with SIGKILL at a random moment, many times over,
then checks the database is intact and holds every id that was reported.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from infusion_calc.log import default_log_path
from tests.pipes import stdin_of, stdout_of

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")

SAVER = """
import sys
from infusion_calc.core.record.check_types import Check, Severity
from infusion_calc.loading import packaged_catalog
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.calculation.engine import calculate
from infusion_calc.log import save

import infusion_calc.core.pipeline.site_config, infusion_calc.log.record  # save() imports these \
on first use:
# loaded before "ready", the parent's kill lands in a save rather than in an import.

calc = calculate(packaged_catalog(), CalcRequest("250 mg"))
print("ready", flush=True)
if len(sys.argv) > 1:  # wait for the parent's go, so two savers start together
    sys.stdin.readline()
count = int(sys.argv[1]) if len(sys.argv) > 1 else 10**9
for _ in range(count):
    entry = save(calc, note="chart text " * 20, checks=[Check("C", Severity.INFO, "m")])
    print(entry.id, flush=True)
"""

KILL_ROUNDS = 8


def saver(*args: str, stdin: int | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", SAVER, *args],
        stdout=subprocess.PIPE,
        stdin=stdin,
        text=True,
        env=os.environ.copy(),
    )


def reported_ids(output: str) -> list[int]:
    """Ids from complete lines only: a line cut by the kill was never reported."""
    return [
        int(line)
        for line in output.splitlines(keepends=True)
        if line.endswith("\n") and line.strip().isdigit()
    ]


def stored(connection: sqlite3.Connection) -> dict[int, int]:
    """id -> number of claim lines, for every saved entry."""
    rows = connection.execute(
        "SELECT a.id, count(l.line) FROM administration a LEFT JOIN claim_line l ON "
        "l.administration_id = a.id GROUP BY a.id"
    )
    return dict(rows.fetchall())


def test_sigkill_at_random_points_loses_no_reported_save_and_leaves_the_file_intact() -> None:
    seed = random.randrange(1 << 30)
    chance = random.Random(seed)
    reported: list[int] = []
    for _ in range(KILL_ROUNDS):
        child = saver()
        assert stdout_of(child).readline().strip() == "ready"
        time.sleep(chance.uniform(0.0, 0.2))  # somewhere in the middle of a save, most of the time
        child.send_signal(signal.SIGKILL)
        output = stdout_of(child).read()
        child.wait(timeout=10)
        reported.extend(reported_ids(output))

    assert reported, f"no save completed before any kill (seed {seed})"
    with sqlite3.connect(default_log_path()) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"seed {seed}"
        entries = stored(connection)
    missing = sorted(set(reported) - set(entries))
    assert not missing, f"saves reported done but not in the log: {missing} (seed {seed})"
    # one transaction per save: an entry is there with both its claim lines, or not at all
    assert set(entries.values()) == {2}, f"seed {seed}"


def test_two_processes_saving_at_once_both_land() -> None:
    per_process = 25
    children = [saver(str(per_process), stdin=subprocess.PIPE) for _ in range(2)]
    for child in children:
        assert stdout_of(child).readline().strip() == "ready"
    for child in children:  # both start on a log that does not exist yet
        stdin_of(child).write("go\n")
        stdin_of(child).flush()
    outputs = [child.communicate(timeout=60)[0] for child in children]
    assert [child.returncode for child in children] == [0, 0]

    ids = [reported_ids(output) for output in outputs]
    assert [len(batch) for batch in ids] == [per_process, per_process]
    assert not set(ids[0]) & set(ids[1])
    with sqlite3.connect(default_log_path()) as connection:
        assert set(stored(connection)) == set(ids[0]) | set(ids[1])
