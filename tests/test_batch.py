"""`infusion-calc batch ORDERS.csv`: one row per claim line,
bad rows reported and skipped, streamed."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.cli import main

ORDERS = """\
Encounter,Drug,HCPCS,Dose,Weight,Height,BSA,Vial,Round within,Billing-Unit,Chair
E1,Tysabri,,300 mg,,,,,,,A
E2,remicade,,5 mg/kg,73 kg,,,,10,,B
E3,,J2326,1,5 mg,,,,,,,C
E4,rituxan,,375 mg/m2,70 kg,170 cm,,,,,D
E5,,J9999,95 mg,,,,100 mg/10 mL;50 mg/5 mL,,1 mg,E
E6,remicade,,5 mg/kg,,,,,,,F
,,,,,,,,,,
E7,belimumab,,10 mg/kg,81.5 kg,,,120 mg;400 mg,,,G
"""


def run_batch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, *options: str
) -> tuple[int, str, str]:
    orders = tmp_path / "orders.csv"
    orders.write_text(text, encoding="utf-8")
    status = main(["batch", str(orders), "--jobs", "1", *options])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def calc_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["calc", *args, "--json"]) == 0
    answer: dict[str, Any] = json.loads(capsys.readouterr().out)
    return answer


def test_each_claim_line_is_a_row_with_the_encounter_columns_passed_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_batch(tmp_path, capsys, ORDERS)
    records = list(csv.DictReader(io.StringIO(out)))
    assert list(records[0])[:2] == ["Encounter", "Chair"]  # pass-through first, in input order
    by_encounter: dict[str, list[dict[str, str]]] = {}
    for record in records:
        by_encounter.setdefault(record["Encounter"], []).append(record)
    assert sorted(by_encounter) == ["E1", "E2", "E4", "E5", "E7"]
    tysabri = by_encounter["E1"]
    assert [
        (r["modifiers"], r["units"], r["ndc"], r["ndc_quantity"], r["Chair"]) for r in tysabri
    ] == [
        ("JZ", "300", "64406000801", "15", "A"),
    ]
    infliximab = by_encounter["E2"]
    assert [(r["line"], r["modifiers"], r["units"]) for r in infliximab] == [
        ("1", "", "37"),
        ("2", "JW", "3"),
    ]
    assert infliximab[0]["dose"] == "365 mg" and infliximab[0]["dose_rounding"] == "400 mg"
    assert {r["row"] for r in by_encounter["E7"]} == {
        "9"
    }  # spreadsheet numbering, blank row counted
    assert status == 2 and "E6" not in by_encounter


def test_bad_rows_are_reported_by_row_number_and_the_rows_after_them_still_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_batch(tmp_path, capsys, ORDERS)
    lines = err.splitlines()
    assert lines[0].startswith("error: row 4: ")  # E3: the csv split "1,5 mg" over two cells
    assert (
        lines[1]
        == "error: row 7: Weight: This dose is per kg: enter the patient's weight, e.g. 70 kg."
    )
    assert lines[-1].startswith("error: 2 of 7 rows refused")
    assert len(lines) == 3  # the blank row is skipped, not refused
    assert status == 2
    assert "E7" in out  # after both refusals


def test_too_many_cells_is_a_refusal_naming_the_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_batch(tmp_path, capsys, "drug,dose\nTysabri,300 mg\nTysabri,1,5 mg\n")
    assert err.splitlines()[0] == "error: row 3: 3 cells, but the header names 2 columns"
    assert status == 2 and out.count("J2323") == 1


def test_an_oversized_cell_refuses_its_row_only_and_the_rows_after_it_still_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Over the csv module's 131,072-character cell limit: once in a plain
    cell, once in a quoted cell running over several lines (its inner
    lines must not be read as orders), once in an unclosed quote."""
    huge = "x" * 140_000
    text = (
        "visit,drug,dose,note\n"
        "V1,Tysabri,300 mg,ok\n"
        f"V2,Tysabri,300 mg,{huge}\n"
        "V3,ocrevus,600 mg,ok\n"
        f'V4,Tysabri,300 mg,"{huge}\nTysabri,1 mg,inside the cell\n{huge}"\n'
        "V5,Tysabri,300 mg,ok\n"
        f'V6,Tysabri,300 mg,"{huge}\nTysabri,2 mg,never closed\n'
    )
    status, out, err = run_batch(tmp_path, capsys, text)
    assert status == 2
    assert [(r["visit"], r["row"], r["dose"]) for r in csv.DictReader(io.StringIO(out))] == [
        ("V1", "2", "300 mg"),
        ("V3", "4", "600 mg"),
        ("V5", "6", "300 mg"),
    ]
    lines = err.splitlines()
    assert [line.split(":")[0:2] for line in lines[:3]] == [
        ["error", " row 3"],
        ["error", " row 5"],
        ["error", " row 7"],
    ]
    assert "longer than 131,072 characters" in lines[0] and "quotation mark" in lines[0]
    assert lines[3].startswith("error: 3 of 6 rows refused") and len(lines) == 4


