"""Encounter details for the chart note and the pre-submission checks: who, when, why, which lots.

Every field is optional. A form (CLI options, the TUI panel) hands over the text as typed in an
`EncounterText`; `read_encounter` parses each field strictly and returns the `Encounter` plus one
`InputError` per bad field (its `field` is the `EncounterText` attribute), so a form can mark
every bad field at once; `parse_encounter` raises the first error instead (the CLI's one
`error:` line). Formats are exact: a date-time is `YYYY-MM-DD HH:MM` (or with `T`), a clock time
`HH:MM`, an expiration `YYYY-MM-DD` or `YYYY-MM`. No patient name or identifier is asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from infusion_calc.core.errors import InputError
from infusion_calc.core.record.encounter_fields import ENCOUNTER_FIELDS

# Re-exported: the forms import the text with its reader.
from infusion_calc.core.record.encounter_fields import EncounterText as EncounterText
from infusion_calc.core.record.encounter_values import (
    DX_NORMAL,
    FREE_TEXT,
    ClockTime,
    Payer,
    VialRecord,
    clean_text,
    parse_clock,
    parse_dx,
    parse_expiry,
    parse_given_at,
    parse_payer,
)

MAX_INFUSION_MINUTES = 24 * 60


@dataclass(frozen=True, slots=True, kw_only=True)
class Encounter:
    """What the chart note and the checks know about one administration. All optional.

    A frozen dataclass, not a pydantic model: `calc --json` builds one on every run, and
    importing pydantic would cost a third of that command's start-up. The
    invariants a model would enforce are checked in `__post_init__`; typed text goes
    through `read_encounter`. Each field is declared on `EncounterText` (label, limit, parser,
    help); it is named again here only for the type its parser returns, which a type checker
    must see (tests/core/test_encounter_fields.py ties each to its row's parser).
    """

    given_at: datetime | date | None = None  # the date of service, with the time when known
    site: str | None = None
    nurse: str | None = None
    provider: str | None = None
    dx: str | None = None
    """ICD-10-CM code, upper case with its dot: "G35.A"."""
    payer: Payer | None = None
    prior_auth: str | None = None
    step_therapy: bool = False
    """Step therapy attested (a commercial plan's requirement)."""
    vials: tuple[VialRecord, ...] = ()
    waste_reason: str | None = None
    waste_witness: str | None = None
    start: ClockTime | None = None
    stop: ClockTime | None = None
    consent: bool = False
    rems_checked: bool = False
    events: str | None = None
    """Adverse events or deviations, free text (may span lines)."""
    # What was done at the chair, as charted (the amount
    # given itself is the engine's, it is billed).
    stop_reason: str | None = None
    iv_site: str | None = None
    premeds: str | None = None
    rate_changes: str | None = None
    observation: str | None = None
    diluent: str | None = None
    """The diluent and bag actually used, not the label's instruction."""
    filter: str | None = None

    def __post_init__(self) -> None:
        if self.dx is not None and not re.fullmatch(DX_NORMAL, self.dx):
            raise ValueError(f"dx {self.dx!r} is not a normalised ICD-10-CM code such as G35.A")
        if self.payer is not None and not isinstance(self.payer, Payer):
            raise ValueError(f"payer must be a Payer, not {self.payer!r}")
        if not isinstance(self.vials, tuple) or not all(
            isinstance(v, VialRecord) for v in self.vials
        ):
            raise ValueError("vials must be a tuple of VialRecord")
        for record in self.vials:
            if record.expires is not None:
                record.expires.last_day  # raises ValueError for 2027-02-30 or month 13
        problem = _times_problem(self.start, self.stop)
        if problem:
            raise ValueError(problem)

    @property
    def service_date(self) -> date | None:
        """The date of service: the date given, else the start's date when it has one."""
        if self.given_at is not None:
            return self.given_at.date() if isinstance(self.given_at, datetime) else self.given_at
        if isinstance(self.start, datetime):
            return self.start.date()
        return None

    @property
    def infusion_minutes(self) -> int | None:
        """Whole minutes from start to stop (integer arithmetic: no float), or None."""
        if self.start is None or self.stop is None:
            return None
        return _minutes_between(self.start, self.stop)


def _vials(lots: tuple[str, ...], expires: tuple[str, ...]) -> tuple[VialRecord, ...]:
    """Pair lots and expirations by position: the n-th of each belongs to the n-th vial."""
    records = []
    for index in range(max(len(lots), len(expires))):
        number = index + 1
        lot_text = lots[index] if index < len(lots) else ""
        expiry_text = expires[index] if index < len(expires) else ""
        lot = clean_text(lot_text, "lots", f"The lot of vial {number}")
        try:
            expiry = parse_expiry(expiry_text)
        except InputError as error:
            raise InputError("expires", f"Vial {number}: {error.message}") from None
        records.append(VialRecord(lot=lot, expires=expiry))
    return tuple(records)


def _minutes_between(start: ClockTime, stop: ClockTime) -> int:
    if isinstance(start, datetime) and isinstance(stop, datetime):
        delta = stop - start
        return delta.days * 24 * 60 + delta.seconds // 60
    return (stop.hour * 60 + stop.minute) - (start.hour * 60 + start.minute)


def _times_problem(start: ClockTime | None, stop: ClockTime | None) -> str | None:
    """Why a start/stop pair cannot be right, or None."""
    if start is None or stop is None:
        return None
    if isinstance(start, datetime) != isinstance(stop, datetime):
        return "Give start and stop in the same form: both HH:MM, or both YYYY-MM-DD HH:MM."
    minutes = _minutes_between(start, stop)
    if minutes <= 0:
        return (
            "The stop time is not after the start time. If the infusion ran past midnight, "
            "give both as YYYY-MM-DD HH:MM."
        )
    if minutes > MAX_INFUSION_MINUTES:
        return "Start to stop is more than 24 hours: check the dates and times."
    return None


_ONE_FIELD_PARSERS: dict[str, Callable[[str, str], object]] = {
    "date_time": parse_given_at,
    "clock": parse_clock,
    "dx": parse_dx,
    "payer": parse_payer,
}
"""The strict parser of each kind of field in the table that is read on its own."""


def read_encounter(text: EncounterText) -> tuple[Encounter, tuple[InputError, ...]]:
    """Parse every field, in the table's (the form's) order; a bad field is left empty and
    reported, so a form can mark them all. Each field is read by the parser its table row names."""
    errors: list[InputError] = []
    # Any: each field's parser gives its own type, and a dict keyed by field name cannot say which;
    # the values meet the dataclass's typed fields in Encounter(**present) below.
    values: dict[str, Any] = {}

    def attempt(name: str, parse: Callable[[], object]) -> None:
        try:
            values[name] = parse()
        except InputError as error:
            errors.append(error)

    for field in ENCOUNTER_FIELDS:
        typed = getattr(text, field.name)
        if field.parser in _ONE_FIELD_PARSERS:
            attempt(field.name, partial(_ONE_FIELD_PARSERS[field.parser], typed, field.name))
        elif field.name in FREE_TEXT:
            free = FREE_TEXT[field.name]
            attempt(
                field.name,
                partial(clean_text, typed, field.name, free.label, multiline=free.multiline),
            )
        elif field.parser == "lots":  # lots and expiries pair up by position, one record per vial
            attempt("vials", partial(_vials, tuple(text.lots), tuple(text.expires)))
        elif field.parser == "flag":
            values[field.name] = bool(typed)
        # "expires" is read with the lots; "dose" is the engine's (it changes the billed units).

    problem = _times_problem(values.get("start"), values.get("stop"))
    if problem:
        errors.append(InputError("stop", problem))
        values["stop"] = None
    present = {name: value for name, value in values.items() if value is not None}
    return Encounter(**present), tuple(errors)


def parse_encounter(text: EncounterText) -> Encounter:
    """The encounter, or the first field's InputError (in form order)."""
    encounter, errors = read_encounter(text)
    if errors:
        raise errors[0]
    return encounter
