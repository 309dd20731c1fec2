"""The administration log: finished calculations appended to a SQLite file in the data folder.

Durable and private by construction:
- WAL journal, `synchronous=FULL`, one `BEGIN IMMEDIATE … COMMIT` per save: when
  `save()` returns, the entry is in the WAL on disk and survives a killed process.
- The file is created 0600 before SQLite opens it (SQLite gives its -wal and -shm
  files the same mode), in folders created 0700 whatever the umask; a log or folder
  found readable by others is made private first, saying so (`privacy.py`).
- Reading works on a read-only disk, where SQLite cannot create the -shm file WAL
  readers share (`open_for_reading`).
- No patient identifier is stored unless the site config says `[log] store_patient_id = true`.
- Two saves at once serialize on SQLite's write lock; a save waits up to
  `busy_timeout` seconds for it and then raises LogError saying nothing was saved.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infusion_calc import __version__
from infusion_calc.core.errors import InfusionCalcError

if TYPE_CHECKING:  # imported by save() only: reading the log (`log list`, `log path`) needs no pint or pydantic
    from infusion_calc.core.check_types import Check
    from infusion_calc.core.engine import Calculation
    from infusion_calc.core.site_config import SiteConfig
    from infusion_calc.log.record import Record

LOG_FILE = "administrations.sqlite3"
BUSY_TIMEOUT_S = 5.0
SCHEMA_VERSION = 1

SCHEMA = (
    """CREATE TABLE administration (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- AUTOINCREMENT: an id is never reused
    saved_at TEXT NOT NULL,                -- UTC, ISO 8601
    tool_version TEXT NOT NULL,
    drug TEXT NOT NULL,
    hcpcs TEXT NOT NULL,
    dose TEXT NOT NULL,
    administered_units INTEGER NOT NULL,
    discarded_units INTEGER NOT NULL,
    patient_id TEXT,                       -- NULL unless the site config allows it
    inputs TEXT NOT NULL,                  -- JSON: what was typed
    result TEXT NOT NULL,                  -- JSON: the engine's contract (vials, units, lines, ...)
    note TEXT,                             -- chart text, when given
    checks TEXT,                           -- JSON list, when given
    encounter TEXT                         -- JSON object, when given
    )""",
    """CREATE TABLE claim_line (
    administration_id INTEGER NOT NULL REFERENCES administration(id),
    line INTEGER NOT NULL,
    hcpcs TEXT NOT NULL,
    modifiers TEXT NOT NULL,
    units INTEGER NOT NULL,
    ndc TEXT,
    ndc_unit TEXT,
    ndc_quantity TEXT,
    PRIMARY KEY (administration_id, line)
    ) WITHOUT ROWID""",
)


class LogError(InfusionCalcError):
    """The log could not be written or read; the message says whether anything was saved."""


@dataclass(frozen=True, slots=True)
class SavedEntry:
    id: int
    saved_at: str
    path: Path
    notices: tuple[str, ...] = ()
    """What was changed to keep the log private (e.g. a 0644 file made 0600), as sentences to show."""


def default_log_path() -> Path:
    """`administrations.sqlite3` in the data folder (INFUSION_CALC_DATA_DIR overrides it)."""
    from infusion_calc.locations import data_dir

    return data_dir() / LOG_FILE


@contextmanager
def sqlite_errors(path: Path, consequence: str, timeout: float) -> Iterator[None]:
    """sqlite3 exceptions -> one LogError sentence naming the file and what happened."""
    try:
        yield
    except sqlite3.OperationalError as error:
        text = str(error)
        if _is_busy(error):
            raise LogError(
                f"The administration log {path} is locked by another program (waited {timeout:g} s). {consequence}"
            ) from None
        raise LogError(f"The administration log {path} cannot be used: {text}. {consequence}") from None
    except sqlite3.DatabaseError as error:
        raise LogError(f"{path} is not an infusion-calc administration log ({error}). {consequence}") from None


def _create_private(path: Path) -> list[str]:
    """Folders 0700 and the file 0600, existing ones made private; what was changed, as sentences."""
    from infusion_calc.locations import make_private_dirs
    from infusion_calc.log.privacy import make_private

    make_private_dirs(path.parent)
    notices = make_private(path)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(descriptor)
    return notices


def connect(path: Path, timeout: float, *, create: bool, query: str | None = None) -> sqlite3.Connection:
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
        "the newest saves may be missing from what follows" if pending else None
    )
    return connect(path, timeout, create=False, query="immutable=1"), notice


def schema_version(connection: sqlite3.Connection, path: Path) -> int:
    version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise LogError(f"{path} was written by a newer infusion-calc (log format {version}); update infusion-calc to use it.")
    return version


def _insert(connection: sqlite3.Connection, record: Record, saved_at: str, patient_id: str | None) -> int:
    cursor = connection.execute(
        "INSERT INTO administration (saved_at, tool_version, drug, hcpcs, dose, administered_units, discarded_units,"
        " patient_id, inputs, result, note, checks, encounter) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (saved_at, __version__, record.drug, record.hcpcs, record.dose, record.administered_units,
         record.discarded_units, patient_id, record.inputs, record.result, record.note, record.checks, record.encounter),
    )
    entry_id = int(cursor.lastrowid or 0)
    connection.executemany(
        "INSERT INTO claim_line (administration_id, line, hcpcs, modifiers, units, ndc, ndc_unit, ndc_quantity)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(entry_id, *line) for line in record.claim_lines],
    )
    return entry_id


def _append(target: Path, timeout: float, record: Record, saved_at: str, patient_id: str | None) -> int:
    """One attempt: one connection, one transaction; rolled back unless it commits."""
    connection = connect(target, timeout, create=True)
    try:
        # WAL is a property of the file: set once, kept. FULL: the commit waits for fsync.
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("BEGIN IMMEDIATE")
        try:
            if schema_version(connection, target) == 0:
                for statement in SCHEMA:  # one by one: executescript() would COMMIT midway
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            entry_id = _insert(connection, record, saved_at, patient_id)
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
    finally:
        connection.close()
    return entry_id


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _retrying(attempt: Callable[[float], int], timeout: float) -> int:
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
        time.sleep(random.uniform(0.005, 0.05))


def save(
    calc: Calculation,
    *,
    note: str | None = None,
    checks: Sequence[Check] | None = None,
    encounter: Mapping[str, Any] | None = None,
    patient_id: str | None = None,
    config: SiteConfig | None = None,
    path: Path | None = None,
    busy_timeout: float | None = None,
    record: Record | None = None,
) -> SavedEntry:
    """Append one finished calculation; return its id once it is on disk.

    Raises LogError (nothing saved) when the log is locked past `busy_timeout` seconds
    (default BUSY_TIMEOUT_S), cannot be written, or a patient identifier is given that
    the site config does not allow or that holds control or invisible characters.
    """
    from infusion_calc.core.site_config import SiteConfig
    from infusion_calc.log.record import clean_patient_id, record_for

    timeout = BUSY_TIMEOUT_S if busy_timeout is None else busy_timeout
    try:
        patient_id = clean_patient_id(patient_id)
    except ValueError as error:
        message = str(error)
        raise LogError(f"{message[0].upper()}{message[1:]}. Nothing was saved.") from None
    # The caller passes the site config it loaded; without one, the defaults (no patient identifier).
    settings = config if config is not None else SiteConfig()
    if patient_id and not settings.log.store_patient_id:
        raise LogError(
            "The site config does not allow storing a patient identifier in the log "
            "([log] store_patient_id = true turns it on). Nothing was saved."
        )
    from infusion_calc.core.claim_invariants import require_valid_claim_lines
    from infusion_calc.core.errors import ClaimLineError

    try:  # the last line of defence: a broken claim line is never logged as billable
        require_valid_claim_lines(calc, "saved")
    except ClaimLineError as error:
        raise LogError(str(error)) from None
    if record is None:  # a visit passes its one record of several drugs (log/visit_record.py)
        record = record_for(calc, note, checks, encounter)
    target = Path(path) if path is not None else default_log_path()
    saved_at = datetime.now(UTC).isoformat(timespec="seconds")
    consequence = "This calculation was NOT saved; try again."
    from infusion_calc.log.privacy import NotPrivate

    try:
        notices = _create_private(target)
    except OSError as error:
        raise LogError(f"Cannot create the administration log {target}: {error.strerror}. {consequence}") from None
    except NotPrivate as error:
        raise LogError(f"Refused to save to a log others could read: {error}. {consequence}") from None
    with sqlite_errors(target, consequence, timeout):
        entry_id = _retrying(lambda remaining: _append(target, remaining, record, saved_at, patient_id or None), timeout)
    return SavedEntry(entry_id, saved_at, target, tuple(notices))
