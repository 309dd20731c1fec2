"""The one unit registry, and the strict parser every typed quantity goes through.

pint's expression parser is far too lenient for clinical input ("1,5 mg" is 15 mg,
"1 000 mg" is 0 mg, "-5 mg" and "nan mg" are accepted). So free text
never reaches it: a strict pattern splits number from unit, the number is built as
a Decimal, and only the unit (one word at a time) goes to pint's `parse_units`, whose
dimension is then checked. Values come back in one canonical unit per kind
(mg, mL, kg, cm, m²) as exact Decimals.

pint is asked each question once, through the book of units the edge hands over
(core/numbers/unit_book.py), so a warm start parses and prints without importing pint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from functools import lru_cache

from infusion_calc.core.errors import InputError, shown
from infusion_calc.core.numbers.activity_kinds import ACTIVITY_KINDS, TYPED_ACTIVITY
from infusion_calc.core.numbers.rounding import plain
from infusion_calc.core.numbers.unit_book import ask as _ask
from infusion_calc.core.numbers.unit_book import spelling as _spelling
from infusion_calc.core.numbers.unit_book import unit_book


class Kind(Enum):
    """What a typed value measures, and the unit it is held in."""

    MASS = ("[mass]", "mg", "a mass such as 300 mg")
    VOLUME = ("[volume]", "mL", "a volume such as 15 mL")
    BODY_WEIGHT = ("[mass]", "kg", "a weight such as 70 kg or 154 lb")
    HEIGHT = ("[length]", "cm", "a height such as 170 cm or 67 in")
    AREA = ("[area]", "m**2", "a body surface area such as 1.9 m2")

    def __init__(self, dimension: str, canonical: str, example: str) -> None:
        self.dimension = dimension
        self.canonical = canonical
        self.example = example


# Spellings that are well-known sources of dosing errors: refuse them and say why.
_REFUSED_SPELLINGS = {
    "µg": "write mcg: µg is easily misread as mg",
    "μg": "write mcg: µg is easily misread as mg",
    "ug": "write mcg: ug is easily misread as mg",
    "cc": "write mL: cc is easily misread as U or 00",
    "u": "write units: U is easily misread as 0, 4 or cc",
}


_MAX_TEXT = 40
# [0-9], not \d: \d also matches Arabic-Indic and fullwidth digits, which no chart uses.
_NUMBER = r"(?P<number>[0-9]{1,9}(?:\.[0-9]{1,6})?|\.[0-9]{1,6})"
_UNIT_WORD = r"[A-Za-zµμ][A-Za-zµμ]*(?:\*\*2|\^2|2|²)?"
_STRICT = re.compile(rf"^{_NUMBER}\s*(?P<unit>{_UNIT_WORD}(?:\s*/\s*{_UNIT_WORD})?)$")


@dataclass(frozen=True, slots=True)
class Measure:
    """An exact value in the canonical unit of its kind, plus what the user typed."""

    value: Decimal
    unit: str  # canonical spelling: "mg", "mL", "kg", "cm", "m**2", "mg/kg", "mg/m**2", "mg/mL"
    text: str = ""

    def __str__(self) -> str:
        return format_amount(self.value, self.unit)


def format_amount(value: Decimal, unit: str) -> str:
    """ "300 mg", "12.5 mL", "1.9 m²": no exponent, no trailing zeros, pint's short symbols."""
    printed = _pretty_unit(unit)
    return (
        f"{plain(value)} "
        f"{printed[:-1] if value == 1 and printed.endswith(('units', 'doses')) else printed}"
    )


@lru_cache(maxsize=128)  # one registry: a unit prints the same every time, and a batch prints a few
def _pretty_unit(unit: str) -> str:
    top, slash, per = unit.partition("/")
    if top in ACTIVITY_KINDS:  # printed by our table: pint would print the kind's internal name
        return ACTIVITY_KINDS[top][1] + (slash + str(_ask("symbol", per)) if slash else "")
    return str(_ask("symbol", unit))


def unit_symbol(unit: str) -> str:
    """How a canonical unit or activity kind is printed: "mg", "mL", "units", "IU"."""
    return _pretty_unit(unit)


def activity_word(word: str) -> str | None:
    """ "unit" or "IU" when a typed unit word is an activity unit, else None."""
    spelling = _spelling(word)
    return spelling if spelling in TYPED_ACTIVITY else None


def kind_defined(kind: str) -> bool:
    """Whether the registry defines this activity kind with the dimension ACTIVITY_KINDS gives
    it."""
    return kind in ACTIVITY_KINDS and bool(_ask("dimension", kind, ACTIVITY_KINDS[kind][0]))


