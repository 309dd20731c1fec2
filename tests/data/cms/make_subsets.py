"""Regenerate the CMS test subsets from the real files (../shared/data/cms), line for line.

    python tests/data/cms/make_subsets.py /work/shared/data/cms

CSV subsets keep the preamble, the header and the chosen codes' rows byte for byte
(latin-1, CRLF, the trailing commas and empty columns of each quarter). The HCPCS
subset keeps the workbook's header row and the chosen codes' rows, in the same
shared-strings layout as CMS's file.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
CODES = {
    "2026Q1": "J2323 J1745 J9312 J9311 J3380 J9271 J9035 Q5107 Q5118 Q5126 Q5103 Q5104 Q5121 J1569 "
    "J1566 J0129 J0741 J9298 J0695 90371 90375 J2350 J2351 J0490 J1580 J0480 J1596",
    "2024Q1": "J2323 J1745 J7512 90371 J0741 J9312",
    "2025Q3": "J2323 J9311 J1745",
}


def subset_csv(source: Path, target: Path, codes: set[str]) -> None:
    lines = source.read_bytes().split(b"\r\n")
    kept = lines[:9] + [
        line for line in lines[9:] if line.split(b",", 1)[0].decode("latin-1") in codes
    ]
    target.write_bytes(b"\r\n".join(kept) + b"\r\n")


def subset_hcpcs(source: Path, target: Path, codes: set[str]) -> None:
    archive = zipfile.ZipFile(source)
    strings = re.findall(
        r"<si>(.*?)</si>", archive.read("xl/sharedStrings.xml").decode("utf-8"), re.S
    )

    def text(shared: str) -> str:
        return re.sub(r"<[^>]+>", "", shared)

    sheet = archive.read("xl/worksheets/sheet1.xml").decode("utf-8")
    rows = re.findall(r"<row [^>]*>.*?</row>", sheet, re.S)
    kept, table = [], []

    def cell_text(cell: str) -> str:
        value = re.search(r"<v>(.*?)</v>", cell)
        return (
            text(strings[int(value[1])])
            if value and 't="s"' in cell
            else (value[1] if value else "")
        )

    def column_of(cell: str) -> str:
        found = re.search(r'r="([A-Z]+)', cell)
        assert found, cell
        return found[1]

    for index, row in enumerate(rows):
        cells = re.findall(r"<c [^>]*?(?:/>|>.*?</c>)", row, re.S)
        first = cell_text(cells[0]) if cells else ""
        if index == 0 or first in codes:
            kept.append([(column_of(cell), cell_text(cell)) for cell in cells])
    out_rows = []
    for number, cells in enumerate(kept, start=1):
        out_cells = []
        for column, value in cells:
            table.append(value)
            out_cells.append(f'<c r="{column}{number}" t="s"><v>{len(table) - 1}</v></c>')
        out_rows.append(f'<row r="{number}">{"".join(out_cells)}</row>')
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in (
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
        ):
            out.writestr(name, archive.read(name))
        out.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{ns}"><sheetData>{"".join(out_rows)}</sheetData></worksheet>',
        )
        shared = "".join(f"<si><t>{escape(value)}</t></si>" for value in table)
        out.writestr(
            "xl/sharedStrings.xml", f'<sst xmlns="{ns}" count="{len(table)}">{shared}</sst>'
        )


def main() -> None:
    folder = Path(sys.argv[1])
    for quarter, codes in CODES.items():
        for kind in ("ndc-hcpcs-crosswalk", "payment-limits"):
            name = f"asp-{kind}-{quarter}.csv"
            subset_csv(folder / name, HERE / name, set(codes.split()))
    subset_hcpcs(
        folder / "HCPC2025_OCT_ANWEB.xlsx",
        HERE / "HCPC2025_OCT_ANWEB-subset.xlsx",
        set(CODES["2026Q1"].split()),
    )


if __name__ == "__main__":
    main()
