"""Encounter details for the chart note and the pre-submission checks: who, when, why, which lots.

Every field is optional. A form (CLI options, the TUI panel) hands over the text as typed in an
`EncounterText`; `read_encounter` parses each field strictly and returns the `Encounter` plus one
`InputError` per bad field (its `field` is the `EncounterText` attribute), so a form can mark
every bad field at once; `parse_encounter` raises the first error instead (the CLI's one
`error:` line). Formats are exact: a date-time is `YYYY-MM-DD HH:MM` (or with `T`), a clock time
`HH:MM`, an expiration `YYYY-MM-DD` or `YYYY-MM`. No patient name or identifier is asked for.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from functools import partial
from typing import Any, NamedTuple

from infusion_calc.core.errors import InputError, shown
from infusion_calc.core.record.encounter_fields import CLOCK_FORMAT, DATE_TIME_FORMAT, ENCOUNTER_FIELDS, EXPIRY_FORMAT
from infusion_calc.core.record.encounter_fields import SERVICE_DATE_FORMAT as _SERVICE_DATE  # own line: the one above is full
from infusion_calc.core.record.safe_text import free_text


class Payer(str, Enum):
    MEDICARE = "medicare"
    """Original Medicare (Part B fee-for-service): the MAC's articles apply."""
    MEDICARE_ADVANTAGE = "medicare-advantage"
    """A Medicare Advantage (Part C) plan: its own coverage policies and prior authorization."""
    MEDICAID = "medicaid"
    COMMERCIAL = "commercial"


class Expiry(NamedTuple):
    """A vial's expiration as printed: a day, or a month (good through the month's last day).

    Checked to be a real date where an Encounter is built (`last_day` raises otherwise).
    """

    year: int
    month: int
    day: int | None = None

    @property
    def last_day(self) -> date:
        """The last day the vial may be used: the day given, or the end of the month given."""
        day = self.day or calendar.monthrange(self.year, self.month)[1]
        return date(self.year, self.month, day)

    def __str__(self) -> str:
        month = f"{self.year:04d}-{self.month:02d}"
        return f"{month}-{self.day:02d}" if self.day else month


class VialRecord(NamedTuple):
    """Lot and expiration of one vial opened, in the order the vials are listed."""

    lot: str | None = None
    expires: Expiry | None = None


ClockTime = datetime | time
"""A start or stop: a full date-time, or a time of day on the day given."""

MAX_INFUSION_MINUTES = 24 * 60


@dataclass(frozen=True, slots=True, kw_only=True)
class Encounter:
    """What the chart note and the checks know about one administration. All optional.

    A frozen dataclass, not a pydantic model: `calc --json` builds one on every run, and
    importing pydantic would cost a third of that command's start-up. The
    invariants a model would enforce are checked in `__post_init__`; typed text goes
    through `read_encounter`.
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
    # What was done at the chair, as charted (the amount given itself is the engine's, it is billed).
    stop_reason: str | None = None
    iv_site: str | None = None
    premeds: str | None = None
    rate_changes: str | None = None
    observation: str | None = None
    diluent: str | None = None
    """The diluent and bag actually used, not the label's instruction."""
    filter: str | None = None

    def __post_init__(self) -> None:
        if self.dx is not None and not re.fullmatch(_DX_NORMAL, self.dx):
            raise ValueError(f"dx {self.dx!r} is not a normalised ICD-10-CM code such as G35.A")
        if self.payer is not None and not isinstance(self.payer, Payer):
            raise ValueError(f"payer must be a Payer, not {self.payer!r}")
        if not isinstance(self.vials, tuple) or not all(isinstance(v, VialRecord) for v in self.vials):
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


class EncounterText(NamedTuple):
    """The encounter as typed into a form. Blank text means "not given".

    Build it with keywords (`EncounterText(dx="G35.A", lots=("A1",))`); change one field
    with `text._replace(dx=...)`. `dose_given` rides here so a form, the log and the
    encounter panel keep it with the rest of the administration, but it changes the
    billed units, so the engine reads it (forms pass it on as `CalcRequest.dose_given`)
    and `read_encounter` does not.
    """

    given_at: str = ""
    site: str = ""
    nurse: str = ""
    provider: str = ""
    dx: str = ""
    payer: str = ""
    prior_auth: str = ""
    step_therapy: bool = False
    lots: tuple[str, ...] = ()
    expires: tuple[str, ...] = ()
    waste_reason: str = ""
    waste_witness: str = ""
    start: str = ""
    stop: str = ""
    consent: bool = False
    rems_checked: bool = False
    events: str = ""
    dose_given: str = ""
    stop_reason: str = ""
    iv_site: str = ""
    premeds: str = ""
    rate_changes: str = ""
    observation: str = ""
    diluent: str = ""
    filter: str = ""


# --- strict field parsers: each raises InputError(field, what is wrong and what to type) ---

# Patterns as text: `re` compiles and caches each on first use, so start-up pays for none.
_DATE_TIME = r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})$"
_DATE = r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$"
_CLOCK = r"^([0-9]{2}):([0-9]{2})$"
_EXPIRY = r"^([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?$"
# ICD-10-CM: letter, digit, letter/digit, then optionally a dot and 1-4 letters/digits.
_DX_TYPED = r"^([A-Z][0-9][0-9A-Z])(?:\.?([0-9A-Z]{1,4}))?$"
_DX_NORMAL = r"^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$"
_YEARS = (2000, 2099)  # anything else is a typo in a chart date