def test_an_oversized_header_cell_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_batch(
        tmp_path, capsys, "drug,dose," + "x" * 140_000 + "\nTysabri,300 mg,\n"
    )
    assert status == 2 and out == ""
    assert (
        err.count("\n") == 1 and "orders.csv: the header row (row 1): a cell is longer than" in err
    )


@pytest.mark.parametrize("jobs", ["5000", "99999999999999999999", "0", "-1", "٣", "2.5"])
def test_a_number_of_workers_the_machine_cannot_use_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("drug,dose\nTysabri,300 mg\n", encoding="utf-8")
    assert main(["batch", str(orders), "--jobs", jobs]) == 2
    captured = capsys.readouterr()
    assert (
        captured.out == "" and captured.err.startswith("error: ") and captured.err.count("\n") == 1
    )
    if jobs == "5000":
        assert "at most" in captured.err and "per CPU" in captured.err


def test_the_most_workers_allowed_is_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from infusion_calc.cli.batch import max_jobs

    orders = tmp_path / "orders.csv"
    orders.write_text(
        "drug,dose\nTysabri,300 mg\n", encoding="utf-8"
    )  # one chunk: no worker is started
    assert main(["batch", str(orders), "--jobs", str(max_jobs())]) == 0
    assert main(["batch", str(orders), "--jobs", str(max_jobs() + 1)]) == 2
    assert "J2323" in capsys.readouterr().out


def test_a_clean_file_exits_zero_and_says_nothing_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The empty unnamed columns a spreadsheet leaves at the right are not an error.
    status, out, err = run_batch(
        tmp_path, capsys, "drug,dose,,\nTysabri,300 mg,,\nocrevus,600 mg\n"
    )
    assert (status, err) == (0, "")
    assert [r["hcpcs"] for r in csv.DictReader(io.StringIO(out))] == ["J2323", "J2350"]


def test_every_row_matches_calc_json_for_the_same_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The batch is the calculator run per row: its lines are the contract's lines."""
    orders = [
        ("Tysabri", "", "250 mg", "", "", "", "", "", ""),
        ("remicade", "", "7.5 mg/kg", "61.3 kg", "", "", "", "10", ""),
        ("rituxan", "", "375 mg/m2", "", "", "1.77 m2", "", "", ""),
        ("", "J2326", "12 mg", "", "", "", "", "", ""),
        ("belimumab", "", "10 mg/kg", "154 lb", "", "", "", "", ""),
        ("", "J9999", "95 mg", "", "", "", "100 mg/10 mL;50 mg/5 mL", "", "1 mg"),
    ]
    header = "drug,hcpcs,dose,weight,height,bsa,vial,round_within,billing_unit\n"
    text = header + "".join(",".join(order) + "\n" for order in orders)
    status, out, err = run_batch(tmp_path, capsys, text, "--format", "jsonl")
    assert (status, err) == (0, "")
    records = [json.loads(line) for line in out.splitlines()]
    for row, order in enumerate(orders, start=2):
        drug, hcpcs, dose, weight, height, bsa, vials, round_within, billing_unit = order
        args = ["--dose", dose]
        for option, value in (
            ("--drug", drug),
            ("--hcpcs", hcpcs),
            ("--weight", weight),
            ("--height", height),
            ("--bsa", bsa),
            ("--round-within", round_within),
            ("--billing-unit", billing_unit),
        ):
            if value:
                args += [option, value]
        for size in filter(None, vials.split(";")):
            args += ["--vial", size]
        expected = calc_json(capsys, *args)
        mine = [r for r in records if r["row"] == row]
        assert [
            {k: r[k] for k in ("modifiers", "units", "ndc", "ndc_unit", "ndc_quantity")}
            for r in mine
        ] == [
            {k: line[k] for k in ("modifiers", "units", "ndc", "ndc_unit", "ndc_quantity")}
            for line in expected["lines"]
        ]
        for key in (
            "hcpcs",
            "drug",
            "dose_ordered",
            "dose",
            "draw_volume",
            "administered_units",
            "discarded_units",
        ):
            assert {r[key] for r in mine} == {expected[key]}, key
        assert mine[0]["warnings"] == list(dict.fromkeys(w["code"] for w in expected["warnings"]))


