"""The SQLite back end: one file on this workstation (the default log).

Durable and private by construction:
- WAL journal, `synchronous=FULL`, one `BEGIN IMMEDIATE … COMMIT` per save: when
  a save returns, the entry is in the WAL on disk and survives a killed process.
- The file is created 0600 before SQLite opens it (SQLite gives its -wal and -shm
  files the same mode), in folders created 0700 whatever the umask; a log or folder
  found readable by others is made private first, saying so (`privacy.py`).
- Reading works on a read-only disk, where SQLite cannot create the -shm file WAL
  readers share (`open_for_reading`).
- Two saves at once serialize on SQLite's write lock; a save waits up to its timeout
  for it and then raises LogError saying nothing was saved.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from infusion_calc.locations import make_private_dirs
from infusion_calc.log.errors import LogError
from infusion_calc.log.privacy import NotPrivate, make_private
from infusion_calc.log.schema import (
    MIGRATIONS,
    SCHEMA_VERSION,
    VERSION_1_VIEWS,
    NewEntry,
    write_entry,
)

# A claim line's fields (\x1f) and lines (\x1e), and a line's saved payment, in SQLite's words.
LINES_FIELDS = (
    "(SELECT group_concat(hcpcs || char(31) || modifiers || char(31) || units, char(30))"
    " FROM claim_line WHERE administration_id = a.id)"
)
LINE_PAYMENT = "json_extract(a.result, '$.lines[' || (l.line - 1) || '].medicare_payment')"


@contextmanager
def sqlite_errors(path: Path, consequence: str, timeout: float) -> Iterator[None]:
    """sqlite3 exceptions -> one LogError sentence naming the file and what happened."""
    try:
        yield
    except sqlite3.OperationalError as error:
        text = str(error)
        if _is_busy(error):
            raise LogError(
                f"The administration log {path} is locked by another "
                f"program (waited {timeout:g} s). {consequence}"
            ) from None
        raise LogError(
            f"The administration log {path} cannot be used: {text}. {consequence}"
        ) from None
    except sqlite3.DatabaseError as error:
        raise LogError(
            f"{path} is not an infusion-calc administration log ({error}). {consequence}"
        ) from None


def _create_private(path: Path) -> list[str]:
    """Folders 0700 and the file 0600, existing ones made private;
    what was changed, as sentences."""
    make_private_dirs(path.parent)
    notices = make_private(path)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(descriptor)
    return notices


def connect(
    path: Path, timeout: float, *, create: bool, query: str | None = None
) -> sqlite3.Connection:
    """Autocommit connection (transactions are explicit); never creates a file unless `create`."""
    uri = path.resolve().as_uri() + ("" if create else f"?{query or 'mode=rw'}")
    connection = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
    return connection


def open_for_reading(path: Path, timeout: float) -> tuple[sqlite3.Connection, str | None]:
    """A read-only connection, and a notice when the read may miss the newest saves.

    On a read-only disk a WAL reader cannot create the -shm file, so the first read
    fails. The log is then opened `immutable=1`: exact when there is no -wal file with
    data (the last writer checkpointed it into the database); otherwise saves still in
    the -wal may be missing, and the notice says so.
    """
    connection = connect(path, timeout, create=False, query="mode=ro")
    try:
        connection.execute("PRAGMA user_version").fetchone()
        return connection, None
    except sqlite3.OperationalError as error:
        connection.close()
        if _is_busy(error) or os.access(path.parent, os.W_OK):
            raise  # not a read-only disk: report the real problem
    wal = path.with_name(path.name + "-wal")
    pending = wal.exists() and wal.stat().st_size > 0
    notice = (
        f"{path} is on a read-only disk and its journal ({wal.name}) cannot be read there: "
        "the newest saves may be missing from what follows"
        if pending
        else None
    )
    return connect(path, timeout, create=False, query="immutable=1"), notice


def schema_version(connection: sqlite3.Connection, path: Path) -> int:
    version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise LogError(
            f"{path} was written by a newer infusion-calc (log format {version}); "
            "update infusion-calc to use it."
        )
    return version


def _migrate(connection: sqlite3.Connection, path: Path) -> None:
    """Bring the log to SCHEMA_VERSION; inside the save's write transaction, so once and whole."""
    version = schema_version(connection, path)
    for migration in MIGRATIONS:
        if migration.version > version:
            for statement in migration.sqlite:  # one by one: executescript() would COMMIT midway
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {migration.version}")


