"""The PostgreSQL back end: one center log that every workstation of a site saves to.

The tool's role needs INSERT and SELECT only: entries are never updated or deleted, and
a save that is retried finds its entry by the identifier made at the workstation
(`ON CONFLICT (uuid) DO NOTHING`), so a retry after a lost acknowledgement never makes a
second entry. Each save is one transaction: the entry and its claim lines, or nothing.

A save whose connection is lost (a server restart, a network drop) is retried on a new
connection, with the same identifier, until its timeout; refusals (a wrong password, TLS
required but not offered) are not retried. Secrets come from libpq's own places, never
from the URL (`location.py`); error messages are libpq's, which never repeat a password.

psycopg is imported on first use only, so a workstation on SQLite never loads it.
"""

from __future__ import annotations

import math
import os
import random
import threading
import time
from collections.abc import Generator
from typing import Any

import psycopg
from psycopg import capabilities
from psycopg.conninfo import conninfo_to_dict

from infusion_calc import __version__
from infusion_calc.log.errors import LogError
from infusion_calc.log.location import CenterLog
from infusion_calc.log.schema import MIGRATIONS, SCHEMA_VERSION, NewEntry, write_entry

LINES_FIELDS = (
    "(SELECT string_agg(hcpcs || chr(31) || modifiers || chr(31) || units, chr(30) ORDER BY line)"
    " FROM claim_line WHERE administration_id = a.id)"
)
LINE_PAYMENT = "(a.result::json -> 'lines' -> (l.line - 1) ->> 'medicare_payment')"

MIGRATION_LOCK = 0x1F0C_A1C0_0106
"""The advisory lock taken to migrate: workstations starting together migrate one at a time."""
CONNECT_TIMEOUT_S = 5
ROWS_PER_FETCH = 2000

# What a lost connection says (libpq's words): worth a new connection and another try.
_TRANSIENT = (
    "connection refused",
    "starting up",
    "shutting down",
    "server closed the connection",
    "terminating connection",
    "no connection to the server",
    "the connection is closed",
    "connection is lost",
    "could not receive data",
    "could not send data",
    "consuming input failed",
    "sending query",
    "eof detected",
    "connection reset",
    "timeout expired",
    "in recovery mode",
)

_connections: dict[tuple[str, int, int], psycopg.Connection[tuple[Any, ...]]] = {}
"""One connection per center log, process and thread, kept for the next save (the app saves many
times). Per thread: the app saves in a worker thread while it may read on another, and two
transactions must never share one connection; per process: a forked process never uses its
parent's."""


def _key(log: CenterLog) -> tuple[str, int, int]:
    return log.url, os.getpid(), threading.get_ident()


def one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text.removeprefix("connection failed: ").rstrip(".") or type(error).__name__


def _transient(error: BaseException) -> bool:
    text = str(error).lower()
    return any(words in text for words in _TRANSIENT)


def _connection(
    log: CenterLog, timeout: float = CONNECT_TIMEOUT_S
) -> psycopg.Connection[tuple[Any, ...]]:
    """This thread's connection to `log`, opened when there is none; a new one waits at most
    `timeout` seconds (libpq counts whole seconds, 2 at least) unless the URL or
    PGCONNECT_TIMEOUT says otherwise."""
    connection = _connections.get(_key(log))
    if connection is not None and not connection.closed:
        return connection
    extra: dict[str, Any] = {"application_name": "infusion-calc"}
    if "connect_timeout" not in conninfo_to_dict(log.url) and "PGCONNECT_TIMEOUT" not in os.environ:
        extra["connect_timeout"] = max(2, min(CONNECT_TIMEOUT_S, math.ceil(timeout)))
    connection = psycopg.connect(log.url, autocommit=True, **extra)
    _connections[_key(log)] = connection
    return connection


def forget_connection(log: CenterLog) -> None:
    connection = _connections.pop(_key(log), None)
    if connection is not None:
        try:
            connection.close()
        except Exception:  # closing a broken connection: nothing left to do
            pass


def _version(connection: psycopg.Connection[tuple[Any, ...]]) -> int:
    """The schema version the center log is at; 0 before the first migration."""
    exists = connection.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return 0
    row = connection.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def _newer(log: CenterLog, version: int) -> LogError:
    return LogError(
        f"The center log {log} was set up by a newer infusion-calc (log format {version}); "
        "update infusion-calc to use it."
    )


