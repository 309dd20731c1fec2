"""The HCPCS Level II file (CMS's quarterly `HCPC<year>_<month>_ANWEB.xlsx`): descriptors by code.

Read with the standard library: an xlsx is a zip of XML parts, and this file has one
plain sheet (shared strings, no formulas), so a full spreadsheet library buys nothing.
Only drug codes (a letter and four digits, record type 3) are kept; modifiers and CPT
text are not.
"""

from __future__ import annotations

import re
import zipfile
from typing import IO
from xml.etree.ElementTree import Element, ParseError, iterparse

from infusion_calc.cms.archives import checked_zip
from infusion_calc.core.errors import InputError

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_HCPCS = re.compile(r"[A-Z][0-9]{4}")
_COLUMN = re.compile(r"[A-Z]+")
_WANTED = ("HCPC", "RECID", "LONG DESCRIPTION", "SHORT DESCRIPTION")
_DATES = {"ADD DT": "added", "TERM DT": "terminated"}
"""Optional columns: a code's first and last day (the date of service decides the code,
core/catalog/code_dates.py)."""


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    try:
        part = archive.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings = []
    for _event, element in iterparse(part):
        if element.tag == f"{_NS}si":
            strings.append("".join(text.text or "" for text in element.iter(f"{_NS}t")))
            element.clear()
    return strings


def _next_column(column: str) -> str:
    """'' -> 'A', 'A' -> 'B', 'Z' -> 'AA', 'AZ' -> 'BA'."""
    number = 0
    for letter in column:
        number = number * 26 + ord(letter) - ord("A") + 1
    number += 1
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _cells(row: Element, strings: list[str]) -> dict[str, str]:
    cells = {}
    column = ""
    for cell in row.iter(f"{_NS}c"):
        # A writer may leave out a cell's reference ("C7"):
        # the cell is then the column after the previous one.
        reference = _COLUMN.match(cell.get("r", ""))
        column = reference.group() if reference else _next_column(column)
        kind = cell.get("t")
        if kind == "inlineStr":
            value = "".join(text.text or "" for text in cell.iter(f"{_NS}t"))
        else:
            raw = cell.findtext(f"{_NS}v") or ""
            value = strings[int(raw)] if kind == "s" and raw else raw
        cells[column] = " ".join(value.replace("\xa0", " ").split())
    return cells


def _dates(cells: dict[str, str], columns: dict[str, str]) -> dict[str, str]:
    """The code's ADD DT and TERM DT (YYYYMMDD) as ISO dates:
    when it may be billed from and until."""
    found = {}
    for title, key in _DATES.items():
        value = cells.get(columns.get(title, ""), "")
        if re.fullmatch(r"(19|20)[0-9]{6}", value):
            found[key] = f"{value[:4]}-{value[4:6]}-{value[6:]}"
    return found


def _drug_rows(
    sheet: IO[bytes], strings: list[str]
) -> tuple[dict[str, str] | None, dict[str, dict[str, str]]]:
    """The header's columns (None: no header found) and the drug codes' descriptors."""
    columns: dict[str, str] | None = None
    codes: dict[str, dict[str, str]] = {}
    for _event, row in iterparse(sheet):
        if row.tag != f"{_NS}row":
            continue
        cells = _cells(row, strings)
        row.clear()
        if columns is None:
            by_title = {title.upper(): column for column, title in cells.items()}
            if all(title in by_title for title in _WANTED):
                columns = {
                    title: by_title[title] for title in (*_WANTED, *_DATES) if title in by_title
                }
            continue
        code = cells.get(columns["HCPC"], "")
        if cells.get(columns["RECID"]) != "3" or not _HCPCS.fullmatch(code):
            continue
        codes[code] = {
            "descriptor": cells.get(columns["LONG DESCRIPTION"], ""),
            "short": cells.get(columns["SHORT DESCRIPTION"], ""),
            **_dates(cells, columns),
        }
    return columns, codes


def read_hcpcs_xlsx(data: bytes, name: str) -> dict[str, dict[str, str]]:
    """Code -> {"descriptor", "short"} for drug codes, with "added" and "terminated"
    (ISO dates) where the file gives them."""
    archive = checked_zip(data, name)
    try:
        strings = _shared_strings(archive)
        sheet = archive.open("xl/worksheets/sheet1.xml")
    except (zipfile.BadZipFile, KeyError, ParseError, OSError, EOFError) as error:
        raise InputError("file", f"{name}: not a HCPCS Level II workbook ({error})") from None
    try:
        columns, codes = _drug_rows(sheet, strings)
    except (zipfile.BadZipFile, ParseError, OSError, EOFError, IndexError, ValueError) as error:
        raise InputError(
            "file", f"{name}: not a readable HCPCS Level II workbook ({error})"
        ) from None
    if columns is None:
        raise InputError(
            "file",
            f"{name}: no header row with {', '.join(_WANTED)}; is it the HCPCS Level II file?",
        )
    return codes
