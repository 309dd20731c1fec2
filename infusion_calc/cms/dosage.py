"""A CMS billing-unit string ("1  MG", ".625 GM", "100 UNITS", "1 IU", "1000 CC", "PER DOSE") as an exact amount.

The files write the unit every which way. A mass, a volume (ML or CC), an activity unit
(UNIT(S), IU, USP UNIT) or a dose is read through the project's strict parser after a fixed
set of spelling fixes; anything else is refused with the reason, never guessed.

An activity unit read here is the generic kind of units.txt ("unit", "IU"): for a code known
only from CMS's files it means that code's own unit, and one calculation bills one code, so
it is never compared with another product's. "UP TO 5 MG" is a billing unit of 5 mg: one
unit covers any dose up to it, and ceil(dose / 5 mg) units is what the rounding rule gives.
"""

from __future__ import annotations

import re
from functools import lru_cache

from infusion_calc.core.errors import InputError
from infusion_calc.core.units import Measure, parse_amount

# CMS's spellings of units, mapped to the strict parser's.
_WORDS = {
    "MG": "mg", "MCG": "mcg", "GM": "g", "G": "g", "GRAM": "g", "GRAMS": "g",
    "ML": "mL", "CC": "mL",  # a cc is exactly a mL; typed input still refuses "cc" (misread as U or 00)
    "UNIT": "units", "UNITS": "units", "IU": "IU", "I.U.": "IU", "USP UNIT": "units", "USP UNITS": "units",
}
_AMOUNT = re.compile(r"^(?P<number>[0-9]*\.?[0-9]+)\s*(?P<unit>[A-Za-z][A-Za-z. ]*?)$")
# A parenthesis without digits names the drug ("10 MG (rituximab)"); with digits it splits a combination.
_DRUG_NOTE = re.compile(r"\s*\([^()0-9]*\)$")
# "1 I.U. VWF:RCO": the assay named after the unit ("per factor VIII IU" names the factor before it).
_ASSAY_NOTE = re.compile(r"(?<=I\.U\.)\s+VWF:RCO$", re.IGNORECASE)
_PER_DOSE = re.compile(r"^PER (THERAPEUTIC )?DOSE$|^PER IMPLANT$|\bCELLS\b.*|^PER INFUSION\b.*", re.IGNORECASE)
_PER_IU = re.compile(r"^PER (FACTOR [IVX]+ )?IU$", re.IGNORECASE)
_UP_TO = re.compile(r"^UP TO\s+(?=[0-9.])", re.IGNORECASE)

RANGE = "billing unit is a range or a pair of amounts (e.g. '0.25 MG - 5 MG', '3 MG - 1 MG', 'LESS THAN OR EQUAL TO 100 MG')"
COMBINATION = (
    "billing unit names two strengths (e.g. '75mg (50mg cft/25mg taz)', '10 MG/3MG', '300 MCG (1500 IU)'): "
    "which strength one unit is billed by is not stated in the unit column"
)
NOT_A_MASS = "billing unit is not an amount this calculator can bill in (per vial, per each, mEq, PFU, sq cm, days of therapy...)"
UNREADABLE = "billing unit unreadable"


class DosageRefused(Exception):
    """The reason, one of the constants above, is the exception's message."""


@lru_cache(maxsize=512)
def billing_unit(text: str) -> Measure:
    """The amount one billing unit stands for (mg, mL, units, IU or doses), or DosageRefused with the reason."""
    raw = " ".join(text.replace("\xa0", " ").split())
    if _PER_DOSE.search(raw):  # per (therapeutic) dose, per implant, a CAR-T dose "up to N million cells"
        return parse_amount("1 dose", "billing_unit")
    if _PER_IU.match(raw):
        return parse_amount("1 IU", "billing_unit")
    raw = _ASSAY_NOTE.sub("", _UP_TO.sub("", raw))
    if re.search(r"\bUP TO\b|[0-9]\s*[A-Za-z]*\s*-\s*[0-9.]|\bTO\b|\bTHAN\b|&", raw, re.IGNORECASE):
        raise DosageRefused(RANGE)
    if "(" in raw:
        if _DRUG_NOTE.search(raw) is None:
            raise DosageRefused(COMBINATION)
        raw = _DRUG_NOTE.sub("", raw)
    if re.search(r"[0-9]\s*[A-Za-z]+\s*/\s*[0-9]", raw):
        raise DosageRefused(COMBINATION)
    match = _AMOUNT.match(raw.replace(",", ""))
    if match is None:
        raise DosageRefused(NOT_A_MASS if re.search(r"[A-Za-z]", raw) else UNREADABLE)
    unit = _WORDS.get(match["unit"].strip().upper())
    if unit is None:
        raise DosageRefused(NOT_A_MASS)
    try:
        return parse_amount(f"{match['number']} {unit}", "billing_unit")
    except InputError:
        raise DosageRefused(UNREADABLE) from None
