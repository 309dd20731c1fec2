"""Reading CMS's files as published: subsets of the real
quarters under tests/data/cms (make_subsets.py)."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from infusion_calc.cms import dosage, rows
from infusion_calc.cms.dosage import DosageRefused, billing_unit
from infusion_calc.cms.hcpcs_file import read_hcpcs_xlsx
from infusion_calc.cms.importer import build_quarters, read_paths
from infusion_calc.cms.models import Quarter
from infusion_calc.cms.tables import read_table
from infusion_calc.core.errors import InputError

DATA = Path(__file__).parent / "data" / "cms"


def quarter(label: str, with_hcpcs: bool = False) -> Quarter:
    paths = [
        DATA / f"asp-ndc-hcpcs-crosswalk-{label}.csv",
        DATA / f"asp-payment-limits-{label}.csv",
    ]
    found = read_paths(paths + ([DATA / "HCPC2025_OCT_ANWEB-subset.xlsx"] if with_hcpcs else []))
    (built,) = build_quarters(found, found.hcpcs or {})
    return built


@pytest.mark.parametrize(
    ("text", "mg"),
    [
        ("1  MG", "1"),
        ("0.1 mg", "0.1"),
        ("1MG", "1"),
        ("10 MG (rituximab)", "10"),
        ("500 MG", "500"),
        (".625 GM", "625"),
        ("1.5 GM", "1500"),
        ("1 GM", "1000"),
        ("20 MCG", "0.02"),
        ("1\xa0MG", "1"),
    ],
)
def test_billing_units_written_every_which_way_read_as_exact_masses(text: str, mg: str) -> None:
    assert billing_unit(text).value == Decimal(mg)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0.25 MG - 5 MG", dosage.RANGE),
        ("3 MG - 1 MG", dosage.RANGE),
        ("Less than or equal to 100 MG", dosage.RANGE),
        ("1 million PFU", dosage.NOT_A_MASS),
        ("2 MEQ", dosage.NOT_A_MASS),
        ("1 SQ CM", dosage.NOT_A_MASS),
        ("1 EA", dosage.NOT_A_MASS),
        ("75mg (50mg cft/25mg taz)", dosage.COMBINATION),
        ("300 MCG (1500 IU)", dosage.COMBINATION),
        ("", dosage.UNREADABLE),
    ],
)
def test_billing_units_that_are_not_one_plain_mass_are_refused_with_the_reason(
    text: str, reason: str
) -> None:
    with pytest.raises(DosageRefused) as refused:
        billing_unit(text)
    assert str(refused.value) == reason


@pytest.mark.parametrize(
    ("name", "kind", "first_column", "start", "end"),
    [
        (
            "asp-ndc-hcpcs-crosswalk-2024Q1.csv",
            "crosswalk",
            "_2023_CODE",
            "2024-01-01",
            "2024-03-31",
        ),
        (
            "asp-ndc-hcpcs-crosswalk-2025Q3.csv",
            "crosswalk",
            "_2025_CODE",
            "2025-07-01",
            "2025-09-30",
        ),
        (
            "asp-ndc-hcpcs-crosswalk-2026Q1.csv",
            "crosswalk",
            "_2026_CODE",
            "2026-01-01",
            "2026-03-31",
        ),
        ("asp-payment-limits-2024Q1.csv", "pricing", "HCPCS Code", "2024-01-01", "2024-03-31"),
        ("asp-payment-limits-2026Q1.csv", "pricing", "HCPCS Code", "2026-01-01", "2026-03-31"),
    ],
)
def test_the_header_is_found_by_its_content_and_trailing_empty_columns_dropped(
    name: str, kind: str, first_column: str, start: str, end: str
) -> None:
    table = read_table((DATA / name).read_bytes(), name)
    assert (table.kind, table.header[0]) == (kind, first_column)
    assert (str(table.effective_from), str(table.effective_to)) == (start, end)
    # 2024Q1 ends each row with a comma; 2025Q3 and 2026Q1 carry up to 252 empty columns.
    assert max(len(cells) for _, cells in table.rows) <= len(table.header) <= 11


def test_a_file_that_is_not_a_cms_table_is_an_error_naming_it() -> None:
    with pytest.raises(InputError, match="notes.csv: not a CMS ASP crosswalk"):
        read_table(b"a,b,c\r\n1,2,3\r\n", "notes.csv")


def test_known_rows_of_2026q1_are_read_exactly() -> None:
    codes = {code.hcpcs: code for code in quarter("2026Q1", with_hcpcs=True).codes}
    items = {item[0]: item[1:] for item in codes["J2323"].items}
    assert items["64406-0008-01"] == (
        "Biogen Inc.",
        "Tysabri",
        Decimal(15),
        Decimal(1),
        Decimal(300),
    )
    keytruda = {item[0]: item[3:] for item in codes["J9271"].items}
    assert keytruda["00006-3026-04"] == (
        Decimal(4),
        Decimal(2),
        Decimal(100),
    )  # a carton of two 100 mg vials
    rituxan = {item[0]: item[5] for item in codes["J9312"].items}
    assert rituxan["50242-0051-21"] == 10 and rituxan["50242-0053-06"] == 50
    assert codes["J9311"].billing_unit == "10 mg"  # '10 MG (rituximab)'
    assert (codes["J1745"].payment_limit, codes["J1745"].coinsurance_percent) == (
        Decimal("32.423"),
        Decimal("20.000"),
    )
    assert codes["Q5103"].descriptor == "Injection, infliximab-dyyb, biosimilar, (inflectra), 10 mg"


@pytest.mark.parametrize(
    ("label", "limit"), [("2024Q1", "24.452"), ("2025Q3", "24.126"), ("2026Q1", "24.512")]
)
def test_payment_limit_per_billing_unit_for_each_quirky_quarter(label: str, limit: str) -> None:
    codes = {code.hcpcs: code for code in quarter(label).codes}
    assert codes["J2323"].payment_limit == Decimal(limit)


def test_refused_rows_are_counted_by_reason_and_cpt_rows_are_never_kept() -> None:
    built = quarter("2026Q1")
    assert built.refused[rows.CPT] == 10  # 90371 and 90375 in both files
    assert built.refused[dosage.RANGE] > 0 and built.refused[rows.PACKAGE_MISMATCH] > 0
    assert all(not code.hcpcs[0].isdigit() for code in built.codes)
    assert "Hep b ig" not in built.model_dump_json()
    # Every counted row is accounted for: kept NDCs + refused rows = the file's data rows.
    table = read_table((DATA / "asp-ndc-hcpcs-crosswalk-2026Q1.csv").read_bytes(), "x")
    crosswalk_only = rows.read_crosswalk(table)
    kept = sum(len(entry["items"]) for entry in crosswalk_only.codes.values())
    assert kept + sum(crosswalk_only.refused.values()) == len(table.rows)


def test_the_double_space_of_2024q1_and_its_trailing_commas_read_cleanly() -> None:
    codes = {code.hcpcs: code for code in quarter("2024Q1").codes}
    assert codes["J7512"].billing_unit == "1 mg"  # '1  MG'
    assert codes["J2323"].items[0][:3] == (
        "64406-0008-01",
        "BIOGEN",
        "TYSABRI",
    )  # 2024 wrote names in capitals


def test_hcpcs_workbook_gives_descriptors_for_codes_only() -> None:
    descriptors = read_hcpcs_xlsx((DATA / "HCPC2025_OCT_ANWEB-subset.xlsx").read_bytes(), "subset")
    assert descriptors["J2323"]["descriptor"] == "Injection, natalizumab, 1 mg"
    assert descriptors["J1569"]["short"] == "Gammagard liquid injection"
    assert all(code[0].isalpha() for code in descriptors)  # CPT text never kept


def _workbook(rows: list[str]) -> bytes:
    """A one-sheet xlsx with inline strings: the rows are the sheet's <row> elements as written."""
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + "".join(rows)
        + "</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def _cell(text: str, reference: str | None) -> str:
    where = f' r="{reference}"' if reference else ""
    return f'<c{where} t="inlineStr"><is><t>{text}</t></is></c>'


def test_hcpcs_workbook_cells_written_without_their_reference_follow_the_previous_cell() -> None:
    # The spreadsheet format lets a writer leave out a cell's reference ("B2"): the cell is then the
    # column after the previous one. Such a workbook was a traceback; it reads like any other.
    header = ["HCPC", "SEQNUM", "RECID", "LONG DESCRIPTION", "SHORT DESCRIPTION"]
    values = ["J2323", "0010", "3", "Injection, natalizumab, 1 mg", "Natalizumab injection"]
    data = _workbook(
        [
            "<row>"
            + "".join(_cell(text, f"{letter}1") for text, letter in zip(header, "ABCDE"))
            + "</row>",
            "<row>" + "".join(_cell(text, None) for text in values) + "</row>",
        ]
    )
    assert read_hcpcs_xlsx(data, "resaved.xlsx") == {
        "J2323": {"descriptor": "Injection, natalizumab, 1 mg", "short": "Natalizumab injection"},
    }


def test_a_crosswalk_without_its_payment_file_is_refused_whole() -> None:
    found = read_paths([DATA / "asp-ndc-hcpcs-crosswalk-2026Q1.csv"])
    with pytest.raises(InputError, match="2026Q1 needs its payment-limit"):
        build_quarters(found, {})