def test_jsonl_has_the_csv_columns_as_keys_with_json_types(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, csv_out, _ = run_batch(tmp_path, capsys, ORDERS)
    _, jsonl_out, _ = run_batch(tmp_path, capsys, ORDERS, "--format", "jsonl")
    header = csv_out.splitlines()[0].split(",")
    records = [json.loads(line) for line in jsonl_out.splitlines()]
    assert len(records) == len(csv_out.splitlines()) - 1
    assert all(list(record) == header for record in records)
    assert (
        records[0]["units"] == 300
        and records[0]["modifiers"] == ["JZ"]
        and records[0]["ndc_quantity"] == "15"
    )


def test_out_writes_the_file_and_nothing_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "claims.csv"
    status, out, err = run_batch(
        tmp_path, capsys, "drug,dose\nTysabri,300 mg\n", "--out", str(target)
    )
    assert (status, out, err) == (0, "", "")
    assert (
        target.read_text(encoding="utf-8").splitlines()[1].startswith("2,J2323,natalizumab,300 mg")
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("drug,weight\nTysabri,70 kg\n", "no 'dose' column"),
        ("dose,weight\n300 mg,70 kg\n", "no 'drug' or 'hcpcs' column"),
        (
            "drug,dose,units\nTysabri,300 mg,3\n",
            "column 'units' would clash with the output column",
        ),
        (
            "drug,Dose,dose\nTysabri,300 mg,300 mg\n",
            "columns 'Dose' and 'dose' are the same column",
        ),
        ("drug,,dose\nTysabri,,300 mg\n", "column 2 has no name"),
        ("", "the first row must name the columns"),
    ],
)
def test_an_unusable_header_is_one_error_line_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, says: str
) -> None:
    status, out, err = run_batch(tmp_path, capsys, text)
    assert status == 2 and out == ""
    assert (
        err.count("\n") == 1 and err.startswith("error: ") and "orders.csv: " in err and says in err
    )


def test_a_spreadsheet_export_with_a_byte_order_mark_reads_its_first_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run_batch(tmp_path, capsys, "\ufeffdrug,dose\nTysabri,300 mg\n")
    assert status == 0 and "J2323" in out


def test_the_orders_file_is_never_overwritten_by_the_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("drug,dose\nTysabri,300 mg\n", encoding="utf-8")
    assert main(["batch", str(orders), "--out", str(tmp_path / "." / "orders.csv")]) == 2
    assert "that is the orders file" in capsys.readouterr().err
    assert orders.read_text(encoding="utf-8") == "drug,dose\nTysabri,300 mg\n"


def test_a_missing_file_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["batch", str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("error: ")
        and err.count("\n") == 1
        and "nope.csv: cannot read the orders file" in err
    )


def _orders_text(rows: int) -> str:
    lines = ["drug,dose,weight,visit"]
    for index in range(rows):
        lines.append(
            f"remicade,5 mg/kg,{50 + index % 50}.5 kg,V{index}"
            if index % 97
            else "remicade,5 mg/kg,,bad"
        )
    return "\n".join(lines) + "\n"


