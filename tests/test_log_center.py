"""A center log on a real PostgreSQL server, through the CLI as a workstation runs it.

The password is in PGPASSWORD only, and must appear in no output. Refusals (a wrong password,
an unreachable host, TLS required by the client but not offered by the server) are one
`error:` line and exit 2 for the log commands; the role README tells a center to create
(INSERT and SELECT only) is enough for saving and reading, and cannot change an entry.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Generator
from pathlib import Path

import pytest

from infusion_calc.log import AdministrationLog, CenterLog
from tests import pg_server
from tests.saved_entries import entry_in


def cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infusion_calc", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def refused(done: subprocess.CompletedProcess[str]) -> str:
    """The one error line, after checking it is the only thing said."""
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr and pg_server.PASSWORD not in done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


def test_saves_from_the_cli_are_listed_on_another_workstation_with_the_restricted_role(
    center_log: CenterLog, pg_cluster: pg_server.Cluster
) -> None:
    owner = {"INFUSION_CALC_LOG_URL": center_log.url}
    setup = cli("log", "migrate", "--to", center_log.url)  # the owner sets the log up once
    assert setup.returncode == 0 and "Copied 0 entries" in setup.stdout, setup.stderr
    pg_cluster.grant_workstation()
    nurse = {"INFUSION_CALC_LOG_URL": pg_cluster.url("workstation")}
    saved = cli("calc", "--dose", "250 mg", "--save", env=nurse)
    assert (
        saved.returncode == 0
        and "saved: administration log entry 1 (postgresql://workstation@" in saved.stderr
    )
    corrected = cli("calc", "--dose", "300 mg", "--save", "--corrects", "1", env=nurse)
    assert corrected.returncode == 0, corrected.stderr
    listing = cli("log", "list", env=owner)  # another workstation, another role
    assert "(corrected by #2)" in listing.stdout and "(corrects #1)" in listing.stdout
    shown = cli("log", "show", "2", env=nurse)
    assert "Corrects       entry 1" in shown.stdout and "Chain          1 → [2]" in shown.stdout
    for statement in (
        "UPDATE administration SET dose = '1 mg'",
        "DELETE FROM claim_line",
        "DROP TABLE claim_line",
    ):
        denied = subprocess.run(
            ["psql", pg_cluster.url("workstation"), "-c", statement],
            capture_output=True,
            text=True,
            env={**os.environ, "PGPASSWORD": pg_server.PASSWORD},
        )
        assert "permission denied" in denied.stderr or "must be owner" in denied.stderr, statement


def test_log_migrate_copies_a_workstation_log_once_however_often_it_runs(
    center_log: CenterLog,
) -> None:
    for dose in ("100 mg", "200 mg", "300 mg"):
        assert cli("calc", "--dose", dose, "--save").returncode == 0  # the local SQLite log
    assert cli("calc", "--dose", "310 mg", "--save", "--corrects", "3").returncode == 0
    first = cli("log", "migrate", "--to", center_log.url)
    again = cli("log", "migrate", "--to", center_log.url)
    assert "Copied 4 entries" in first.stdout and "0 were there already" in first.stdout, (
        first.stderr
    )
    assert "Copied 0 entries" in again.stdout and "4 were there already" in again.stdout
    center = AdministrationLog(center_log)
    assert [s.dose for s in center.recent()] == ["100 mg", "200 mg", "300 mg", "310 mg"]
    assert [s.corrects for s in center.recent()] == [None, None, None, 3]
    assert len(list(center.csv_rows())) == len(list(AdministrationLog().csv_rows()))


@pytest.mark.parametrize(
    "problem", ["wrong password", "unreachable host", "TLS refused", "password in the URL"]
)
def test_a_center_log_that_refuses_is_one_error_line_exit_2_no_secret(
    center_log: CenterLog, pg_cluster: pg_server.Cluster, problem: str
) -> None:
    assert cli("log", "migrate", "--to", center_log.url).returncode == 0
    url, env = center_log.url, {}
    if problem == "wrong password":
        env["PGPASSWORD"] = "not-the-" + pg_server.PASSWORD
    elif problem == "unreachable host":
        url = "postgresql://log_owner@127.0.0.1:1/center"
    elif problem == "TLS refused":
        url += "?sslmode=require"
    else:
        url = url.replace("log_owner@", f"log_owner:{pg_server.PASSWORD}@")
    env["INFUSION_CALC_LOG_URL"] = url
    for command in (
        ("log", "list"),
        ("log", "export", "--format", "json"),
        ("log", "migrate", "--to", url),
    ):
        line = refused(cli(*command, env=env))
        expected = {
            "wrong password": "password authentication failed",
            "unreachable host": "Connection refused",
            "TLS refused": "SSL was required",
            "password in the URL": "holds a password",
        }[problem]
        assert expected in line, line
    saving = cli(
        "calc", "--dose", "300 mg", "--save", env=env
    )  # a save: exit 1, the log refused it (README)
    assert saving.returncode == 1 and saving.stdout == "" and "Traceback" not in saving.stderr
    assert pg_server.PASSWORD not in saving.stderr and saving.stderr.startswith("error: ")


def test_the_password_can_come_from_a_pgpass_file_as_for_any_libpq_client(
    center_log: CenterLog,
    pg_cluster: pg_server.Cluster,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from infusion_calc.log import save
    from infusion_calc.log.postgres_log import forget_connection

    monkeypatch.delenv("PGPASSWORD")
    forget_connection(center_log)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{pg_cluster.port}:center:log_owner:{pg_server.PASSWORD}\n")
    pgpass.chmod(0o600)  # libpq ignores a password file others can read
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    from infusion_calc.core.calculation.engine import calculate
    from infusion_calc.core.calculation.request import CalcRequest
    from infusion_calc.loading import packaged_catalog

    save(calculate(packaged_catalog(), CalcRequest("300 mg")), path=center_log)
    assert AdministrationLog(center_log).count() == 1


def test_a_save_in_one_thread_while_another_reads_commits_on_its_own(
    center_log: CenterLog, pg_cluster: pg_server.Cluster
) -> None:
    """The app saves in a worker thread while its form may be reading the log:
    two connections, two transactions."""
    import threading

    from infusion_calc.core.calculation.engine import calculate
    from infusion_calc.core.calculation.request import CalcRequest
    from infusion_calc.loading import packaged_catalog
    from infusion_calc.log import save

    calc = calculate(packaged_catalog(), CalcRequest("300 mg"))
    save(calc, path=center_log)
    reading = AdministrationLog(center_log).recent(None)
    assert isinstance(reading, Generator)  # closed by hand below, as the app's list does
    next(reading)  # a read in progress: its transaction is open on this thread's connection
    saver = threading.Thread(target=lambda: save(calc, path=center_log))
    saver.start()
    saver.join()
    assert (
        pg_cluster.sql("SELECT count(*) FROM administration", database="center") == "2"
    )  # committed, seen elsewhere
    reading.close()


def test_the_site_configs_log_url_names_the_center_log(
    center_log: CenterLog, isolated_user_dirs: Path
) -> None:
    config = isolated_user_dirs / "config"
    config.mkdir(exist_ok=True)
    (config / "config.toml").write_text(
        f'[log]\nurl = "{center_log.url}"\nworkstation = "pharmacy"\n', encoding="utf-8"
    )
    assert cli("log", "path").stdout.strip() == center_log.url
    assert cli("calc", "--dose", "300 mg", "--save").returncode == 0
    entry = entry_in(AdministrationLog(center_log), 1)
    assert entry is not None and entry["workstation"] == "pharmacy"
    (config / "config.toml").write_text(
        f'[log]\nurl = "{center_log.url.replace("@", ":" + pg_server.PASSWORD + "@")}"\n'
    )
    line = refused(cli("log", "list"))
    assert "[log] url in the site config" in line and "holds a password" in line
