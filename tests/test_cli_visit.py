"""`infusion-calc visit FILE` as a user runs it: the README visit, every format,
and the file's errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infusion_calc.cli import main
from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.payment import with_payment
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.visit.visit import VisitTools, run_visit
from infusion_calc.core.visit.visit_file import read_visit
from infusion_calc.loading import Context

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "visit-rituximab.toml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "visit.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def brief(
    lines: list[dict[str, Any]], code: str = "hcpcs"
) -> list[tuple[str, tuple[str, ...], int]]:
    return [(line[code], tuple(line["modifiers"]), line["units"]) for line in lines]


def test_the_readme_visit_bills_each_drug_and_the_administration_hierarchy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(capsys, "visit", str(EXAMPLE), "--json")
    assert status == 0, err
    result = json.loads(out)
    lines = brief(result["lines"])
    assert ("J1200", ("JZ",), 1) in lines and ("J0131", ("JZ",), 100) in lines
    rituximab = [line for line in lines if line[0] == "J9312"]
    assert sum(units for _, modifiers, units in rituximab if not modifiers) == 72
    assert [line for line in rituximab if line[1] == ("JW",)] == [("J9312", ("JW",), 8)]
    assert brief(result["administration_lines"], "code") == [
        ("96413", (), 1),
        ("96415", (), 3),
        ("96375", (), 2),
    ]
    assert (
        result["note"].index("diphenhydramine")
        < result["note"].index("acetaminophen")
        < result["note"].index("rituximab")
    )
    assert "8 billing units on the JW line" in result["note"]


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("cms1500", "96415"),
        ("ub04", "0260"),
        ("837p", "SV1*HC:96413**UN*1"),
        ("837i", "SV2*0260*HC:96375**UN*2"),
        ("csv", "8,96375,,2"),
        ("fhir", '"code": "96413"'),
        ("text", "96415 × 3"),
    ],
)
def test_every_format_carries_the_drug_and_administration_lines(
    capsys: pytest.CaptureFixture[str], fmt: str, expected: str
) -> None:
    status, out, err = run(capsys, "visit", str(EXAMPLE), "--format", fmt)
    assert status == 0, err
    assert expected in out
    assert "J9312" in out


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ('date = "2026-03-02"\nsetting = "office"\ncolour = "blue"\n', 3, "unknown key 'colour'"),
        (
            'date = "2026-03-02"\nsetting = "office"\n[[administration]]\ndrug = "Rituxan"\ndose = '
            '"500 mg"\nroute = "infusion"\nstart = "09:00"\nstop = "10:00"\nspeed = "fast"\n',
            9,
            "unknown key 'speed'",
        ),
        (
            'date = "2026-03-02"\nsetting = "office"\n[[administration]]\ndrug = "Rituxan"\ndose = '
            '"500 mg"\nroute = "infusion"\nstart = "10:00"\nstop = "09:00"\n',
            8,
            "stop 09:00 is before start 10:00",
        ),
        (
            'date = "2026-03-02"\nsetting = "office"\n[[administration]]\ndrug = "Rituxan"\ndose = '
            '"500 mg"\nroute = "infusion"\nstart = "09:00"\nstop = '
            '"10:00"\n[[administration]]\ndrug = "Venofer"\ndose = "200 mg"\nroute = '
            '"push"\nstart = "09:30"\nstop = "09:35"\n',
            13,
            "overlaps 09:00-10:00",
        ),
        (
            'date = "2026-03-02"\nsetting = "office"\npatient = "A-1"\n[[administration]]\ndrug = '
            '"Rituxan"\ndose = "500 mg"\nroute = "infusion"\npatient = "B-2"\n',
            8,
            "one patient",
        ),
        ('date = "2026-03-02"\nsetting = "clinic"\n', 2, "expected office or hospital"),
    ],
)
def test_a_bad_visit_file_is_one_error_line_with_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, line: int, says: str
) -> None:
    path = write(tmp_path, text)
    status, out, err = run(capsys, "visit", path)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"error: {path}:{line}: ")
    assert says in err


def test_a_missing_time_is_a_failing_check_and_no_code(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        'date = "2026-03-02"\nsetting = "hospital"\nbsa = "1.9 m2"\n[[administration]]\n'
        'drug = "Rituxan"\ndose = "375 mg/m2"\nroute = "infusion"\nstart = "09:30"\n',
    )
    status, out, _ = run(capsys, "visit", path, "--json")
    result = json.loads(out)
    assert status == 0 and result["administration_lines"] == []
    assert [check["code"] for check in result["checks"] if check["severity"] == "error"][:1] == [
        "VISIT_TIMES_MISSING"
    ]


def test_hydration_beside_the_chemotherapy_is_not_billed_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        'date = "2026-03-02"\nsetting = "hospital"\n[[administration]]\nhydration = true\n'
        'route = "infusion"\nstart = "09:00"\nstop = "11:00"\n[[administration]]\ndrug = '
        '"Rituxan"\ndose = "500 mg"\nroute = "infusion"\nstart = "09:10"\nstop = '
        '"10:40"\nconcurrent = true\n',
    )
    status, out, _ = run(capsys, "visit", path, "--json")
    result = json.loads(out)
    assert brief(result["administration_lines"], "code") == [("96413", (), 1)]
    assert "VISIT_NOT_BILLED" in [check["code"] for check in result["checks"]]


DRUGS = [
    ("Rituxan", "375 mg/m2"),
    ("Venofer", "200 mg"),
    ("Tysabri", "300 mg"),
    ("Remicade", "5 mg/kg"),
    ("Entyvio", "300 mg"),
]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(DRUGS), min_size=1, max_size=3))
def test_the_visits_drug_lines_equal_the_single_drug_calculations(
    picked: list[tuple[str, str]],
) -> None:
    context = Context()
    tools = VisitTools(context.site())
    blocks = [
        f'[[administration]]\ndrug = "{drug}"\ndose = "{dose}"\nroute = "infusion"\n'
        f'start = "{9 + 2 * n:02d}:00"\nstop = "{10 + 2 * n:02d}:30"\n'
        for n, (drug, dose) in enumerate(picked)
    ]
    visit = read_visit(
        'date = "2026-03-02"\nsetting = "office"\nweight = "70 kg"\nbsa = "1.9 m2"\n'
        + "".join(blocks)
    )
    result = run_visit(visit, tools)
    alone = [
        line
        for drug, dose in picked
        for line in with_payment(
            calculate(
                context.catalog, CalcRequest(dose=dose, drug=drug, weight="70 kg", bsa="1.9 m2")
            ),
            context.quarters,
            date(2026, 3, 2),
        ).lines
    ]
    assert list(result.drug_lines) == alone


def test_save_keeps_the_visit_as_one_log_entry_with_its_administrations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run(capsys, "visit", str(EXAMPLE), "--save")
    assert status == 0 and "the whole visit" in err
    status, out, _ = run(capsys, "log", "list")
    assert out.count("visit: ") == 1 and "96415 × 3" in out
    status, out, _ = run(capsys, "log", "show", "1")
    assert (
        status == 0
        and "96375 × 2" in out
        and "J9312-JW × 8" in out
        and "Visit administration note" in out
    )
