"""A CMS billing-unit string ("1  MG", "0.1 mg", "10 MG (rituximab)", ".625 GM") as an exact mass.

The files write the unit every which way; only a plain mass is a unit this calculator
can bill in. Everything is read through the project's strict parser after a fixed set
of spelling fixes; anything else is refused with the reason, never guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from infusion_calc.core.errors import InputError
from infusion_calc.core.units import Kind, Measure, parse_measure

# CMS's spellings of mass units, mapped to the strict parser's.
_MASS_WORDS = {"MG": "mg", "MCG": "mcg", "GM": "g", "G": "g", "GRAM": "g", "GRAMS": "g"}
_AMOUNT = re.compile(r"^(?P<number>[0-9]*\.?[0-9]+)\s*(?P<unit>[A-Za-z]+)$")
# A parenthesis without digits names the drug ("10 MG (rituximab)"); with digits it splits a combination.
_DRUG_NOTE = re.compile(r"\s*\([^()0-9]*\)$")

RANGE = "billing unit is a range or a pair of amounts (e.g. '0.25 MG - 5 MG', '3 MG - 1 MG', 'UP TO 5 MG')"
COMBINATION = "billing unit has a second amount in parentheses (e.g. '75mg (50mg cft/25mg taz)', '300 MCG (1500 IU)')"
NOT_A_MASS = "billing unit is not a mass (units, IU, mL, PFU, mEq, per item...): this calculator bills by mass"
UNREADABLE = "billing unit unreadable"


class DosageRefused(Exception):
    """The reason, one of the constants above, is the exception's message."""


@lru_cache(maxsize=512)
def billing_unit(text: str) -> Measure:
    """The mass one billing unit stands for, or DosageRefused with the reason."""
    raw = " ".join(text.replace("\xa0", " ").split())
    if re.search(r"\bUP TO\b|[0-9]\s*[A-Za-z]*\s*-\s*[0-9.]|\bTO\b", raw, re.IGNORECASE):
        raise DosageRefused(RANGE)
    if "(" in raw:
        if _DRUG_NOTE.search(raw) is None:
            raise DosageRefused(COMBINATION)
        raw = _DRUG_NOTE.sub("", raw)
    match = _AMOUNT.match(raw)
    if match is None:
        raise DosageRefused(NOT_A_MASS if re.search(r"[A-Za-z]", raw) else UNREADABLE)
    unit = _MASS_WORDS.get(match["unit"].upper())
    if unit is None:
        raise DosageRefused(NOT_A_MASS)
    try:
        return parse_measure(f"{match['number']} {unit}", Kind.MASS, "billing_unit")
    except InputError:
        raise DosageRefused(UNREADABLE) from None