def test_worker_processes_give_byte_for_byte_the_same_output_and_errors(tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(_orders_text(1300), encoding="utf-8")  # three chunks: the workers are used
    runs = [
        subprocess.run(
            [sys.executable, "-m", "infusion_calc", "batch", str(orders), "--jobs", jobs],
            capture_output=True,
            text=True,
            timeout=60,
        )
        for jobs in ("1", "2")
    ]
    assert runs[0].returncode == runs[1].returncode == 2
    assert runs[0].stdout == runs[1].stdout and runs[0].stderr == runs[1].stderr
    assert runs[0].stdout.count("\n") > 2000 and runs[0].stderr.count("error: row") == 14


def test_results_flow_out_before_the_input_ends(tmp_path: Path) -> None:
    """Streaming, observed: with stdin still open, claim lines for the first rows already arrive."""
    process = subprocess.Popen(
        [sys.executable, "-m", "infusion_calc", "batch", "-", "--jobs", "1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdin is not None and isinstance(
        process.stdout, io.BufferedReader
    )  # both piped above (read1: what has come)
    try:
        process.stdin.write(_orders_text(3000).encode())
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], 30)
        assert ready, "no output while the input was still open: the batch is not streaming"
        assert process.stdout.read1(65536).startswith(b"visit,row,hcpcs")
    finally:
        process.stdin.close()
        process.stdout.close()
        process.wait(timeout=30)


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(_orders_text(40), encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "infusion_calc",
        "batch",
        str(orders),
        "--out",
        str(tmp_path / "o.csv"),
    ]
    piped = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (
        piped.stderr.startswith("error: row 2: ")
        and "\r" not in piped.stderr
        and "[" not in piped.stderr
    )

    main_fd, terminal = pty.openpty()
    process = subprocess.Popen(command, stderr=terminal, stdout=subprocess.DEVNULL)
    os.close(terminal)
    seen = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main_fd], [], [], 1)
        if ready:
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:  # the terminal closed: the process has finished
                break
            if not chunk:
                break
            seen += chunk
    process.wait(timeout=30)
    os.close(main_fd)
    assert b"\r[" in seen and b"40 rows" in seen


def test_a_dose_given_column_bills_what_was_given_and_refuses_more_than_prepared(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = (
        "drug,dose,Dose Given,stop_reason\nTysabri,300 mg,200 mg,hives\nTysabri,300 "
        "mg,,\nTysabri,300 mg,400 mg,x\n"
    )
    status, out, err = run_batch(tmp_path, capsys, orders)
    records = list(csv.DictReader(io.StringIO(out)))
    assert [
        (r["row"], r["dose"], r["dose_given"], r["modifiers"], r["units"], r["stop_reason"])
        for r in records
    ] == [
        ("2", "300 mg", "200 mg", "", "200", "hives"),
        ("2", "300 mg", "200 mg", "JW", "100", "hives"),
        ("3", "300 mg", "", "JZ", "300", ""),
    ]
    assert "DOSE_PARTLY_GIVEN" in records[0]["warnings"]
    assert status == 2 and err.startswith(
        "error: row 4: Dose Given: 400 mg given is more than the 300 mg prepared"
    )


def test_each_row_is_priced_from_the_quarter_of_its_given_at_like_calc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "visit,drug,dose,given_at\n"
        "V1,Tysabri,250 mg,2026-02-03 10:00\n"  # 2026Q1: $24.512 per 1 mg unit, 250 units and JW 50
        "V2,Tysabri,300 mg,2026-05-04 09:00\n"  # no quarter loaded covers May
        "V3,Tyruko,300 mg,2026-02-03 10:00\n"  # Q5134 has no limit in the 2026Q1 file
    )
    status, out, err = run_batch(tmp_path, capsys, text)
    assert status == 0, err
    records: dict[str, list[dict[str, str]]] = {}
    for record in csv.DictReader(io.StringIO(out)):
        records.setdefault(record["visit"], []).append(record)
    assert [r["medicare_payment"] for r in records["V1"]] == ["6128.00", "1225.60"]
    assert [r["medicare_payment"] for r in records["V2"] + records["V3"]] == ["", ""]
    for visit, drug, dose, given_at in (
        ("V1", "Tysabri", "250 mg", "2026-02-03 10:00"),
        ("V2", "Tysabri", "300 mg", "2026-05-04 09:00"),
        ("V3", "Tyruko", "300 mg", "2026-02-03 10:00"),
    ):
        calc = calc_json(capsys, "--drug", drug, "--dose", dose, "--given-at", given_at)
        codes = [
            w["code"]
            for w in calc["warnings"]
            if w["code"].startswith("PAYMENT_") or w["code"].startswith("NDC_")
        ]
        assert [code for code in records[visit][0]["warnings"].split(";") if code] == list(
            dict.fromkeys(codes)
        )
        assert [r["medicare_payment"] or None for r in records[visit]] == [
            line["medicare_payment"] for line in calc["lines"]
        ]