def _check_unit_word(word: str) -> None:
    """Refuse an error-prone spelling, or a word pint's unit parser does not know, with why."""
    key = word.strip().lower()
    if key in _REFUSED_SPELLINGS:
        raise ValueError(f"'{word}': {_REFUSED_SPELLINGS[key]}")
    book = (
        unit_book()
    )  # outside the try: no definitions handed over is the edge's slip, not the user's
    try:
        book.ask("unit", _spelling(word))
    except Exception:  # pint raises AssertionError, UndefinedUnitError, ... on junk
        raise ValueError(f"'{word}' is not a unit this calculator knows") from None


# Both take a word already through _unit_or_error.
def _factor(word: str, canonical: str) -> Decimal:
    """How many canonical units one `word` is."""
    factor = _ask("factor", _spelling(word), canonical)
    assert isinstance(factor, Decimal)
    return factor


def _has_dimension(word: str, dimension: str) -> bool:
    return bool(_ask("dimension", _spelling(word), dimension))


def _split(
    text: str, field: str, example: str, zero_ok: bool = False
) -> tuple[Decimal, str, str | None]:
    """Strictly split "300 mg" / "5 mg/kg" into (Decimal number, unit word, per-word)."""
    raw = text.strip() if isinstance(text, str) else ""
    if not raw:
        raise InputError(field, f"Enter {example}.")
    if len(raw) > _MAX_TEXT:
        raise InputError(field, f"That is too long to be a quantity. Enter {example}.")
    match = _STRICT.match(raw)
    if match is None:
        raise InputError(field, _explain_mismatch(raw, example))
    number = Decimal(match["number"])
    if number <= 0 and not (zero_ok and number == 0):
        raise InputError(field, f"The amount must be more than zero. Enter {example}.")
    unit_text = match["unit"]
    top, _, bottom = unit_text.partition("/")
    return number, top.strip(), (bottom.strip() or None) if "/" in unit_text else None


def _explain_mismatch(raw: str, example: str) -> str:
    if raw.startswith("-"):
        return f"The amount must be more than zero. Enter {example}."
    if "," in raw:
        return f"Use a dot for decimals and no thousands separators (1.5, 1000). Enter {example}."
    if re.match(r"^[0-9]+(\.[0-9]+)?\s+[0-9]", raw):
        return f"Write the number without spaces (1000, not 1 000). Enter {example}."
    if not re.match(r"^[0-9.]", raw):
        return f"Start with a number written with the digits 0-9. Enter {example}."
    if re.fullmatch(r"[0-9.]+", raw):
        return f"Add a unit. Enter {example}."
    if re.match(r"^[0-9]{10,}", raw) or re.match(r"^[0-9]*\.[0-9]{7,}", raw):
        return f"That number has too many digits. Enter {example}."
    return f"Could not read '{shown(raw)}'. Enter {example}."


def _unit_or_error(word: str, field: str, example: str) -> None:
    try:
        _check_unit_word(word)
    except ValueError as error:
        raise InputError(field, f"{error}. Enter {example}.") from None


def _require(kind: Kind, field: str, example: str, word: str) -> Decimal:
    _unit_or_error(word, field, example)
    if not _has_dimension(word, kind.dimension):
        raise InputError(
            field, f"'{word}' is not {kind.example.split(' such as')[0]}. Enter {example}."
        )
    return _factor(word, kind.canonical)


def fits_typed_form(value: Decimal) -> bool:
    """Whether `value` can be written as the parser
    accepts a number: 9 digits before the point, 6 after.

    A converted amount can outgrow what could be typed (1000000 kg is 10^12 mg); a value
    that is stored or billed in its canonical unit must still fit that form.
    """
    value = value.normalize()
    exponent = value.as_tuple().exponent
    return value < Decimal(10) ** 9 and isinstance(exponent, int) and -exponent <= 6


def parse_measure(text: str, kind: Kind, field: str, zero_ok: bool = False) -> Measure:
    """Parse a plain quantity ("70 kg", "154 lb", "1.9 m2") into its kind's canonical unit."""
    number, word, per = _split(text, field, kind.example, zero_ok)
    if per is not None:
        raise InputError(field, f"Enter {kind.example} (no '/').")
    factor = _require(kind, field, kind.example, word)
    return Measure(number * factor, kind.canonical, text.strip())


class DoseBasis(str, Enum):
    """How the ordered amount scales: it is a field, because mg/kg is dimensionless in pint."""

    FLAT = "flat"
    PER_KG = "per_kg"
    PER_M2 = "per_m2"
    VOLUME = "volume"


@dataclass(frozen=True, slots=True)
class DoseOrder:
    """An ordered dose as typed: an amount in mg, mg/kg, mg/m² or mL, and how it scales."""

    amount: Measure
    basis: DoseBasis


_DOSE_EXAMPLE = "a dose with a unit, e.g. 300 mg, 5 mg/kg, 375 mg/m2, 15 mL, 60 units or 50 IU/kg"


