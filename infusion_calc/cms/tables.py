"""A CMS CSV as published: latin-1, preamble rows, the header and each column found by name.

What a file must prove before any row is read, each failure an InputError naming the
file and the line: an `Effective <date> through <date>` line of real dates covering one
calendar quarter, above a header row that names every required column (CMS renames
columns between quarters: `NDC2` became `NDC` in July 2026, so a column may have
several names), at least one data row, at most MAX_ROWS of them, and an end where
CMS's files end: after the line ending of a whole last row. A file cut short anywhere
else (inside a cell, a row or a line ending) is refused rather than read as fewer rows.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from infusion_calc.core.errors import InputError

_EFFECTIVE = re.compile(
    r"Effective\s+([A-Za-z]+ [0-9]{1,2}, [0-9]{4})\s+through\s+([A-Za-z]+ [0-9]{1,2}, [0-9]{4})"
)
# The crosswalk's first column names a year that is not
# always the file's (`_2023_CODE` in January 2024).
_CROSSWALK_CODE = re.compile(r"_[0-9]{4}_CODE")
_PREAMBLE_ROWS = 20
MAX_ROWS = 100_000
"""Data rows a file may have: CMS's have under 10,000 (8,245 in the largest, 2025Q4's crosswalk)."""

# Each table's columns in the order rows are handed on (cms/rows.py reads them by position),
# each with the names CMS has given it; None marks
# the crosswalk's code column, found by its pattern.
COLUMNS: dict[str, tuple[tuple[str, ...] | None, ...]] = {
    "crosswalk": (
        None,
        ("Short Description",),
        ("LABELER NAME",),
        ("NDC2", "NDC"),
        ("Drug Name",),
        ("HCPCS dosage",),
        ("PKG SIZE",),
        ("PKG QTY",),
        ("BILLUNITS",),
        ("BILLUNITSPKG",),
    ),
    "pricing": (
        ("HCPCS Code",),
        ("Short Description",),
        ("HCPCS Code Dosage",),
        ("Payment Limit",),
        ("Co-insurance Percentage",),
    ),
}
OPTIONAL_COLUMNS: dict[str, tuple[tuple[str, ...], ...]] = {
    "crosswalk": (),
    "pricing": (("Notes",),),
}
"""Read when present, after the required ones (an empty cell when the file has no such column)."""


@dataclass(frozen=True)
class Table:
    """The rows under the header, each with its line number, its cells in COLUMNS order."""

    kind: str  # "crosswalk" or "pricing"
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    """A row without every required column (cut short by
    CMS's trailing-column trimming) is its code alone."""
    effective_from: date
    effective_to: date
    name: str = ""

    @property
    def quarter(self) -> str:
        return f"{self.effective_from.year}Q{(self.effective_from.month - 1) // 3 + 1}"


def _clean(cell: str) -> str:
    return " ".join(cell.replace("\xa0", " ").split())


def _trimmed(row: list[str]) -> tuple[str, ...]:
    end = len(row)
    while end and not row[end - 1].strip():  # up to 252 empty columns: drop them before cleaning
        end -= 1
    return tuple(_clean(cell) for cell in row[:end])


def _kind(cells: tuple[str, ...]) -> str | None:
    if any(_CROSSWALK_CODE.fullmatch(cell) for cell in cells):
        return "crosswalk"
    if any(cell.casefold() == "hcpcs code" for cell in cells):
        return "pricing"
    return None


def _column_positions(kind: str, cells: tuple[str, ...], where: str) -> tuple[int, ...]:
    """Where each column of COLUMNS[kind] (then each optional one found) is in this header."""
    by_name: dict[str, int] = {}
    for position, cell in enumerate(cells):
        key = "_yyyy_code" if _CROSSWALK_CODE.fullmatch(cell) else cell.casefold()
        if key in by_name:
            raise InputError("file", f"{where}: the header names the column '{cell}' twice")
        by_name[key] = position
    positions = []
    for names in COLUMNS[kind]:
        found = [
            by_name[key]
            for key in ((n.casefold() for n in names) if names else ("_yyyy_code",))
            if key in by_name
        ]
        if len(found) != 1:
            wanted = " or ".join(f"'{name}'" for name in names) if names else "'_YYYY_CODE'"
            problem = "no column named" if not found else "more than one column named"
            raise InputError(
                "file",
                f"{where}: {problem} {wanted} in the header; is it CMS's {kind} file as published?",
            )
        positions.extend(found)
    for names in OPTIONAL_COLUMNS[kind]:
        positions.extend(by_name[name.casefold()] for name in names if name.casefold() in by_name)
    return tuple(positions)


def _effective(cells: tuple[str, ...], where: str) -> tuple[date, date] | None:
    found = next((match for match in map(_EFFECTIVE.search, cells) if match), None)
    if found is None:
        return None
    dates = []
    for part in found.groups():
        try:
            dates.append(datetime.strptime(part, "%B %d, %Y").date())
        except ValueError:
            raise InputError(
                "file", f"{where}: '{part}' is not a date (expected e.g. 'January 1, 2026')"
            ) from None
    start, end = dates
    if start.month % 3 != 1 or start.day != 1 or end != _last_day_of_quarter(start):
        raise InputError(
            "file",
            f"{where}: effective {found.group(1)} through {found.group(2)} is not one calendar "
            "quarter (each CMS file covers one, e.g. January 1 through March 31)",
        )
    return start, end


def _last_day_of_quarter(start: date) -> date:
    following = (
        date(start.year + 1, 1, 1) if start.month >= 10 else date(start.year, start.month + 3, 1)
    )
    return following - timedelta(days=1)


def _row(cells: tuple[str, ...], positions: tuple[int, ...], required: int) -> tuple[str, ...]:
    if len(cells) <= max(positions[:required]):
        return (cells[positions[0]],) if positions[0] < len(cells) else ("",)
    return tuple(cells[position] if position < len(cells) else "" for position in positions)


def read_table(data: bytes, name: str) -> Table:
    """Parse one ASP crosswalk or payment-limit file;
    InputError naming the file and line when it cannot be proved whole."""
    # cp1252 would reject the bytes 0x81/0x8D/0x90 that latin-1 maps;
    # CMS's text is plain latin-1 in practice.
    reader = csv.reader(io.StringIO(data.decode("latin-1"), newline=""))
    try:
        return _read(reader, data, name)
    except csv.Error as error:
        raise InputError(
            "file", f"{name}: line {reader.line_num}: not CSV as CMS writes it ({error})"
        ) from None


def _read(reader: Any, data: bytes, name: str) -> Table:
    effective, kind, where = None, None, f"{name}: line 1"
    cells: tuple[str, ...] = ()
    for row in reader:
        cells, where = _trimmed(row), f"{name}: line {reader.line_num}"
        effective = effective or _effective(cells, where)
        kind = _kind(cells)
        if kind is not None or reader.line_num >= _PREAMBLE_ROWS:
            break
    if kind is None:
        raise InputError(
            "file",
            f"{name}: not a CMS ASP crosswalk or payment-limit file (no header row naming "
            f"'_YYYY_CODE' or 'HCPCS Code' in its first {_PREAMBLE_ROWS} lines)",
        )
    if effective is None:
        raise InputError(
            "file", f"{where}: no 'Effective <date> through <date>' line above the header"
        )
    positions = _column_positions(kind, cells, where)
    header_line, required = reader.line_num, len(COLUMNS[kind])
    rows: list[tuple[int, tuple[str, ...]]] = []
    for row in reader:
        trimmed = _trimmed(row)
        if trimmed:
            if len(rows) == MAX_ROWS:
                raise InputError(
                    "file",
                    f"{name}: line {reader.line_num}: more than {MAX_ROWS:,} rows; "
                    "CMS's files have under 10,000",
                )
            rows.append((reader.line_num, _row(trimmed, positions, required)))
    if not rows:
        raise InputError("file", f"{name}: line {header_line}: no data rows under the header")
    if not data.endswith(b"\n"):
        raise InputError(
            "file",
            f"{name}: line {reader.line_num}: the file ends inside a row (no line ending after "
            "it): it was cut short; download it again",
        )
    return Table(kind, tuple(cells), tuple(rows), effective[0], effective[1], name)
