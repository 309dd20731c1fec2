"""Batch's `visit` column: the rows of one visit become one claim,
its administration lines after its rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.cli import main

ORDERS = """visit,hcpcs,drug,dose,bsa,vial,container,route,start,stop,setting
A,J1200,,50 mg,,50 mg/1 mL,single-dose,push,09:00,09:02,office
A,J0131,,1000 mg,,1000 mg/100 mL,single-dose,infusion,09:05,09:20,office
A,,Rituxan,375 mg/m2,1.9 m2,,,infusion,09:30,13:45,office
B,,Venofer,200 mg,,,,push,10:00,10:05,hospital
"""


def records(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str) -> list[dict[str, Any]]:
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    assert main(["batch", str(path), "--format", "jsonl"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_each_visit_gets_its_administration_lines_after_its_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    found = [
        (r["visit"], r["hcpcs"], r["line"], tuple(r["modifiers"]), r["units"])
        for r in records(capsys, tmp_path, ORDERS)
    ]
    admin = [(visit, code, units) for visit, code, line, _, units in found if line == "admin"]
    assert admin == [("A", "96413", 1), ("A", "96415", 3), ("A", "96375", 2), ("B", "96374", 1)]
    assert [item[0] for item in found] == ["A"] * 8 + [
        "B"
    ] * 2  # each visit's lines together, in file order
    assert ("A", "J9312", 3, ("JW",), 8) in found


def test_a_file_without_a_visit_column_has_no_administration_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    text = "\n".join(line.split(",", 1)[1] for line in ORDERS.splitlines()) + "\n"
    assert all(r["line"] != "admin" for r in records(capsys, tmp_path, text))
