"""The log stays private beyond a fresh default, and reads on a read-only disk.

Whatever the umask, every folder the app creates is 0700; a log folder or file found
readable by others is made private and the user is told; one that belongs to another
user is refused. `log list` reads a log on a read-only mount, where SQLite cannot
create the -shm file a WAL reader normally needs.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from infusion_calc.locations import make_private_dirs

LOG = "administrations.sqlite3"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def cli(
    arguments: list[str], data: Path, umask: int | None = None, wrap: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = os.environ | {
        "INFUSION_CALC_DATA_DIR": str(data),
        "INFUSION_CALC_CONFIG_DIR": str(data.parent / "config"),
    }
    return subprocess.run(
        [*(wrap or []), sys.executable, "-m", "infusion_calc", *arguments],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )


def save(
    data: Path, dose: str = "300 mg", umask: int | None = None
) -> subprocess.CompletedProcess[str]:
    return cli(["calc", "--dose", dose, "--save"], data, umask)


def test_under_umask_000_every_folder_created_is_0700_and_every_file_0600(tmp_path: Path) -> None:
    data = tmp_path / "a" / "b" / "data"
    done = save(data, umask=0o000)
    assert done.returncode == 0, done.stderr
    for folder in (tmp_path / "a", tmp_path / "a" / "b", data):
        assert mode(folder) == 0o700, folder
    for file in data.iterdir():
        assert mode(file) == 0o600, file


def test_make_private_dirs_ignores_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        make_private_dirs(tmp_path / "x" / "y")
    finally:
        os.umask(old)
    assert mode(tmp_path / "x") == mode(tmp_path / "x" / "y") == 0o700


def test_a_log_others_can_read_is_made_private_before_the_next_save_and_the_user_told(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    assert save(data).returncode == 0
    os.chmod(data, 0o755)
    os.chmod(data / LOG, 0o644)
    stale_wal = data / f"{LOG}-wal"
    stale_wal.write_bytes(b"")  # an old -wal left readable by others
    os.chmod(stale_wal, 0o644)
    done = save(data, "250 mg")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning: ")]
    assert any(
        "log folder" in line and "(mode 755); made it private (700)" in line for line in warnings
    )
    assert any(
        f"{LOG} could be read by other users (mode 644); made it private (600)" in line
        for line in warnings
    )
    assert mode(data) == 0o700
    for file in data.iterdir():
        assert mode(file) == 0o600, file
    assert done.stderr.splitlines()[-1].startswith("saved: administration log entry 2 ")


def test_reading_a_log_others_can_read_makes_it_private_saying_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert save(data).returncode == 0
    os.chmod(data / LOG, 0o640)
    done = cli(["log", "list"], data)
    assert done.returncode == 0
    assert "(mode 640); made it private (600)" in done.stderr
    assert mode(data / LOG) == 0o600


@pytest.mark.skipif(
    os.geteuid() != 0, reason="giving the folder to another user needs root (chown)"
)
def test_a_log_folder_of_another_user_is_refused_and_nothing_saved(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    os.chown(data, 65534, 65534)
    done = save(data)
    assert done.returncode == 1
    assert "belongs to another user" in done.stderr and "NOT saved" in done.stderr
    assert not (data / LOG).exists()


# -- a read-only disk ----------------------------------------------------------------------


def read_only_mount() -> list[str] | None:
    """A command prefix running the rest with `$DIR` bind-mounted read-only,
    or None where that is impossible."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    probe = subprocess.run([unshare, "-rm", "true"], capture_output=True, timeout=10)
    return (
        [
            unshare,
            "-rm",
            "sh",
            "-c",
            'mount --bind "$DIR" "$DIR" && mount -o remount,ro,bind "$DIR" && exec "$@"',
            "sh",
        ]
        if probe.returncode == 0
        else None
    )


READ_ONLY = read_only_mount()
needs_read_only_mount = pytest.mark.skipif(
    READ_ONLY is None, reason="needs unshare -rm (user namespaces) for a read-only mount"
)


def list_read_only(data: Path) -> subprocess.CompletedProcess[str]:
    os.environ["DIR"] = str(data)
    try:
        return cli(["log", "list"], data, wrap=READ_ONLY)
    finally:
        del os.environ["DIR"]


@needs_read_only_mount
def test_log_list_reads_a_log_on_a_read_only_mount(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for dose in ("300 mg", "250 mg"):
        assert save(data, dose).returncode == 0
    assert not (
        data / f"{LOG}-shm"
    ).exists()  # cleanly closed: the case SQLite cannot open read-only
    done = list_read_only(data)
    assert done.returncode == 0, done.stderr
    assert "300 mg" in done.stdout and "250 mg" in done.stdout
    assert done.stderr == ""


@needs_read_only_mount
def test_log_list_on_a_read_only_mount_sees_saves_still_in_the_wal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert save(data, "300 mg").returncode == 0
    # Another reader keeps the WAL from being folded into the database, then dies with it (kill -9).
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sqlite3, sys, time\n"
                f"c = sqlite3.connect({str(data / LOG)!r}); c.execute('SELECT 1 FROM "
                "administration').fetchall()\nprint('ready', flush=True); time.sleep(120)\n"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "ready"
        assert save(data, "250 mg").returncode == 0
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    assert (data / f"{LOG}-wal").stat().st_size > 0
    done = list_read_only(data)
    assert done.returncode == 0, done.stderr
    assert "300 mg" in done.stdout and "250 mg" in done.stdout
    with sqlite3.connect(data / LOG) as connection:  # and the log is intact afterwards
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_the_apps_save_tells_the_nurse_when_it_made_the_log_private(
    isolated_user_dirs: Path,
) -> None:
    from infusion_calc.loading import packaged_catalog
    from infusion_calc.tui.actions import save_to_log
    from infusion_calc.tui.calculator import Calculator
    from infusion_calc.tui.state import FormValues

    data = isolated_user_dirs / "data"
    calculator = Calculator(packaged_catalog())
    result = calculator.evaluate(FormValues(drug="J2323", dose="300 mg")).result
    assert result is not None
    assert save_to_log(result).ok
    os.chmod(data, 0o755)
    delivery = save_to_log(result)
    assert delivery.ok and "Saved as entry 2" in delivery.message
    assert "(mode 755); made it private (700)" in delivery.message
    assert mode(data) == 0o700


def test_a_shared_sticky_folder_is_refused_not_closed_to_everyone(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)  # as /tmp is
    done = save(shared)
    assert done.returncode == 1
    assert "shared folder" in done.stderr and "NOT saved" in done.stderr
    assert mode(shared) == 0o1777
