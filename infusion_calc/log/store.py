"""Saving to the administration log: a SQLite file on this workstation,
or a center's PostgreSQL log.

Both back ends are one interface (`open_log`: `append` an entry, read `rows`), take the
same entry (schema.py: the record, an identifier made here and this workstation's name)
and run the same insert, so a retry never makes a second entry and an entry is written
whole or not at all on either.

No patient identifier is stored unless the site config says `[log] store_patient_id = true`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from infusion_calc.core.errors import ClaimLineError
from infusion_calc.log.errors import LogError
from infusion_calc.log.location import (
    LOG_FILE,
    CenterLog,
    LogLocation,
    default_log_path,
    log_location,
    workstation_name,
)

if (
    TYPE_CHECKING
):  # imported by save() only: reading the log (`log list`, `log path`) needs no pint or pydantic
    from collections.abc import Generator

    from infusion_calc.core.calculation.engine import Calculation
    from infusion_calc.core.pipeline.site_config import SiteConfig
    from infusion_calc.core.record.check_types import Check
    from infusion_calc.log.record import Record
    from infusion_calc.log.schema import NewEntry

__all__ = [
    "BUSY_TIMEOUT_S",
    "LOG_FILE",
    "LogError",
    "LogStore",
    "SavedEntry",
    "default_log_path",
    "open_log",
    "save",
]

BUSY_TIMEOUT_S = 5.0


class LogStore(Protocol):
    """What both back ends do (sqlite_log.SqliteLog, postgres_log.PostgresLog)."""

    lines_fields: str
    """SQL: an entry's claim lines as `code \\x1f
    modifiers \\x1f units` joined by \\x1e (alias `a`)."""
    line_payment: str
    """SQL: a claim line's saved Medicare payment (aliases `a`, `l`)."""
    notices: list[str]

    def append(self, entry: NewEntry) -> tuple[int, str, bool]: ...

    def rows(
        self, sql: str, parameters: tuple[Any, ...] = ()
    ) -> Generator[tuple[Any, ...], None, None]: ...


def open_log(location: LogLocation, timeout: float | None = None) -> LogStore:
    """The back end for `location`: a CenterLog URL or a SQLite file's path."""
    seconds = BUSY_TIMEOUT_S if timeout is None else timeout
    if isinstance(location, CenterLog):
        # lazy: psycopg only when a center log is named
        from infusion_calc.log.postgres_log import PostgresLog

        return PostgresLog(location.checked(), seconds)
    from infusion_calc.log.sqlite_log import SqliteLog  # lazy: `log path` opens no log

    return SqliteLog(Path(location), seconds)


@dataclass(frozen=True, slots=True)
class SavedEntry:
    id: int
    saved_at: str
    path: LogLocation
    notices: tuple[str, ...] = ()
    """What was changed to keep the log private (e.g. a 0644 file made 0600),
    as sentences to show."""
    uuid: str = ""
    """The identifier made at the workstation: saving again with it finds this entry."""


def new_entry_uuid() -> str:
    import uuid  # imported by a save only: reading the log (`log list`) does without it

    return str(uuid.uuid4())


def save(
    calc: Calculation,
    *,
    note: str | None = None,
    checks: Sequence[Check] | None = None,
    encounter: Mapping[str, Any] | None = None,
    patient_id: str | None = None,
    config: SiteConfig | None = None,
    path: LogLocation | None = None,
    busy_timeout: float | None = None,
    record: Record | None = None,
    entry_uuid: str | None = None,
    corrects: int | None = None,
) -> SavedEntry:
    """Append one finished calculation; return its id once it is stored.

    `path`: the log (a SQLite file or a CenterLog); default: INFUSION_CALC_LOG_URL, the
    config's `[log] url`, else the data folder's file. `entry_uuid`: the identifier made at
    the workstation for this administration (a new one when None); saving again with it
    returns the entry already saved. `corrects`: the id of the entry this one corrects.

    Raises LogError (nothing saved) when the log is locked or unreachable past
    `busy_timeout` seconds (default BUSY_TIMEOUT_S), cannot be written, the entry to
    correct does not exist, or a patient identifier is given that the site config does not
    allow or that holds control or invisible characters.
    """
    # lazy: a save only: `log list`/`log path` stay light
    from infusion_calc.log.record import clean_patient_id, record_for
    from infusion_calc.log.schema import NewEntry  # lazy: a save only: `log path` stays light

    try:
        patient_id = clean_patient_id(patient_id)
    except ValueError as error:
        message = str(error)
        raise LogError(f"{message[0].upper()}{message[1:]}. Nothing was saved.") from None
    # The caller passes the site config it loaded; without one, the defaults (no patient
    # identifier), known without building a SiteConfig: that would import pydantic for a plain save.
    if patient_id and (config is None or not config.log.store_patient_id):
        raise LogError(
            "The site config does not allow storing a patient identifier in the log "
            "([log] store_patient_id = true turns it on). Nothing was saved."
        )
    # lazy: a save only: `log list` imports no pint
    from infusion_calc.core.checks.claim_invariants import require_valid_claim_lines

    try:  # the last line of defence: a broken claim line is never logged as billable
        require_valid_claim_lines(calc, "saved")
    except ClaimLineError as error:
        raise LogError(str(error)) from None
    log_settings = config.log if config is not None else None
    target = path if path is not None else log_location(log_settings.url if log_settings else None)
    entry = NewEntry(
        # a visit passes its one record of several drugs (log/visit_record.py)
        record=record if record is not None else record_for(calc, note, checks, encounter),
        uuid=_checked_uuid(entry_uuid) if entry_uuid else new_entry_uuid(),
        workstation=workstation_name(log_settings.workstation if log_settings else None),
        saved_at=datetime.now(UTC).isoformat(timespec="seconds"),
        patient_id=patient_id or None,
        corrects=corrects,
    )
    store = open_log(target, BUSY_TIMEOUT_S if busy_timeout is None else busy_timeout)
    entry_id, saved_at, _ = store.append(entry)
    return SavedEntry(entry_id, saved_at, target, tuple(store.notices), entry.uuid)


def _checked_uuid(text: str) -> str:
    import uuid  # lazy: a save only: `log list` starts without uuid

    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise LogError(
            f"'{text}' is not an entry identifier (a UUID "
            f"such as {new_entry_uuid()}). Nothing was saved."
        ) from None
