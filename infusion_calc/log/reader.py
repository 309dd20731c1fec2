"""Reading the administration log: recent entries, one entry,
correction chains and row-by-row exports.

One reader for both back ends (`store.open_log`): the SQL is shared, and the two places
where SQLite and PostgreSQL say a thing differently (an entry's claim lines in one field,
a line's saved payment) come from the back end. Every read streams from a cursor, so
`log list --all` and `log export` run in flat memory on a log of a million rows. Reads
never create anything: a log that does not exist yet reads as empty.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from infusion_calc.core.words.labels import line_brief
from infusion_calc.log.location import LogLocation
from infusion_calc.log.store import BUSY_TIMEOUT_S, LogStore, default_log_path, open_log

CSV_COLUMNS = (
    "id",
    "saved_at",
    "tool_version",
    "patient_id",
    "drug",
    "dose",
    "administered_units",
    "discarded_units",
    "line",
    "hcpcs",
    "modifiers",
    "units",
    "ndc",
    "ndc_unit",
    "ndc_quantity",
    "medicare_payment",
    "uuid",
    "workstation",
    "corrects",
)
_ENTRY_COLUMNS = (
    "id",
    "saved_at",
    "tool_version",
    "patient_id",
    "inputs",
    "result",
    "note",
    "checks",
    "encounter",
    "uuid",
    "workstation",
    "corrects",
)


@lru_cache(
    maxsize=4096
)  # a center gives the same doses again and again: each combination is worded once
def _lines_text(fields: str | None) -> str:
    """'J2323 × 250; J2323-JW × 50' from the back end's `lines_fields`."""
    if not fields:
        return ""
    lines = (record.split("\x1f") for record in fields.split("\x1e"))
    return "; ".join(
        line_brief(hcpcs, modifiers.split(), units) for hcpcs, modifiers, units in lines
    )


@dataclass(frozen=True, slots=True)
class Summary:
    id: int
    saved_at: str
    drug: str
    dose: str
    patient_id: str | None
    lines: str
    corrects: int | None = None
    """The entry this one corrects."""
    corrected_by: int | None = None
    """The latest entry that corrects this one."""
    workstation: str | None = None


