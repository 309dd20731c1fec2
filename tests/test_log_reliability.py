"""What a shared log meets: many writers at once, a
workstation killed mid-save, the server restarting.

Workstations are forked from this process (each opens its own connection after the fork),
so hundreds of kills cost milliseconds each. A save is acknowledged when `save()` returned;
each workstation writes its acknowledgements to a file as they come, which survives its
SIGKILL. Identifiers are made per (workstation, n): a retry after a kill re-sends the one
in flight with the same identifier, as the app does after a failed save.

What must hold afterwards: every acknowledged save present exactly once with the id it was
acknowledged with; no entry without its claim lines; nothing saved that was never sent.
"""

from __future__ import annotations

import os
import random
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.loading import packaged_catalog
from infusion_calc.log import AdministrationLog, CenterLog, LogError, LogLocation, save
from tests import pg_server

NAMESPACE = uuid.UUID("0d8c7f0e-31a5-4a43-8d0e-6a8f3e9d2b11")


def identifier(workstation: str, n: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{workstation}/{n}"))


def acknowledged(acks: Path) -> dict[str, int]:
    """uuid -> id, from complete lines only (a kill can cut the last one)."""
    if not acks.exists():
        return {}
    lines = acks.read_text().split("\n")[:-1]
    return {uuid_: int(entry_id) for uuid_, entry_id in (line.split() for line in lines)}


def cut_torn_tail(acks: Path) -> None:
    """Drop an acknowledgement the kill cut mid-write, so the retry starts on a line of its own.

    A SIGKILL can cut `os.write` short where the line crosses a page boundary: the save was
    made, its acknowledgement was not, and the retry sends the same identifier again."""
    if acks.exists():
        text = acks.read_bytes()
        os.truncate(acks, text.rfind(b"\n") + 1)


def workstation(
    log: LogLocation,
    name: str,
    start: int,
    stop: int,
    acks: Path,
    timeout: float = 5.0,
    errors: Path | None = None,
    until: Path | None = None,
) -> None:
    """In a forked child: save n = start..stop-1 (or until the file `until` exists),
    acknowledging each; never returns."""
    from infusion_calc.log.postgres_log import _connections

    inherited = list(
        _connections.values()
    )  # the parent's socket: kept open (closing it would end the parent's session)
    _connections.clear()
    calc = calculate(packaged_catalog(), CalcRequest("250 mg"))
    descriptor = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    n = start
    while n < stop and not (until is not None and until.exists()):
        try:
            entry = save(
                calc,
                path=log,
                entry_uuid=identifier(name, n),
                encounter={"workstation": name},
                busy_timeout=timeout,
            )
        except LogError as error:
            if errors is None:
                os._exit(3)
            with open(errors, "a") as out:
                out.write(f"error: {error}\n")  # what the workstation shows: one line
            time.sleep(0.1)
            continue  # the retry: the same identifier
        os.write(descriptor, f"{entry.uuid} {entry.id}\n".encode())
        n += 1
    del inherited
    os._exit(0)


def fork(target: Callable[..., None], *args: Any, **kwargs: Any) -> int:
    pid = os.fork()
    if pid == 0:
        try:
            target(*args, **kwargs)
        finally:
            os._exit(4)
    return pid


def check_log(log: LogLocation, expected: dict[str, int]) -> None:
    """Exactly the acknowledged saves, each once, with its id, each with both its claim lines."""
    reader = AdministrationLog(log)
    saved = {}
    lines_per_entry: dict[int, int] = {}
    for row in reader.csv_rows():
        saved[row[16]] = row[0]
        lines_per_entry[row[0]] = lines_per_entry.get(row[0], 0) + 1
    assert (
        reader.count() == len(saved) == len(expected)
    )  # no entry without its lines, no duplicate, none missing
    assert saved == expected
    assert set(lines_per_entry.values()) == {
        2
    }  # 250 mg of natalizumab: J2323 and J2323-JW, never half of them


def test_eight_workstations_saving_500_each_at_once(center_log: CenterLog, tmp_path: Path) -> None:
    pids = [
        fork(
            workstation,
            center_log,
            f"pod-{k}",
            0,
            500,
            tmp_path / f"acks-{k}",
            errors=tmp_path / "errors",
        )
        for k in range(8)
    ]
    assert all(os.waitpid(pid, 0)[1] == 0 for pid in pids)
    assert not (tmp_path / "errors").exists(), (tmp_path / "errors").read_text()[:2000]
    expected = {}
    for k in range(8):
        acks = acknowledged(tmp_path / f"acks-{k}")
        assert len(acks) == 500
        expected.update(acks)
    check_log(center_log, expected)
    assert [s.dose for s in AdministrationLog(center_log).recent(3)] == [
        "250 mg"
    ] * 3  # `log list` from elsewhere


@pytest.mark.parametrize("rounds", [200])
def test_a_workstation_killed_mid_save_loses_nothing_acknowledged_and_duplicates_nothing(
    any_log: Path | CenterLog, tmp_path: Path, rounds: int
) -> None:
    acks = tmp_path / "acks"
    random.seed(25)
    for _ in range(rounds):
        cut_torn_tail(acks)
        start = len(
            acknowledged(acks)
        )  # the save in flight when it was killed is sent again: the retry
        pid = fork(workstation, any_log, "pod-1", start, start + 1000, acks)
        time.sleep(random.uniform(0.0, 0.06))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    cut_torn_tail(acks)
    start = len(acknowledged(acks))
    pid = fork(workstation, any_log, "pod-1", start, start + 1, acks)  # the last retry, not killed
    assert os.waitpid(pid, 0)[1] == 0
    check_log(any_log, acknowledged(acks))


def test_server_restarts_mid_run_lose_nothing_and_the_error_is_one_line(
    center_log: CenterLog, pg_cluster: pg_server.Cluster, tmp_path: Path
) -> None:
    errors, stop = tmp_path / "errors", tmp_path / "stop"
    pids = [
        fork(
            workstation,
            center_log,
            f"pod-{k}",
            0,
            10**6,
            tmp_path / f"acks-{k}",
            timeout=0.3,
            errors=errors,
            until=stop,
        )
        for k in range(2)
    ]
    saved_before = 0
    for _ in range(5):
        time.sleep(0.4)
        pg_cluster.restart("immediate")  # a crash, to the workstations
        saved = sum(len(acknowledged(tmp_path / f"acks-{k}")) for k in range(2))
        assert saved >= saved_before
        saved_before = saved
    time.sleep(1.0)  # saving again after the last restart: the retries succeed
    stop.touch()
    assert all(os.waitpid(pid, 0)[1] == 0 for pid in pids)
    expected = {}
    for k in range(2):
        acks = acknowledged(tmp_path / f"acks-{k}")
        assert len(acks) > 0
        expected.update(acks)
    assert len(expected) > saved_before  # saves went on after the last restart
    check_log(center_log, expected)
    shown = errors.read_text().splitlines() if errors.exists() else []
    assert shown, "no save met a restart: the test proved nothing"
    assert all(
        line.startswith("error: The center log postgresql://") and "Traceback" not in line
        for line in shown
    )


def test_a_center_log_url_in_the_environment_is_the_log_everything_reads(
    center_log: CenterLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infusion_calc.loading import Context

    monkeypatch.setenv("INFUSION_CALC_LOG_URL", center_log.url)
    location = Context().log_path
    assert location == CenterLog(center_log.url)
    save(
        calc_for := calculate(packaged_catalog(), CalcRequest("300 mg")),  # noqa: F841
        path=location,
    )
    assert AdministrationLog(Context().log_path).uses_by_code() == {"J2323": 1}