def migrate(log: CenterLog, connection: psycopg.Connection[tuple[Any, ...]]) -> None:
    """Bring the center log to SCHEMA_VERSION: each migration once, whole,
    one workstation at a time."""
    version = _version(connection)
    if version > SCHEMA_VERSION:
        raise _newer(log, version)
    if version == SCHEMA_VERSION:
        return
    try:
        with connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            # Another workstation may have migrated while this one waited. IF NOT EXISTS and
            # reading the table itself (not to_regclass, which may answer from this session's
            # catalog cache) see its work.
            connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                " applied_at TIMESTAMPTZ NOT NULL DEFAULT now(), tool_version TEXT NOT NULL)"
            )
            row = connection.execute(
                "SELECT coalesce(max(version), 0) FROM schema_version"
            ).fetchone()
            version = int(row[0]) if row else 0
            for migration in MIGRATIONS:
                if migration.version > version:
                    for statement in migration.postgres:
                        connection.execute(statement)  # our own constant SQL
                    connection.execute(
                        "INSERT INTO schema_version (version, tool_version) VALUES (%s, %s)",
                        (migration.version, _tool_version()),
                    )
    except psycopg.errors.InsufficientPrivilege:
        raise LogError(
            f"The center log {log} needs its tables set up or updated (log format {version} of "
            f"{SCHEMA_VERSION}), which this role may not do: the log's owner runs 'infusion-calc "
            "log migrate --to URL' once (see README)."
        ) from None


def _tool_version() -> str:
    return __version__


class PostgresLog:
    """A center log: `append` an entry, read `rows`
    (same SQL as SQLite, its placeholders turned into psycopg's)."""

    lines_fields = LINES_FIELDS
    line_payment = LINE_PAYMENT

    def __init__(self, log: CenterLog, timeout: float) -> None:
        self.log = log
        self.timeout = timeout
        self.notices: list[str] = []

    def __str__(self) -> str:
        return str(self.log)

    def _append_once(self, entry: NewEntry) -> tuple[int, str, bool]:
        connection = _connection(self.log)
        migrate(self.log, connection)

        def execute(sql: str, parameters: Any) -> list[tuple[Any, ...]]:
            cursor = connection.execute(sql.replace("?", "%s"), parameters)
            return cursor.fetchall() if cursor.description else []

        def execute_many(sql: str, rows: list[tuple[Any, ...]]) -> None:
            connection.cursor().executemany(sql.replace("?", "%s"), rows)

        with connection.transaction():
            return write_entry(execute, execute_many, entry)

    def append(self, entry: NewEntry) -> tuple[int, str, bool]:
        """Save the entry (or find it saved already),
        retrying a lost connection; LogError otherwise."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                return self._append_once(entry)
            except psycopg.OperationalError as error:
                forget_connection(self.log)
                if not _transient(error) or time.monotonic() >= deadline:
                    raise self._save_failed(error, lost=_transient(error)) from None
            except psycopg.Error as error:
                forget_connection(self.log)
                raise self._save_failed(error, lost=False) from None
            time.sleep(random.uniform(0.1, 0.3))

    def _save_failed(self, error: BaseException, *, lost: bool) -> LogError:
        if lost:  # the last try may have reached the server before the connection went
            return LogError(
                f"The center log {self.log} could not be reached (waited {self.timeout:g} s): "
                f"{one_line(error)}. This calculation was probably NOT saved; 'infusion-calc log "
                "list' shows whether it was before you save it again."
            )
        return LogError(
            f"The center log {self.log} refused the save: "
            f"{one_line(error)}. This calculation was NOT saved."
        )

    def rows(
        self, sql: str, parameters: tuple[Any, ...] = ()
    ) -> Generator[tuple[Any, ...], None, None]:
        """Rows one at a time, streamed (flat memory); nothing before the first save.

        Streamed rather than fetched through a server-side cursor: the server keeps sending
        while this process formats what it received (with a cursor, each FETCH waited for its
        batch, so the two took turns). A stream left early is cancelled by psycopg, which costs
        a connection to send the cancel: a query of one row is read to its end (reader._first).
        """
        try:
            connection = _connection(
                self.log, self.timeout
            )  # the app's drug order waits 0.2 s, not 5
            version = _version(connection)
            if version > SCHEMA_VERSION:
                raise _newer(self.log, version)
            if version == 0:
                return
            yield from connection.cursor().stream(
                sql.replace("?", "%s"), parameters, size=_stream_size()
            )  # our own SQL
        except psycopg.Error as error:
            forget_connection(self.log)
            raise LogError(
                f"The center log {self.log} cannot be read: {one_line(error)}. Nothing was read."
            ) from None


def _stream_size() -> int:
    """Rows per chunk the server sends; 1 (row by row) with a libpq older than 17,
    which has no chunks."""
    return ROWS_PER_FETCH if capabilities.has_stream_chunked() else 1
