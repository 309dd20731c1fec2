"""`infusion-calc log migrate --to URL`: a workstation's SQLite log copied into the center log.

Each entry keeps its identifier, so running it again copies nothing twice: an entry saved
before identifiers existed gets one derived from this workstation's name, its number and
its content, the same on every run. Entries are copied in their order, each in its own
transaction with its claim lines; a correction points at the center's number for the
entry it corrects. The center log's tables are created or updated first, so the log's
owner runs this once to set a center log up (with no local log, only that is done).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg

from infusion_calc.log.errors import LogError
from infusion_calc.log.location import CenterLog
from infusion_calc.log.postgres_log import _connection, forget_connection, migrate, one_line
from infusion_calc.log.record import Record
from infusion_calc.log.schema import NewEntry
from infusion_calc.log.store import open_log

_NAMESPACE = uuid.UUID("6f1c3a52-9b1e-4d7e-9a55-0c2f1e6a7b31")
_COLUMNS = (
    "id, uuid, workstation, corrects, saved_at, drug, hcpcs, dose, administered_units, "
    "discarded_units, patient_id, inputs, result, note, checks, encounter"
)


@dataclass(frozen=True, slots=True)
class Copied:
    entries: int
    already_there: int


def derived_uuid(workstation: str, entry_id: int, saved_at: str, inputs: str, result: str) -> str:
    content = hashlib.sha256(f"{inputs}\x1e{result}".encode()).hexdigest()
    return str(uuid.uuid5(_NAMESPACE, f"{workstation}\x1f{entry_id}\x1f{saved_at}\x1f{content}"))


def copy_log(
    source: Path, target: CenterLog, workstation: str, timeout: float | None = None
) -> Copied:
    """Copy every entry of `source` into `target`;
    how many were new and how many were there already."""
    center = open_log(target, timeout)
    try:
        migrate(target, _connection(target))  # the tables first, even with nothing to copy
    except psycopg.Error as error:
        forget_connection(target)
        raise LogError(
            f"The center log {target} cannot be used: {one_line(error)}. Nothing was copied."
        ) from None
    local = open_log(source, timeout)
    center_ids: dict[int, int] = {}
    new = old = 0
    for row in local.rows(f"SELECT {_COLUMNS} FROM administration a ORDER BY id"):
        (
            entry_id,
            entry_uuid,
            made_at,
            corrects,
            saved_at,
            drug,
            hcpcs,
            dose,
            administered,
            discarded,
            patient_id,
            inputs,
            result,
            note,
            checks,
            encounter,
        ) = row
        lines = tuple(
            local.rows(
                "SELECT line, hcpcs, modifiers, units, ndc, ndc_unit, ndc_quantity, "
                "medicare_payment FROM claim_line WHERE administration_id = ? ORDER BY line",
                (entry_id,),
            )
        )
        record = Record(
            drug,
            hcpcs,
            dose,
            administered,
            discarded,
            inputs,
            result,
            lines,
            note,
            checks,
            encounter,
        )
        entry = NewEntry(
            record=record,
            uuid=entry_uuid or derived_uuid(workstation, entry_id, saved_at, inputs, result),
            workstation=made_at or workstation,
            saved_at=saved_at,
            patient_id=patient_id,
            corrects=center_ids.get(corrects) if corrects is not None else None,
        )
        center_id, _, fresh = center.append(entry)
        new, old = new + fresh, old + (not fresh)
        center_ids[entry_id] = center_id
    return Copied(new, old)
