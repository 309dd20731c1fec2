"""Every CSV the project writes opens in a spreadsheet as data: no
cell runs as a formula (CWE-1236), no character rewrites a terminal,
and a reader finds exactly the records that were written."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infusion_calc.cli import main
from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.pipeline.site_config import parse_site_config
from infusion_calc.core.record.csv_out import CsvWriter, cell
from infusion_calc.loading import packaged_catalog
from infusion_calc.log import save
from tests.catalog_entries import NOC_DESCRIPTOR, drug_entry, product_entry, write_site_catalog

HOSTILE = [
    " =1+1",
    "\n@x",
    "=1+1",
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    '=HYPERLINK("http://evil.example","x")',
    "\t=1+1",
    "\r=1+1",
]
NUMBERS = ["-5", "-0.5", "12.5", "0"]


def would_run_as_formula(text: str) -> bool:
    """What a spreadsheet does on opening a CSV: leading blanks/TAB/CR dropped, then =, +, - or @
    starts a formula, unless the cell is a plain number."""
    stripped = text.lstrip(" \t\r\n")
    if not stripped or stripped[0] not in "=+-@":
        return False
    try:
        float(stripped)
    except ValueError:
        return True
    return False


def read_as_spreadsheet(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        for value in row:
            assert not would_run_as_formula(value), f"cell {value!r} would run as a formula"
            assert "\x1b" not in value and "\x07" not in value, (
                f"cell {value!r} holds a terminal control"
            )
    return rows


def test_formula_cells_get_a_text_mark_and_numbers_stay_numbers() -> None:
    for text in HOSTILE:
        assert cell(text) == "'" + text
    for text in NUMBERS:
        assert cell(text) == text
    assert cell(None) is None and cell(5) == 5 and cell("") == ""
    assert (
        cell(" plain") == " plain" and cell("\ud800x") == "\\ud800x"
    )  # a lone surrogate cannot even be encoded
    assert (
        cell("1 × 300 mg/15 mL") == "1 × 300 mg/15 mL" and cell("é=1") == "é=1"
    )  # printable text, any script
    assert (
        cell("\u2028=1") == "\\u2028=1" and cell("\u202e=1") == "\\u202e=1"
    )  # acting characters escaped


def test_log_export_csv_neutralises_a_patient_id_and_keeps_json_exact(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    allowed = parse_site_config("[log]\nstore_patient_id = true\n", "config.toml")
    save(calculate(packaged_catalog(), CalcRequest("250 mg")), patient_id="=1+1", config=allowed)
    assert main(["log", "export", "--format", "csv"]) == 0
    rows = read_as_spreadsheet(capsys.readouterr().out)
    header, first = rows[0], rows[1]
    assert first[header.index("patient_id")] == "'=1+1"
    assert main(["log", "export", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["patient_id"] == "=1+1"


def test_log_export_csv_neutralises_a_site_catalog_drug_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = write_site_catalog(
        tmp_path,
        drug_entry(
            "J9999",
            descriptor=NOC_DESCRIPTOR,
            generic="=1+2",
            billing_unit="1 mg",
            products=[product_entry("X", ndc_note="site")],
        ),
    )
    assert (
        main(["calc", "--catalog", str(site), "--drug", "=1+2", "--dose", "50 mg", "--save"]) == 0
    )
    capsys.readouterr()
    assert main(["log", "export", "--format", "csv"]) == 0
    rows = read_as_spreadsheet(capsys.readouterr().out)
    assert rows[1][rows[0].index("drug")].startswith("'=1+2")


def test_batch_pass_through_cells_are_neutralised_numbers_kept_and_jsonl_exact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cells = [*HOSTILE, *NUMBERS, "a\x1b]0;PWNED\x07b", "line\ronly-cr"]
    body = "".join('"{}",Tysabri,300 mg\n'.format(text.replace('"', '""')) for text in cells)
    orders = tmp_path / "orders.csv"
    orders.write_text("Note,Drug,Dose\n" + body, encoding="utf-8", newline="")
    assert main(["batch", str(orders), "--jobs", "1"]) == 0
    rows = read_as_spreadsheet(capsys.readouterr().out)
    assert len(rows) == 1 + len(cells)  # the CR cell did not split a record
    notes = [row[0] for row in rows[1:]]
    assert notes[: len(HOSTILE)] == ["'" + text for text in HOSTILE]
    assert notes[len(HOSTILE) : len(HOSTILE) + len(NUMBERS)] == NUMBERS
    assert notes[-2] == "a\\x1b]0;PWNED\\x07b"
    assert notes[-1] == "line\ronly-cr"
    assert main(["batch", str(orders), "--jobs", "1", "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [record["Note"] for record in records] == cells  # JSON carries the exact text


def test_calc_format_csv_is_read_back_as_the_lines_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        main(["calc", "--dose", "250 mg", "--format", "csv", "--given-at", "2026-05-01 10:30"]) == 0
    )
    rows = read_as_spreadsheet(capsys.readouterr().out)
    assert rows[1][:4] == ["1", "J2323", "", "250"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(),
            st.sampled_from(["1 × 300 mg/15 mL", " =1", "a\rb", "-5", "é=", ""]),
            st.integers(-(10**6), 10**6),
            st.decimals(allow_nan=False, allow_infinity=False),
            st.none(),
        ),
        max_size=8,
    )
)
def test_a_row_is_written_as_each_cell_made_safe_alone(
    row: list[str | int | Decimal | None],
) -> None:
    """The writer's pass over a row skips nothing: every cell is written as `cell()` makes it,
    and a row with a CR in any cell is quoted throughout."""
    written = io.StringIO()
    CsvWriter(written).writerow(row)
    cells = [cell(value) for value in row]
    quoting: Literal[0, 1, 2, 3] = (
        csv.QUOTE_ALL
        if any(isinstance(text, str) and "\r" in text for text in cells)
        else csv.QUOTE_MINIMAL
    )
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\n", quoting=quoting).writerow(cells)
    assert written.getvalue() == expected.getvalue()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(st.text(), st.integers(-(10**6), 10**6), st.none()), min_size=1, max_size=6
        ),
        max_size=5,
    )
)
def test_any_cells_read_back_as_the_same_records_none_a_formula(
    rows: list[list[str | int | None]],
) -> None:
    """The sweep's kinds of input: controls, CR, quotes, separators, formula starts, surrogates."""
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    for row in rows:
        writer.writerow(row)
    read = read_as_spreadsheet(buffer.getvalue())
    assert len(read) == len(rows)
    for written, got in zip(rows, read):
        assert len(got) == len(written)
        for value, text in zip(written, got):
            if (
                isinstance(value, str)
                and value.isprintable()
                and value.lstrip()[:1] not in ("=", "+", "-", "@")
            ):
                assert text == value  # ordinary text is not touched


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
            st.sampled_from(["a\rb", "\r", "=1+1\r\n", '"', "-5"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_pass_through_cells_come_back_one_record_each_and_none_a_formula(
    notes: list[str],
) -> None:
    """The sweep's pass-through cells (quotes, CR, LF, ESC, formula starts,
    other scripts) through batch."""
    import tempfile
    from contextlib import redirect_stderr, redirect_stdout
    from pathlib import Path

    source = io.StringIO()
    writer = csv.writer(
        source, lineterminator="\n", quoting=csv.QUOTE_ALL
    )  # the input is well formed
    writer.writerow(["note", "drug", "dose"])
    for note in notes:
        writer.writerow([note, "Tysabri", "300 mg"])
    with tempfile.TemporaryDirectory() as folder:
        orders = Path(folder) / "orders.csv"
        orders.write_text(source.getvalue(), encoding="utf-8", newline="")
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            status = main(["batch", str(orders), "--jobs", "1"])
    rows = read_as_spreadsheet(out.getvalue())
    assert status == 0, err.getvalue()
    assert len(rows) == 1 + len(notes)  # one record per order: no cell split or swallowed a row
    for row, note in zip(rows[1:], notes):
        if note.isprintable() and note.lstrip()[:1] not in ("=", "+", "-", "@"):
            assert row[0] == note  # ordinary text passes through untouched
