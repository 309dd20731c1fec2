"""Reading the administration log: recent entries, one entry, and row-by-row exports.

Every read streams from a SQLite cursor, so `log list --all` and `log export` run in
flat memory on a log of a million rows. Reads never create the file: a log that does
not exist yet reads as empty.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infusion_calc.core.presentation import line_brief
from infusion_calc.log.store import BUSY_TIMEOUT_S, LogError, default_log_path, open_for_reading, schema_version, sqlite_errors

CSV_COLUMNS = (
    "id", "saved_at", "tool_version", "patient_id", "drug", "dose", "administered_units", "discarded_units",
    "line", "hcpcs", "modifiers", "units", "ndc", "ndc_unit", "ndc_quantity", "medicare_payment",
)

# Each claim line's code, modifiers (space-separated) and units, as fields (\x1f) of records (\x1e):
# the words are written by core/presentation.py, like every other claim line shown.
_LINES_FIELDS = (
    "(SELECT group_concat(hcpcs || char(31) || modifiers || char(31) || units, char(30))"
    " FROM claim_line WHERE administration_id = a.id)"
)
_SUMMARY = f"SELECT a.id, a.saved_at, a.drug, a.dose, a.patient_id, {_LINES_FIELDS} FROM administration a"


def _lines_text(fields: str | None) -> str:
    """'J2323 × 250; J2323-JW × 50' from the fields _LINES_FIELDS gives."""
    if not fields:
        return ""
    lines = (record.split("\x1f") for record in fields.split("\x1e"))
    return "; ".join(line_brief(hcpcs, modifiers.split(), units) for hcpcs, modifiers, units in lines)


@dataclass(frozen=True, slots=True)
class Summary:
    id: int
    saved_at: str
    drug: str
    dose: str
    patient_id: str | None
    lines: str


class AdministrationLog:
    """Read access to one log file (default: the one `save()` writes)."""

    def __init__(self, path: Path | None = None, busy_timeout: float | None = None) -> None:
        self.path = Path(path) if path is not None else default_log_path()
        self.busy_timeout = BUSY_TIMEOUT_S if busy_timeout is None else busy_timeout
        self.notices: list[str] = []
        """What reading found and did about the log's privacy or a read-only disk, as sentences to show."""

    def _exists(self) -> bool:
        try:
            return self.path.is_file()
        except OSError as error:  # e.g. a data folder this user cannot search
            raise LogError(f"Cannot read the administration log {self.path}: {error.strerror}. Nothing was read.") from None

    def _note(self, notice: str | None) -> None:
        if notice and notice not in self.notices:
            self.notices.append(notice)

    def _rows(self, sql: str, parameters: tuple[Any, ...] = ()) -> Generator[tuple[Any, ...], None, None]:
        """Rows one at a time; nothing when the log does not exist or has no entries yet."""
        from infusion_calc.log.privacy import make_private

        if not self._exists():
            return
        notice: str | None
        for notice in make_private(self.path, fix=False):  # ours and readable by others: made private now
            self._note(notice)
        with sqlite_errors(self.path, "Nothing was read.", self.busy_timeout):
            connection, notice = open_for_reading(self.path, self.busy_timeout)
            self._note(notice)
            try:
                if schema_version(connection, self.path) == 0:
                    return
                yield from connection.execute(sql, parameters)
            finally:
                connection.close()

    def _first(self, sql: str, parameters: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        with closing(self._rows(sql, parameters)) as rows:  # closes the connection now, not at GC
            return next(rows, None)

    def uses_by_code(self) -> dict[str, int]:
        """How many administrations were saved per HCPCS code (the app lists the most-used drugs first)."""
        return dict(self._rows("SELECT hcpcs, count(*) FROM administration GROUP BY hcpcs"))

    def count(self) -> int:
        row = self._first("SELECT count(*) FROM administration")
        return row[0] if row else 0

    def recent(self, limit: int | None = 20) -> Iterator[Summary]:
        """The last `limit` entries (all when None), oldest first."""
        if limit is None:
            rows = self._rows(f"{_SUMMARY} ORDER BY a.id")
        else:
            rows = self._rows(f"SELECT * FROM ({_SUMMARY} ORDER BY a.id DESC LIMIT ?) ORDER BY id", (limit,))
        for row in rows:
            yield Summary(row[0], row[1], row[2], row[3], row[4], _lines_text(row[5]))

    def entry(self, entry_id: int) -> dict[str, Any] | None:
        """Everything saved for one entry, JSON columns decoded; None if there is no such id."""
        columns = ("id", "saved_at", "tool_version", "patient_id", "inputs", "result", "note", "checks", "encounter")
        row = self._first(f"SELECT {', '.join(columns)} FROM administration WHERE id = ?", (entry_id,))
        if row is None:
            return None
        entry = dict(zip(columns, row))
        for key in ("inputs", "result", "checks", "encounter"):
            if entry[key] is not None:
                entry[key] = json.loads(entry[key])
        return entry

    def csv_rows(self) -> Iterator[tuple[Any, ...]]:
        """One row per claim line (CSV_COLUMNS), in save order."""
        return self._rows(
            "SELECT a.id, a.saved_at, a.tool_version, a.patient_id, a.drug, a.dose, a.administered_units,"
            " a.discarded_units, l.line, l.hcpcs, l.modifiers, l.units, l.ndc, l.ndc_unit, l.ndc_quantity,"
            # The payment lives in the saved result (the contract's lines, in line order); entries saved
            # before payments existed, or without a quarter for their date, give an empty cell.
            " json_extract(a.result, '$.lines[' || (l.line - 1) || '].medicare_payment')"
            " FROM administration a JOIN claim_line l ON l.administration_id = a.id ORDER BY a.id, l.line"
        )

    def report_rows(self) -> Iterator[tuple[int, str, str, str, str | None, str | None]]:
        """(id, saved_at, inputs, result, checks, encounter) per entry in save order, JSON as stored.

        What `infusion-calc report` reads: no patient identifier and no chart note (the
        report shows neither, and the note is half of each row's size).
        """
        return self._rows("SELECT id, saved_at, inputs, result, checks, encounter FROM administration ORDER BY id")

    def json_lines(self) -> Iterator[str]:
        """One JSON object per saved calculation, as text, in save order.

        The stored JSON columns are spliced in as they are (they were written by
        json.dumps), so a million rows are not parsed and re-encoded.
        """
        rows = self._rows(
            "SELECT id, saved_at, tool_version, patient_id, inputs, result, note, checks, encounter"
            " FROM administration ORDER BY id"
        )
        for entry_id, saved_at, version, patient_id, inputs, result, note, checks, encounter in rows:
            yield (
                f'{{"id":{entry_id},"saved_at":{json.dumps(saved_at)},"tool_version":{json.dumps(version)},'
                f'"patient_id":{json.dumps(patient_id)},"inputs":{inputs},"result":{result},'
                f'"note":{json.dumps(note, ensure_ascii=False)},"checks":{checks or "null"},"encounter":{encounter or "null"}}}'
            )
