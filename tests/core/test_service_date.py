"""`--given-at` takes a date alone: a claim's date
of service is a date (issue 18 §4, domain-facts §8).

The time, when given, still feeds the chart note and the administration codes; a date
alone never invents one (no 00:00 in the note or the FHIR resource)."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from infusion_calc.cli import main
from infusion_calc.core.errors import InputError
from infusion_calc.core.record.encounter import EncounterText, read_encounter
from infusion_calc.core.record.encounter_values import parse_given_at

READ = [
    ("2025-01-10", date(2025, 1, 10)),
    ("  2025-01-10 ", date(2025, 1, 10)),
    ("2025-01-10 14:05", datetime(2025, 1, 10, 14, 5)),
    ("2025-01-10T14:05", datetime(2025, 1, 10, 14, 5)),
    ("", None),
]


@pytest.mark.parametrize(("typed", "expected"), READ)
def test_a_date_or_a_date_and_time_is_read(typed: str, expected: date | datetime | None) -> None:
    assert parse_given_at(typed) == expected
    assert type(parse_given_at(typed)) is type(expected)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("2025-02-30", "not a real date"),
        ("2025-01-1x", "YYYY-MM-DD, or YYYY-MM-DD HH:MM"),
        ("1899-01-10", "not plausible"),
        ("10/01/2025", "YYYY-MM-DD, or YYYY-MM-DD HH:MM"),
    ],
)
def test_anything_else_is_refused_saying_what_to_type(typed: str, says: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_given_at(typed)
    assert says in caught.value.message


def test_the_encounter_has_the_date_of_service_and_no_invented_time() -> None:
    encounter, errors = read_encounter(EncounterText(given_at="2025-01-10"))
    assert errors == ()
    assert encounter.service_date == date(2025, 1, 10)
    assert encounter.given_at == date(2025, 1, 10)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["calc", "--dose", "250 mg", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_calc_prices_a_date_alone_from_its_quarter_and_the_note_shows_the_date(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(capsys, "--given-at", "2025-01-10", "--json", "--note")
    assert status == 0, err
    result = json.loads(out)
    assert result["payment"]["quarter"] == "2025Q1"
    assert "Date/time given: 2025-01-10\n" in result["note"]
    assert "00:00" not in result["note"]


def test_claim_exports_carry_the_date_alone(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--given-at", "2025-01-10", "--format", "fhir")
    assert status == 0, err
    assert json.loads(out)["effectiveDateTime"] == "2025-01-10"
    status, out, err = run(capsys, "--given-at", "2025-01-10", "--format", "837p")
    assert status == 0, err
    assert "DTP*472*D8*20250110~" in out
