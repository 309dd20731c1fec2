"""Encounter fields: exact formats accepted, everything else refused with the field named."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import pytest

from infusion_calc.core.errors import InputError
from infusion_calc.core.record.encounter import (
    Encounter,
    EncounterText,
    parse_encounter,
    read_encounter,
)
from infusion_calc.core.record.encounter_values import Expiry, Payer, VialRecord


def parsed(**fields: Any) -> Encounter:
    return parse_encounter(EncounterText(**fields))


def refused(**fields: Any) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_encounter(EncounterText(**fields))
    return caught.value


def test_blank_form_is_an_empty_encounter() -> None:
    assert parse_encounter(EncounterText()) == Encounter()


def test_every_field_is_read_and_normalised() -> None:
    encounter = parsed(
        given_at="2026-03-02T14:05",
        site="  Suite 2 ",
        nurse="Sam Park, RN",
        provider="Mei Lee, MD",
        dx="g35a",
        payer="Commercial",
        prior_auth="PA-778812",
        step_therapy=True,
        lots=("TY2291", "TY2292"),
        expires=("2027-03", "2027-02-15"),
        waste_reason="dose reduced",
        waste_witness="Ana Ruiz, RN",
        start="14:05",
        stop="15:10",
        consent=True,
        rems_checked=True,
        events="Mild headache at 14:40.\r\nRate slowed.",
    )
    assert encounter.given_at == datetime(2026, 3, 2, 14, 5)
    assert encounter.site == "Suite 2"
    assert encounter.dx == "G35.A"
    assert encounter.payer is Payer.COMMERCIAL
    assert encounter.vials == (
        VialRecord("TY2291", Expiry(2027, 3)),
        VialRecord("TY2292", Expiry(2027, 2, 15)),
    )
    assert (encounter.start, encounter.stop) == (time(14, 5), time(15, 10))
    assert encounter.infusion_minutes == 65
    assert encounter.events == "Mild headache at 14:40.\nRate slowed."
    assert encounter.step_therapy and encounter.consent and encounter.rems_checked


@pytest.mark.parametrize(
    "typed, normal",
    [
        ("G35.A", "G35.A"),
        ("g35.c1", "G35.C1"),
        ("G35C1", "G35.C1"),
        ("K50.011", "K50.011"),
        ("G12.0", "G12.0"),
        ("G35", "G35"),
        (" k50911 ", "K50.911"),
    ],
)
def test_icd10_codes_are_normalised(typed: str, normal: str) -> None:
    assert parsed(dx=typed).dx == normal


@pytest.mark.parametrize(
    "typed", ["G3", "G35.", "35.A", "G35.ABCDE", "G35-A", "G35.A;", "GG5.A", "G35 A"]
)
def test_malformed_icd10_code_names_the_field(typed: str) -> None:
    error = refused(dx=typed)
    assert error.field == "dx"
    assert "ICD-10-CM" in error.message and "G35.A" in error.message


@pytest.mark.parametrize(
    "typed",
    [
        "02/03/2026 14:05",
        "2026-3-2 14:05",
        "2026-02-30",
        "2026-03-02 14:05:00",
        "2026-02-30 10:00",
        "2026-03-02 24:00",
        "1926-03-02 10:00",
        "2026-03-02 9:05",
    ],
)
def test_given_at_accepts_only_the_documented_format(typed: str) -> None:
    error = refused(given_at=typed)
    assert error.field == "given_at"
    assert "YYYY-MM-DD HH:MM" in error.message


@pytest.mark.parametrize("field", ["start", "stop"])
@pytest.mark.parametrize("typed", ["9:05", "0905", "25:00", "12:60", "noon", "12:00 pm"])
def test_clock_times_must_be_hh_mm(field: str, typed: str) -> None:
    error = refused(**{field: typed})
    assert error.field == field
    assert "HH:MM" in error.message


def test_start_and_stop_may_be_full_date_times_across_midnight() -> None:
    encounter = parsed(start="2026-03-02 23:30", stop="2026-03-03 00:40")
    assert encounter.infusion_minutes == 70
    assert encounter.service_date == date(2026, 3, 2)


def test_stop_before_start_is_refused_on_the_stop_field() -> None:
    error = refused(start="23:30", stop="00:40")
    assert error.field == "stop"
    assert "past midnight" in error.message


def test_mixed_time_forms_and_day_long_infusions_are_refused() -> None:
    assert "same form" in refused(start="10:00", stop="2026-03-02 11:00").message
    assert "24 hours" in refused(start="2026-03-01 10:00", stop="2026-03-02 10:01").message


@pytest.mark.parametrize(
    "typed, expiry, last",
    [
        ("2027-03", Expiry(2027, 3), date(2027, 3, 31)),
        ("2028-02", Expiry(2028, 2), date(2028, 2, 29)),
        ("2027-02-15", Expiry(2027, 2, 15), date(2027, 2, 15)),
    ],
)
def test_expiration_by_month_runs_to_the_end_of_the_month(
    typed: str, expiry: Expiry, last: date
) -> None:
    record = parsed(lots=("A1",), expires=(typed,)).vials[0]
    assert record.expires == expiry and record.expires.last_day == last
    assert str(record.expires) == typed


@pytest.mark.parametrize("typed", ["03/2027", "2027-13", "2027-02-30", "2027", "27-03", "1999-01"])
def test_malformed_expiration_names_the_vial(typed: str) -> None:
    error = refused(lots=("A1", "B2"), expires=("2027-03", typed))
    assert error.field == "expires"
    assert error.message.startswith("Vial 2:")


def test_lots_and_expirations_pair_by_position_even_when_counts_differ() -> None:
    encounter = parsed(lots=("A1", "B2"), expires=("2027-03",))
    assert encounter.vials == (VialRecord("A1", Expiry(2027, 3)), VialRecord("B2", None))


@pytest.mark.parametrize(
    "lot, fragment",
    [
        ("A1\x07", "invisible character U+0007"),
        ("A\u200b1", "U+200B"),
        ("A1\nB2", "a line break"),
        ("X" * 21, "at most 20"),
    ],
)
def test_lots_must_be_short_plain_text(lot: str, fragment: str) -> None:
    error = refused(lots=(lot,))
    assert error.field == "lots"
    assert fragment in error.message


def test_free_text_limits_and_multiline_events() -> None:
    assert refused(nurse="N" * 81).field == "nurse"
    assert refused(site="Suite\t2").field == "site"
    assert (
        refused(events="a\u202eb").field == "events"
    )  # right-to-left override would garble the note
    assert parsed(events="line one\nline two").events == "line one\nline two"


def test_payer_must_be_one_of_the_four_types() -> None:
    assert parsed(payer="MEDICARE").payer is Payer.MEDICARE
    assert parsed(payer="Medicare Advantage").payer is Payer.MEDICARE_ADVANTAGE
    assert parsed(payer="medicare-advantage").payer is Payer.MEDICARE_ADVANTAGE
    error = refused(payer="Blue Cross")
    assert error.field == "payer"
    assert "medicare, medicare-advantage, medicaid, commercial" in error.message


def test_read_encounter_reports_every_bad_field_and_keeps_the_good_ones() -> None:
    encounter, errors = read_encounter(
        EncounterText(
            given_at="yesterday",
            dx="G35.A",
            payer="cash",
            start="10:00",
            stop="09:00",
            lots=("L1",),
        )
    )
    assert [error.field for error in errors] == ["given_at", "payer", "stop"]
    assert all(error.field in EncounterText._fields for error in errors)
    assert encounter.dx == "G35.A" and encounter.start == time(10, 0)
    assert encounter.given_at is None and encounter.payer is None and encounter.stop is None


def test_encounter_built_in_code_is_checked_too() -> None:
    with pytest.raises(ValueError):
        Encounter(dx="g35a")
    with pytest.raises(ValueError):
        Encounter(start=time(11, 0), stop=time(10, 0))
    with pytest.raises(ValueError):
        Encounter(vials=(VialRecord("A", Expiry(2027, 13)),))


def test_service_date_comes_from_given_at_then_a_dated_start() -> None:
    assert parsed(
        given_at="2026-03-02 10:00", start="2026-04-01 10:00", stop="2026-04-01 11:00"
    ).service_date == date(2026, 3, 2)
    assert parsed(start="10:00", stop="11:00").service_date is None


# The administration-record fields: (field, label in the message, longest text, may span lines).
ADMINISTRATION_FIELDS = [
    ("stop_reason", "The reason less was given", 200, False),
    ("iv_site", "IV site", 80, False),
    ("premeds", "Premedications", 300, False),
    ("rate_changes", "Rate changes", 500, True),
    ("observation", "Post-infusion observation", 200, False),
    ("diluent", "Diluent and bag", 120, False),
    ("filter", "Filter", 80, False),
]


@pytest.mark.parametrize(("field", "label", "limit", "multiline"), ADMINISTRATION_FIELDS)
def test_administration_fields_follow_the_free_text_rules(
    field: str, label: str, limit: int, multiline: bool
) -> None:
    assert getattr(parsed(**{field: "  as typed  "}), field) == "as typed"
    assert getattr(parsed(**{field: "x" * limit}), field) == "x" * limit
    too_long = refused(**{field: "x" * (limit + 1)})
    assert too_long.field == field
    assert (
        too_long.message
        == f"{label} is {limit + 1} characters long; at most {limit} fit the chart note."
    )
    hidden = refused(**{field: "left\u202earm"})  # a bidirectional override would make the note lie
    assert hidden.field == field and "U+202E" in hidden.message
    if multiline:
        assert (
            getattr(parsed(**{field: "slowed 10:05\r\nresumed 10:20"}), field)
            == "slowed 10:05\nresumed 10:20"
        )
    else:
        assert "a line break" in refused(**{field: "two\nlines"}).message


def test_dose_given_is_carried_as_typed_and_left_to_the_engine() -> None:
    # It changes the billed units, so the engine parses it; the encounter only keeps the text.
    text = EncounterText(dose_given="lots", stop_reason="patient left")
    encounter, errors = read_encounter(text)
    assert errors == () and encounter.stop_reason == "patient left"
