"""A CMS CSV as published: latin-1, preamble rows, the header found by its content."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from infusion_calc.core.errors import InputError

_EFFECTIVE = re.compile(r"Effective\s+([A-Za-z]+ [0-9]{1,2}, [0-9]{4})\s+through\s+([A-Za-z]+ [0-9]{1,2}, [0-9]{4})")
# The crosswalk's first column names a year that is not always the file's (`_2023_CODE` in January 2024).
_CROSSWALK_FIRST = re.compile(r"_[0-9]{4}_CODE")


@dataclass(frozen=True)
class Table:
    """The rows under the header, each trimmed of trailing empty columns, with its line number."""

    kind: str  # "crosswalk" or "pricing"
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    effective_from: date
    effective_to: date

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


def _kind(first_cell: str) -> str | None:
    if _CROSSWALK_FIRST.fullmatch(first_cell):
        return "crosswalk"
    if first_cell == "HCPCS Code":
        return "pricing"
    return None


def read_table(data: bytes, name: str) -> Table:
    """Parse one ASP crosswalk or payment-limit file; InputError when it is neither."""
    # cp1252 would reject the bytes 0x81/0x8D/0x90 that latin-1 maps; CMS's text is plain latin-1 in practice.
    text = data.decode("latin-1")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    effective = None
    for number, row in enumerate(rows[:20], start=1):
        cells = _trimmed(row)
        if not cells:
            continue
        found = _EFFECTIVE.search(cells[0])
        if found and effective is None:
            effective = tuple(datetime.strptime(part, "%B %d, %Y").date() for part in found.groups())
        kind = _kind(cells[0])
        if kind is None:
            continue
        if effective is None:
            raise InputError("file", f"{name}: no 'Effective <date> through <date>' line above the header")
        body = tuple((line, _trimmed(cells_)) for line, cells_ in enumerate(rows[number:], start=number + 1))
        return Table(kind, cells, tuple(item for item in body if item[1]), effective[0], effective[1])
    raise InputError(
        "file",
        f"{name}: not a CMS ASP crosswalk or payment-limit file (no header row starting '_YYYY_CODE' or 'HCPCS Code')",
    )