def _append(target: Path, timeout: float, entry: NewEntry) -> tuple[int, str, bool]:
    """One attempt: one connection, one transaction; rolled back unless it commits."""
    connection = connect(target, timeout, create=True)
    try:
        # WAL is a property of the file: set once, kept. FULL: the commit waits for fsync.
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("BEGIN IMMEDIATE")
        try:
            _migrate(connection, target)
            saved = write_entry(
                lambda sql, parameters: connection.execute(sql, parameters).fetchall(),
                lambda sql, rows: None if connection.executemany(sql, rows) else None,
                entry,
            )
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    finally:
        connection.close()
    return saved


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _retrying(
    attempt: Callable[[float], tuple[int, str, bool]], timeout: float
) -> tuple[int, str, bool]:
    """Run `attempt(seconds left)` until it succeeds or `timeout` has passed.

    SQLite's busy handler covers most waits but not all: two processes switching a new
    file to WAL at once, or a reader meeting another's WAL recovery, get "database is
    locked" at once. Those are retried here after a short random pause.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            return attempt(max(deadline - time.monotonic(), 0.001))
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() >= deadline:
                raise
        import random  # only when busy: reading the log (`log list`) starts without it

        time.sleep(random.uniform(0.005, 0.05))


class SqliteLog:
    """The log in one SQLite file: `append` an entry, read `rows`."""

    lines_fields = LINES_FIELDS
    line_payment = LINE_PAYMENT

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self.notices: list[str] = []

    def __str__(self) -> str:
        return str(self.path)

    def _note(self, notice: str | None) -> None:
        if notice and notice not in self.notices:
            self.notices.append(notice)

    def append(self, entry: NewEntry) -> tuple[int, str, bool]:
        """Save the entry (or find it saved already);
        LogError saying nothing was saved otherwise."""
        consequence = "This calculation was NOT saved; try again."
        try:
            for notice in _create_private(self.path):
                self._note(notice)
        except OSError as error:
            raise LogError(
                f"Cannot create the administration log {self.path}: {error.strerror}. {consequence}"
            ) from None
        except NotPrivate as error:
            raise LogError(
                f"Refused to save to a log others could read: {error}. {consequence}"
            ) from None
        with sqlite_errors(self.path, consequence, self.timeout):
            return _retrying(lambda remaining: _append(self.path, remaining, entry), self.timeout)

    def _exists(self) -> bool:
        try:
            return self.path.is_file()
        except OSError as error:  # e.g. a data folder this user cannot search
            raise LogError(
                f"Cannot read the administration log {self.path}: "
                f"{error.strerror}. Nothing was read."
            ) from None

    def rows(
        self, sql: str, parameters: tuple[Any, ...] = ()
    ) -> Generator[tuple[Any, ...], None, None]:
        """Rows one at a time; nothing when the log does
        not exist or has no entries yet. Never writes."""
        if not self._exists():
            return
        notice: str | None
        for notice in make_private(
            self.path, fix=False
        ):  # ours and readable by others: made private now
            self._note(notice)
        with sqlite_errors(self.path, "Nothing was read.", self.timeout):
            connection, notice = open_for_reading(self.path, self.timeout)
            self._note(notice)
            try:
                version = schema_version(connection, self.path)
                if version == 0:
                    return
                if (
                    version == 1
                ):  # saved by an older version and not written to since: read as it is
                    for view in VERSION_1_VIEWS:
                        connection.execute(view)
                yield from connection.execute(sql, parameters)
            finally:
                connection.close()