class AdministrationLog:
    """Read access to one log (default: the data folder's file;
    a CenterLog for a center's PostgreSQL log)."""

    def __init__(self, path: LogLocation | None = None, busy_timeout: float | None = None) -> None:
        self.path: LogLocation = path if path is not None else default_log_path()
        if isinstance(self.path, str):
            self.path = Path(self.path)
        self.busy_timeout = BUSY_TIMEOUT_S if busy_timeout is None else busy_timeout
        self.store: LogStore = open_log(self.path, self.busy_timeout)

    @property
    def notices(self) -> list[str]:
        """What reading found and did about the log's privacy or a read-only disk,
        as sentences to show."""
        return self.store.notices

    def _rows(
        self, sql: str, parameters: tuple[Any, ...] = ()
    ) -> Generator[tuple[Any, ...], None, None]:
        return self.store.rows(sql, parameters)

    def _first(self, sql: str, parameters: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        """The row of a query that gives one at most: read to its end, so the connection is closed
        (SQLite) or free (a center log's stream is then complete, not cancelled) now."""
        rows = list(self._rows(sql, parameters))
        return rows[0] if rows else None

    def uses_by_code(self) -> dict[str, int]:
        """How many administrations were saved per HCPCS code
        (the app lists the most-used drugs first)."""
        return {
            code: int(count)
            for code, count in self._rows(
                "SELECT hcpcs, count(*) FROM administration GROUP BY hcpcs"
            )
        }

    def count(self) -> int:
        row = self._first("SELECT count(*) FROM administration")
        return int(row[0]) if row else 0

    def recent(self, limit: int | None = 20) -> Iterator[Summary]:
        """The last `limit` entries (all when None), oldest first."""
        # The lines saved with the entry (format 2); older entries: from claim_line (coalesce looks
        # no further than the first value it finds).
        summary = (
            "SELECT a.id, a.saved_at, a.drug, a.dose, a.patient_id, coalesce(a.line_summary, "
            f"{self.store.lines_fields}), a.corrects, a.workstation FROM administration a"
        )
        # The first entry listed: the limit-th from the end (0 when there are fewer).
        first, parameters = (
            ("0", ())
            if limit is None
            else (
                "coalesce((SELECT id FROM administration ORDER BY id DESC LIMIT 1 OFFSET ?), 0)",
                (limit - 1,),
            )
        )
        corrected_by = self._latest_corrections(first, parameters)
        rows = self._rows(f"{summary} WHERE a.id >= {first} ORDER BY a.id", parameters)
        for row in rows:
            entry_id = int(row[0])
            yield Summary(
                entry_id,
                row[1],
                row[2],
                row[3],
                row[4],
                _lines_text(row[5]),
                _id_or_none(row[6]),
                corrected_by.get(entry_id),
                row[7],
            )

    def _latest_corrections(self, first: str, parameters: tuple[Any, ...]) -> dict[int, int]:
        """Corrected entry -> its latest correction, for entries from `first`
        on: one small query, since corrections are the exception (a subquery
        per listed entry cost more than the rest of the listing)."""
        return {
            int(corrected): int(latest)
            for corrected, latest in self._rows(
                "SELECT corrects, max(id) FROM administration "
                f"WHERE corrects >= {first} GROUP BY corrects",
                parameters,
            )
        }

    def entry(self, entry_id: int) -> dict[str, Any] | None:
        """Everything saved for one entry, JSON columns decoded, with its corrections;
        None if there is no such id."""
        row = self._first(
            f"SELECT {', '.join(_ENTRY_COLUMNS)} FROM administration WHERE id = ?", (entry_id,)
        )
        if row is None:
            return None
        import json  # one entry shown: `log list` starts without it

        entry = dict(zip(_ENTRY_COLUMNS, row))
        entry["id"], entry["corrects"] = int(entry["id"]), _id_or_none(entry["corrects"])
        for key in ("inputs", "result", "checks", "encounter"):
            if entry[key] is not None:
                entry[key] = json.loads(entry[key])
        entry["corrected_by"] = [
            int(later)
            for (later,) in self._rows(
                "SELECT id FROM administration WHERE corrects = ? ORDER BY id", (entry_id,)
            )
        ]
        return entry

    def correction_chain(self, entry_id: int) -> list[int]:
        """The entry's chain, first entry to latest correction: [3, 7,
        9] when 7 corrects 3 and 9 corrects 7."""
        chain = [entry_id]
        while (
            row := self._first("SELECT corrects FROM administration WHERE id = ?", (chain[0],))
        ) and row[0] is not None:
            if int(row[0]) in chain:  # a loop cannot be saved, but an edited log could hold one
                break
            chain.insert(0, int(row[0]))
        while (
            row := self._first(
                "SELECT max(id) FROM administration WHERE corrects = ?", (chain[-1],)
            )
        ) and row[0] is not None:
            if int(row[0]) in chain:
                break
            chain.append(int(row[0]))
        return chain

    def csv_rows(self) -> Iterator[tuple[Any, ...]]:
        """One row per claim line (CSV_COLUMNS), in save order."""
        return self._rows(
            "SELECT a.id, a.saved_at, a.tool_version, a.patient_id, a.drug, a.dose, "
            "a.administered_units, a.discarded_units, l.line, l.hcpcs, l.modifiers, l.units, "
            "l.ndc, l.ndc_unit, l.ndc_quantity,"
            # The payment lives in the saved result (the contract's lines, in
            # line order); entries saved before payments existed, or without a
            # quarter for their date, give an empty cell. Saved beside the line
            # since log format 2 ("" for none); older entries: from the result.
            f" NULLIF(coalesce(l.medicare_payment, {self.store.line_payment}), ''), a.uuid, "
            "a.workstation, a.corrects FROM administration a JOIN claim_line l ON "
            "l.administration_id = a.id ORDER BY a.id, l.line"
        )

    def report_rows(self) -> Iterator[tuple[int, str, str, str, str | None, str | None]]:
        """(id, saved_at, inputs, result, checks,
        encounter) per entry in save order, JSON as stored.

        What `infusion-calc report` reads: no patient identifier and no chart note (the
        report shows neither, and the note is half of each row's size). An entry a later
        one corrects is left out: the correction stands in its place, so nothing is counted twice.
        """
        return self._rows(
            "SELECT id, saved_at, inputs, result, checks, encounter FROM administration a"
            " WHERE NOT EXISTS (SELECT 1 FROM administration c WHERE c.corrects = a.id) ORDER BY id"
        )

    def json_lines(self) -> Iterator[str]:
        """One JSON object per saved calculation, as text, in save order.

        The stored JSON columns are spliced in as they are (they were written by
        json.dumps), so a million rows are not parsed and re-encoded.
        """
        rows = self._rows(f"SELECT {', '.join(_ENTRY_COLUMNS)} FROM administration ORDER BY id")
        from json import encoder  # an export: `log list` starts without json

        # json.dumps(text) and json.dumps(text, ensure_ascii=False) write a string exactly so;
        # called directly, without json.dumps' own work per call (seven strings a row).
        ascii_text, text = encoder.encode_basestring_ascii, encoder.encode_basestring
        for (
            entry_id,
            saved_at,
            version,
            patient_id,
            inputs,
            result,
            note,
            checks,
            encounter,
            uuid,
            workstation,
            corrects,
        ) in rows:
            yield (
                f'{{"id":{entry_id},"saved_at":{ascii_text(saved_at)},'
                f'"tool_version":{ascii_text(version)},'
                f'"patient_id":{_or_null(patient_id, ascii_text)},'
                f'"inputs":{inputs},"result":{result},'
                f'"note":{_or_null(note, text)},"checks":{checks or "null"},'
                f'"encounter":{encounter or "null"},'
                f'"uuid":{_or_null(uuid, ascii_text)},"workstation":{_or_null(workstation, text)},'
                f'"corrects":{"null" if corrects is None else int(corrects)}}}'
            )


def _or_null(value: str | None, encode: Callable[[str], str]) -> str:
    return "null" if value is None else encode(value)


def _id_or_none(value: Any) -> int | None:
    return None if value is None else int(value)