class FreeText(NamedTuple):
    """How one free-text encounter field is read: its name in messages, its longest text, line breaks."""

    label: str
    limit: int
    multiline: bool = False


# Every free-text encounter field, from the one field table (core/record/encounter_fields.py).
FREE_TEXT = {
    field.name: FreeText(field.message_label, field.limit, field.multiline)
    for field in ENCOUNTER_FIELDS if field.parser == "text" and field.limit is not None
}
TEXT_LIMITS = {field.name: field.limit for field in ENCOUNTER_FIELDS if field.limit is not None}
"""Longest text each free field accepts (a lot is one vial's lot number)."""


def clean_text(value: str, field: str, label: str, *, multiline: bool = False) -> str | None:
    """Trimmed free text, or None when blank; InputError for a character that acts (core/record/safe_text.py)."""
    return free_text(value, field, label, TEXT_LIMITS[field], multiline=multiline)


def _in_years(year: int, field: str, expected: str) -> None:
    if not _YEARS[0] <= year <= _YEARS[1]:
        raise InputError(field, f"The year {year} is not plausible here. Enter {expected}.")


def parse_date_time(value: str, field: str = "given_at") -> datetime | None:
    """'2026-03-02 14:05' or '2026-03-02T14:05' -> datetime; blank -> None."""
    raw = value.strip()
    if not raw:
        return None
    match = re.match(_DATE_TIME, raw)
    if match is None:
        raise InputError(field, f"Could not read '{shown(raw)}'. Enter {DATE_TIME_FORMAT}.")
    year, month, day, hour, minute = (int(part) for part in match.groups())
    _in_years(year, field, DATE_TIME_FORMAT)
    try:
        return datetime(year, month, day, hour, minute)
    except ValueError:
        raise InputError(field, f"'{shown(raw)}' is not a real date and time. Enter {DATE_TIME_FORMAT}.") from None


def parse_given_at(value: str, field: str = "given_at") -> datetime | date | None:
    """'2026-03-02' -> date (a claim's date of service is a date); '2026-03-02 14:05' -> datetime; blank -> None."""
    raw = value.strip()
    if re.match(_DATE, raw):  # a date alone: the date of service, with no time to chart
        _in_years(int(raw[:4]), field, _SERVICE_DATE)
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise InputError(field, f"'{shown(raw)}' is not a real date. Enter {_SERVICE_DATE}.") from None
    if raw and not re.match(_DATE_TIME, raw):
        raise InputError(field, f"Could not read '{shown(raw)}'. Enter {_SERVICE_DATE}.")
    return parse_date_time(raw, field)


def parse_clock(value: str, field: str) -> ClockTime | None:
    """'09:05' -> time, or a full date-time; blank -> None."""
    raw = value.strip()
    if not raw:
        return None
    match = re.match(_CLOCK, raw)
    if match is None:
        if re.match(_DATE_TIME, raw):
            return parse_date_time(raw, field)
        raise InputError(field, f"Could not read '{shown(raw)}'. Enter {CLOCK_FORMAT}.")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        raise InputError(field, f"'{shown(raw)}' is not a time of day. Enter {CLOCK_FORMAT}.")
    return time(hour, minute)


def parse_expiry(value: str, field: str = "expires") -> Expiry | None:
    """'2027-03' or '2027-03-31' -> Expiry; blank -> None."""
    raw = value.strip()
    if not raw:
        return None
    match = re.match(_EXPIRY, raw)
    if match is None:
        raise InputError(field, f"Could not read '{shown(raw)}' as an expiration date. Enter {EXPIRY_FORMAT}.")
    year, month = int(match[1]), int(match[2])
    _in_years(year, field, EXPIRY_FORMAT)
    expiry = Expiry(year=year, month=month, day=int(match[3]) if match[3] else None)
    try:
        expiry.last_day
    except ValueError:
        raise InputError(field, f"'{shown(raw)}' is not a real date. Enter {EXPIRY_FORMAT}.") from None
    return expiry


def parse_dx(value: str, field: str = "dx") -> str | None:
    """An ICD-10-CM code, normalised: 'g35a' and 'G35.A' -> 'G35.A'; blank -> None."""
    raw = value.strip()
    if not raw:
        return None
    # ASCII first: upper() turns 'ſ' into 'S' and 'ﬀ' into 'FF', so a look-alike would pass.
    match = re.match(_DX_TYPED, raw.upper()) if raw.isascii() else None
    if match is None or len(raw) > 8:
        raise InputError(
            field,
            f"'{shown(raw)}' is not an ICD-10-CM code: a letter, a digit, a letter or digit, then a dot and "
            "up to 4 letters or digits, e.g. G35.A, G12.0 or K50.00.",
        )
    head, tail = match.groups()
    return f"{head}.{tail}" if tail else head


def parse_payer(value: str, field: str = "payer") -> Payer | None:
    raw = value.strip()
    if not raw:
        return None
    try:
        return Payer("-".join(raw.lower().replace("_", " ").split()))  # "Medicare Advantage" too
    except ValueError:
        choices = ", ".join(payer.value for payer in Payer)
        raise InputError(field, f"'{shown(raw)}' is not a payer type. Enter one of: {choices}.") from None


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
    "date_time": parse_given_at, "clock": parse_clock, "dx": parse_dx, "payer": parse_payer,
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
            attempt(field.name, partial(clean_text, typed, field.name, free.label, multiline=free.multiline))
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

