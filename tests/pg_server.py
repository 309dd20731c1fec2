"""A throwaway PostgreSQL cluster for the log tests, made with the installed server binaries.

`.ci/run` installs Debian's `postgresql`; locally any installed server works. The cluster
lives in a temporary folder, listens on 127.0.0.1 (a free port) and a socket in that folder
only, and is removed at the end. As root (CI, this machine) the server runs as the
`postgres` user, since PostgreSQL refuses to run as root.

Roles: `postgres` (superuser, trusted over the socket only, used to set up and inspect),
`log_owner` (owns the tables, runs the migrations) and `workstation` (INSERT and SELECT
only, as README tells a center), both with passwords over TCP (scram), so a wrong password
is a real refusal.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PASSWORD = "s3cret-Pa55"
"""The roles' password in the tests; a test checks it never appears in any output."""


def find_binaries() -> tuple[Path | None, str]:
    """The folder holding initdb and pg_ctl, or None and why not."""
    for pattern in ("/usr/lib/postgresql/*/bin",):
        for folder in sorted(glob.glob(pattern), reverse=True):
            if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
                return Path(folder), ""
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).resolve().parent, ""
    return (
        None,
        "no PostgreSQL server binaries (initdb, pg_ctl) installed: "
        "apt-get install postgresql (.ci/run does)",
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Cluster:
    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.root = Path(tempfile.mkdtemp(prefix="infusion-calc-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_user: str | None = None
        if os.geteuid() == 0:  # the server refuses root: run it as the packaged `postgres` user
            self.as_user = "postgres"
            os.chmod(self.root, 0o755)
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        argv = [str(self.binaries / command[0]), *command[1:]]
        if self.as_user:
            argv = ["runuser", "-u", self.as_user, "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, check=check, cwd=self.root)

    def start(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = "
                f"'{self.root}'\nfsync = on\nmax_connections = 60\nshared_buffers = "
                "32MB\nlog_min_messages = fatal\n"
            )
        self.start_server()
        self.sql("CREATE DATABASE center")
        self.sql(
            f"CREATE ROLE log_owner LOGIN PASSWORD '{PASSWORD}'; "
            f"CREATE ROLE workstation LOGIN PASSWORD '{PASSWORD}'"
        )
        self.sql(
            "ALTER DATABASE center OWNER TO log_owner; "
            "GRANT CONNECT ON DATABASE center TO workstation"
        )

    def start_server(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-w",
            "-t",
            "30",
            "start",
        )

    def stop_server(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop", check=False)

    def restart(self, mode: str = "immediate") -> None:
        """Stop at once (an immediate stop is a crash to the clients), then start again."""
        self.stop_server(mode)
        self.start_server()

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Run SQL as the superuser over the socket; the text psql prints
        (unaligned, tuples only)."""
        done = subprocess.run(
            [
                "psql" if not (self.binaries / "psql").exists() else str(self.binaries / "psql"),
                "-h",
                str(self.root),
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-qAtc",
                statement,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    def url(self, role: str = "workstation", database: str = "center", **params: str) -> str:
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return f"postgresql://{role}@127.0.0.1:{self.port}/{database}" + (
            f"?{query}" if query else ""
        )

    def grant_workstation(self) -> None:
        """What README tells a center to run once the tables exist:
        INSERT and SELECT, nothing else."""
        self.sql(
            "GRANT USAGE ON SCHEMA public TO workstation; GRANT SELECT, "
            "INSERT ON ALL TABLES IN SCHEMA public TO workstation",
            database="center",
        )

    def reset(self) -> None:
        """An empty center log (the tables dropped), for a test that needs a fresh one."""
        self.sql(
            "DROP SCHEMA public CASCADE; CREATE SCHEMA public AUTHORIZATION log_owner",
            database="center",
        )

    def close(self) -> None:
        self.stop_server("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def wait_until_accepting(cluster: Cluster, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            cluster.sql("SELECT 1")
            return
        except subprocess.CalledProcessError:
            time.sleep(0.1)
    raise RuntimeError("the test PostgreSQL server did not come back")
