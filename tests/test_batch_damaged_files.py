"""A damaged orders file costs only the rows that are damaged, and every row not read is named."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infusion_calc.cli import main

GOOD = "Tysabri,300 mg,{n}\n"


def run_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes
) -> tuple[int, list[dict[str, Any]], str]:
    orders = tmp_path / "orders.csv"
    orders.write_bytes(data)
    status = main(["batch", str(orders), "--jobs", "1"])
    captured = capsys.readouterr()
    return status, list(csv.DictReader(io.StringIO(captured.out, newline=""))), captured.err


def orders(count: int) -> list[bytes]:
    return [GOOD.format(n=f"E{number}").encode() for number in range(count)]


def test_one_bad_byte_refuses_its_row_and_the_rows_around_it_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = orders(3)
    rows[1] = b"Tysabri,3\xff00 mg,E1\n"
    status, written, err = run_bytes(tmp_path, capsys, b"drug,dose,encounter\n" + b"".join(rows))
    assert status == 2
    assert [row["encounter"] for row in written] == ["E0", "E2"]
    assert err.splitlines() == [
        "error: row 3: byte 0xFF is not UTF-8 text; "
        "the row was skipped (save the file as CSV UTF-8, or retype that cell)",
        "error: 1 of 3 rows refused (above); the other rows were written",
    ]


def test_a_bad_byte_in_the_header_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, written, err = run_bytes(tmp_path, capsys, b"drug,d\xe9se\n" + b"".join(orders(2)))
    assert status == 2 and written == []
    assert err.startswith("error: ") and "row 1" in err and "0xE9" in err and err.count("\n") == 1


def test_standard_input_with_a_bad_byte_goes_on_too() -> None:
    data = (
        b"drug,dose,encounter\n"
        + b"".join(orders(2))
        + b"Tysabri,\x80,E9\n"
        + GOOD.format(n="E3").encode()
    )
    result = subprocess.run(
        [sys.executable, "-m", "infusion_calc", "batch", "-", "--jobs", "1"],
        input=data,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 2
    written = list(csv.DictReader(io.StringIO(result.stdout.decode(), newline="")))
    assert [row["encounter"] for row in written] == ["E0", "E1", "E3"]
    assert b"row 4: byte 0x80 is not UTF-8" in result.stderr


def test_a_quote_never_closed_names_the_rows_it_swallowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (
        b'drug,dose,note\nTysabri,300 mg,ok\nTysabri,300 mg,"opened\nTysabri,300 mg,x\nTysabri,300 '
        b"mg,y\n"
    )
    status, written, err = run_bytes(tmp_path, capsys, data)
    assert status == 2 and len(written) == 1
    assert "row 3: a quotation mark in this row is never closed" in err
    assert "lines 4–5 were not read" in err


def test_a_quote_closed_rows_later_in_an_order_cell_is_refused_naming_the_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = (
        b'drug,dose,note\nTysabri,"300 mg,a\nTysabri,300 mg,b\nTysabri,300 mg",c\nTysabri,300 '
        b"mg,d\n"
    )
    status, written, err = run_bytes(tmp_path, capsys, data)
    assert status == 2
    assert [row["note"] for row in written] == ["d"]
    assert "row 2: the 'dose' cell runs over lines 2–4 of the file" in err
    assert "rows on lines 3–4 were not read" in err


def test_a_pass_through_cell_on_several_lines_is_still_fine(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = b'drug,dose,note\nTysabri,300 mg,"first line\nsecond line"\nTysabri,300 mg,e\n'
    status, written, err = run_bytes(tmp_path, capsys, data)
    assert status == 0, err
    assert [row["note"] for row in written] == ["first line\nsecond line", "e"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    count=st.integers(1, 8),
    data=st.data(),
    bad=st.sampled_from(
        [b"\xff", b"\x80", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82"]
    ),
)
def test_any_non_utf8_byte_anywhere_in_a_row_costs_that_row_only(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    count: int,
    data: st.DataObject,
    bad: bytes,
) -> None:
    rows = orders(count)
    target = data.draw(st.integers(0, count - 1))
    line = rows[target]
    cut = data.draw(st.integers(0, len(line) - 1))  # before the line's own newline
    rows[target] = line[:cut] + bad + line[cut:]
    status, written, err = run_bytes(tmp_path, capsys, b"drug,dose,encounter\n" + b"".join(rows))
    assert status == 2
    assert [row["encounter"] for row in written] == [f"E{n}" for n in range(count) if n != target]
    assert f"error: row {target + 2}: byte 0x{bad[0]:02X} is not UTF-8" in err


def test_a_line_with_no_end_costs_its_row_and_never_fills_memory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = orders(3)
    rows[1] = (
        b"Tysabri,300 mg," + b"x" * 3_000_000 + b"\n"
    )  # a pasted blob: three times the line limit
    status, written, err = run_bytes(tmp_path, capsys, b"drug,dose,encounter\n" + b"".join(rows))
    assert status == 2
    assert [row["encounter"] for row in written] == ["E0", "E2"]
    assert "row 3: a line is longer than 1,048,576 characters" in err


def test_a_device_that_never_ends_is_refused_at_its_header_at_once() -> None:
    """`batch /dev/zero` read one endless line into memory until killed."""
    result = subprocess.run(
        [sys.executable, "-m", "infusion_calc", "batch", "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith(
        "error: /dev/zero: the header row (row 1): a line is longer than"
    )
