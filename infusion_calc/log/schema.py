"""The log's tables, their migrations (one list for
both back ends) and the one way an entry is written.

Each migration runs once, in one transaction, under the back end's lock for it (SQLite's
write lock; a PostgreSQL advisory lock), so workstations starting together never run one
twice or see half of one. The log only ever INSERTs entries: a correction is a new entry
whose `corrects` names the entry it corrects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from infusion_calc import __version__
from infusion_calc.log.errors import LogError

if TYPE_CHECKING:
    from infusion_calc.log.record import Record

_ENTRY_COLUMNS = """
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
"""
_LINE_COLUMNS = """
    line INTEGER NOT NULL,
    hcpcs TEXT NOT NULL,
    modifiers TEXT NOT NULL,
    units INTEGER NOT NULL,
    ndc TEXT,
    ndc_unit TEXT,
    ndc_quantity TEXT,
    PRIMARY KEY (administration_id, line)"""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    sqlite: tuple[str, ...]
    postgres: tuple[str, ...]


MIGRATIONS = (
    Migration(
        1,
        sqlite=(
            # AUTOINCREMENT: an id is never reused
            f"CREATE TABLE administration (id INTEGER PRIMARY KEY AUTOINCREMENT, {_ENTRY_COLUMNS})",
            "CREATE TABLE claim_line (administration_id INTEGER NOT NULL REFERENCES "
            f"administration(id), {_LINE_COLUMNS}) WITHOUT ROWID",
        ),
        postgres=(
            "CREATE TABLE administration (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            f"{_ENTRY_COLUMNS})",
            "CREATE TABLE claim_line (administration_id BIGINT NOT NULL REFERENCES "
            f"administration(id), {_LINE_COLUMNS})",
        ),
    ),
    Migration(
        # idempotent saves (an identifier made at the workstation) and corrections as new entries
        2,
        sqlite=(
            # NULL on entries saved before version 2
            "ALTER TABLE administration ADD COLUMN uuid TEXT",
            "ALTER TABLE administration ADD COLUMN workstation TEXT",
            "ALTER TABLE administration ADD COLUMN corrects INTEGER REFERENCES administration(id)",
            "CREATE UNIQUE INDEX administration_uuid ON administration(uuid)",
            "CREATE INDEX administration_corrects ON administration(corrects)",
            # NULL before version 2: read from the result
            "ALTER TABLE claim_line ADD COLUMN medicare_payment TEXT",
            # NULL before version 2: read from claim_line
            "ALTER TABLE administration ADD COLUMN line_summary TEXT",
        ),
        postgres=(
            "ALTER TABLE administration ADD COLUMN uuid TEXT NOT NULL UNIQUE",
            "ALTER TABLE administration ADD COLUMN workstation TEXT NOT NULL",
            "ALTER TABLE administration ADD COLUMN corrects BIGINT REFERENCES administration(id)",
            "CREATE INDEX administration_corrects ON administration(corrects)",
            "ALTER TABLE claim_line ADD COLUMN medicare_payment TEXT",
            "ALTER TABLE administration ADD COLUMN line_summary TEXT",
        ),
    ),
)
SCHEMA_VERSION = MIGRATIONS[-1].version

# What a version-1 SQLite log lacks, as the columns a
# read of it gives (read-only: it is not migrated).
VERSION_1_VIEWS = (
    "CREATE TEMP VIEW administration AS SELECT *, NULL AS uuid, NULL AS workstation, NULL AS "
    "corrects, NULL AS line_summary FROM main.administration",
    "CREATE TEMP VIEW claim_line AS SELECT *, NULL AS medicare_payment FROM main.claim_line",
)


@dataclass(frozen=True, slots=True)
class NewEntry:
    """One save: the record, and who made it where; `uuid` makes a retry land on the same entry."""

    record: Record
    uuid: str
    workstation: str
    saved_at: str
    patient_id: str | None = None
    corrects: int | None = None


def line_summary(record: Record) -> str:
    """The claim lines as `log list` reads them (code, modifiers, units: fields joined by \x1f,
    lines by \x1e), kept with the entry so a listing reads one row per entry (the back ends'
    `lines_fields` say the same)."""
    return "\x1e".join(f"{line[1]}\x1f{line[2]}\x1f{line[3]}" for line in record.claim_lines)


Execute = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]
"""Run one statement (`?` placeholders) in the current transaction and return its rows."""


def write_entry(
    execute: Execute, execute_many: Callable[[str, list[tuple[Any, ...]]], None], entry: NewEntry
) -> tuple[int, str, bool]:
    """Insert the entry and its claim lines, or find it
    when its uuid is saved already: (id, saved_at, new?).

    Called inside one transaction: the entry is there whole or not at all.
    """
    if entry.corrects is not None and not execute(
        "SELECT 1 FROM administration WHERE id = ?", (entry.corrects,)
    ):
        raise LogError(
            f"There is no entry {entry.corrects} to correct "
            "(see 'infusion-calc log list'). Nothing was saved."
        )
    record = entry.record
    inserted = execute(
        "INSERT INTO administration (uuid, workstation, corrects, saved_at, tool_version, drug, "
        "hcpcs, dose, administered_units, discarded_units, patient_id, inputs, result, note, "
        "checks, encounter, line_summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?) ON CONFLICT (uuid) DO NOTHING RETURNING id",
        (
            entry.uuid,
            entry.workstation,
            entry.corrects,
            entry.saved_at,
            __version__,
            record.drug,
            record.hcpcs,
            record.dose,
            record.administered_units,
            record.discarded_units,
            entry.patient_id,
            record.inputs,
            record.result,
            record.note,
            record.checks,
            record.encounter,
            line_summary(record),
        ),
    )
    if not inserted:  # saved before: a retry after a lost acknowledgement
        entry_id, saved_at = execute(
            "SELECT id, saved_at FROM administration WHERE uuid = ?", (entry.uuid,)
        )[0]
        return int(entry_id), str(saved_at), False
    entry_id = int(inserted[0][0])
    execute_many(
        "INSERT INTO claim_line (administration_id, line, hcpcs, modifiers, units, ndc, ndc_unit, "
        "ndc_quantity, medicare_payment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(entry_id, *line) for line in record.claim_lines],
    )
    return entry_id, entry.saved_at, True
