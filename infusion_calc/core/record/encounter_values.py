"""The values one encounter field holds (a payer, an expiry, a vial's lot, a clock time) and the
strict parser each field is read with: each raises InputError(field,
what is wrong and what to type).

Formats are exact: a date-time is `YYYY-MM-DD HH:MM` (or with `T`), a clock time `HH:MM`, an
expiration `YYYY-MM-DD` or `YYYY-MM`.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time
from typing import NamedTuple

from infusion_calc.core.errors import InputError, shown
from infusion_calc.core.record.encounter_fields import ENCOUNTER_FIELDS
from infusion_calc.core.record.encounter_row import CLOCK_FORMAT, DATE_TIME_FORMAT, EXPIRY_FORMAT
from infusion_calc.core.record.encounter_row import SERVICE_DATE_FORMAT as _SERVICE_DATE

# Re-exported: the checks and the pipeline import the payer types with the parsers.
from infusion_calc.core.record.encounter_row import Payer as Payer
from infusion_calc.core.record.safe_text import free_text


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


# --- strict field parsers: each raises InputError(field, what is wrong and what to type) ---

# Patterns as text: `re` compiles and caches each on first use, so start-up pays for none.
_DATE_TIME = r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})$"
_DATE = r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$"
_CLOCK = r"^([0-9]{2}):([0-9]{2})$"
_EXPIRY = r"^([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?$"
# ICD-10-CM: letter, digit, letter/digit, then optionally a dot and 1-4 letters/digits.
_DX_TYPED = r"^([A-Z][0-9][0-9A-Z])(?:\.?([0-9A-Z]{1,4}))?$"
DX_NORMAL = r"^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$"
_YEARS = (2000, 2099)  # anything else is a typo in a chart date


class FreeText(NamedTuple):
    """How one free-text encounter field is read: its name in messages,
    its longest text, line breaks."""

    label: str
    limit: int
    multiline: bool = False


# Every free-text encounter field, from the one field table (core/record/encounter_fields.py).
FREE_TEXT = {
    field.name: FreeText(field.message_label, field.limit, field.multiline)
    for field in ENCOUNTER_FIELDS
    if field.parser == "text" and field.limit is not None
}
TEXT_LIMITS = {field.name: field.limit for field in ENCOUNTER_FIELDS if field.limit is not None}
"""Longest text each free field accepts (a lot is one vial's lot number)."""


def clean_text(value: str, field: str, label: str, *, multiline: bool = False) -> str | None:
    """Trimmed free text, or None when blank; InputError for a character that acts
    (core/record/safe_text.py)."""
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
        raise InputError(
            field, f"'{shown(raw)}' is not a real date and time. Enter {DATE_TIME_FORMAT}."
        ) from None


def parse_given_at(value: str, field: str = "given_at") -> datetime | date | None:
    """'2026-03-02' -> date (a claim's date of service is a date);
    '2026-03-02 14:05' -> datetime; blank -> None."""
    raw = value.strip()
    if re.match(_DATE, raw):  # a date alone: the date of service, with no time to chart
        _in_years(int(raw[:4]), field, _SERVICE_DATE)
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise InputError(
                field, f"'{shown(raw)}' is not a real date. Enter {_SERVICE_DATE}."
            ) from None
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
        raise InputError(
            field, f"Could not read '{shown(raw)}' as an expiration date. Enter {EXPIRY_FORMAT}."
        )
    year, month = int(match[1]), int(match[2])
    _in_years(year, field, EXPIRY_FORMAT)
    expiry = Expiry(year=year, month=month, day=int(match[3]) if match[3] else None)
    try:
        expiry.last_day
    except ValueError:
        raise InputError(
            field, f"'{shown(raw)}' is not a real date. Enter {EXPIRY_FORMAT}."
        ) from None
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
            f"'{shown(raw)}' is not an ICD-10-CM code: a letter, a digit, a letter or digit, then "
            "a dot and up to 4 letters or digits, e.g. G35.A, G12.0 or K50.00.",
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
        raise InputError(
            field, f"'{shown(raw)}' is not a payer type. Enter one of: {choices}."
        ) from None