# Cached per spelling (both results are frozen): a batch file repeats its orders row after row.
# A refused text raises again each time, uncached.
@lru_cache(maxsize=1024)
def parse_dose(text: str, field: str = "dose") -> DoseOrder:
    """Parse an ordered dose: flat mass, mass per kg, mass per m², or a volume."""
    number, word, per = _split(text, field, _DOSE_EXAMPLE)
    _unit_or_error(word, field, _DOSE_EXAMPLE)
    activity = activity_word(word)
    if per is None:
        if (
            activity is not None
        ):  # bound to the product's own kind by the engine (core/numbers/amounts.py)
            return DoseOrder(Measure(number, activity, text.strip()), DoseBasis.FLAT)
        if _has_dimension(word, "[mass]"):
            return DoseOrder(
                Measure(number * _factor(word, "mg"), "mg", text.strip()), DoseBasis.FLAT
            )
        if _has_dimension(word, "[volume]"):
            return DoseOrder(
                Measure(number * _factor(word, "mL"), "mL", text.strip()), DoseBasis.VOLUME
            )
        raise InputError(field, f"'{word}' is not a dose unit. Enter {_DOSE_EXAMPLE}.")
    if activity is None and not _has_dimension(word, "[mass]"):
        raise InputError(
            field,
            f"A per-kg or per-m² dose must start with a mass or units. Enter {_DOSE_EXAMPLE}.",
        )
    _unit_or_error(per, field, _DOSE_EXAMPLE)
    amount, top = (
        (number, activity) if activity is not None else (number * _factor(word, "mg"), "mg")
    )
    if _has_dimension(per, "[mass]"):
        # Orders are written per kg; "mg/lb" would need an inexact 1/0.45359237.
        if _factor(per, "kg") != 1:
            raise InputError(
                field, f"Write a weight-based dose per kg, e.g. 5 mg/kg (not per {per})."
            )
        return DoseOrder(Measure(amount, f"{top}/kg", text.strip()), DoseBasis.PER_KG)
    if _has_dimension(per, "[area]"):
        if _factor(per, "m**2") != 1:
            raise InputError(
                field, f"Write a BSA-based dose per m2, e.g. 375 mg/m2 (not per {per})."
            )
        return DoseOrder(Measure(amount, f"{top}/m**2", text.strip()), DoseBasis.PER_M2)
    raise InputError(field, f"'{per}' is not kg or m2. Enter {_DOSE_EXAMPLE}.")


@dataclass(frozen=True, slots=True)
class VialSize:
    """A presentation as typed: "300 mg/15 mL" (solution) or "100 mg" (powder)."""

    strength: Measure
    volume: Measure | None


_VIAL_EXAMPLE = (
    "a vial size such as 300 mg/15 mL, 100 mg for a powder, 100 units, 5000 units/5 mL or 1000 mL"
)
_VIAL_PATTERN = re.compile(r"^(?P<strength>[^/]+?)\s*(?:/\s*(?P<volume>\d.*))?$")


@lru_cache(maxsize=256)
def parse_vial_size(text: str, field: str = "vial") -> VialSize:
    """Parse a vial presentation: strength, optionally "/" and the labeled volume."""
    raw = text.strip() if isinstance(text, str) else ""
    match = _VIAL_PATTERN.match(raw)
    if not raw or match is None:
        raise InputError(field, f"Enter {_VIAL_EXAMPLE}.")
    try:
        strength = parse_amount(match["strength"], field)
        volume = parse_measure(match["volume"], Kind.VOLUME, field) if match["volume"] else None
        if volume is not None and strength.unit == "mL":
            raise InputError(field, "a volume per volume")
    except InputError:
        raise InputError(field, f"Could not read '{shown(raw)}'. Enter {_VIAL_EXAMPLE}.") from None
    return VialSize(strength, volume)


def parse_amount(text: str, field: str, zero_ok: bool = False) -> Measure:
    """What a container holds: a mass (mg), activity
    units as typed ("unit", "IU"), or a volume (mL).

    `zero_ok` reads back an amount the engine saved, where "0 mg" (nothing discarded) is a figure.
    """
    number, word, per = _split(text, field, _VIAL_EXAMPLE, zero_ok)
    activity = activity_word(word) if per is None else None
    if activity is not None:
        return Measure(number, activity, text.strip())
    try:
        return parse_measure(text, Kind.MASS, field, zero_ok)
    except InputError:
        return parse_measure(text, Kind.VOLUME, field, zero_ok)


def parse_concentration(text: str, field: str) -> Measure:
    """Parse "20 mg/mL" into mg per mL."""
    example = "a concentration such as 20 mg/mL"
    number, word, per = _split(text, field, example)
    if per is None:
        raise InputError(field, f"Enter {example}.")
    _unit_or_error(word, field, example)
    _unit_or_error(per, field, example)
    value = (
        number
        * _require(Kind.MASS, field, example, word)
        / _require(Kind.VOLUME, field, example, per)
    )
    return Measure(value, "mg/mL", text.strip())
