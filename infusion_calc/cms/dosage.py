"""A CMS billing-unit string ("1  MG", ".625 GM", "100 UNITS", "1 IU", "1000 CC",
"PER DOSE") as an exact amount.

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
from decimal import ROUND_CEILING, Decimal
from functools import lru_cache

from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers.units import Measure, parse_amount

# CMS's spellings of units, mapped to the strict parser's.
_WORDS = {
    "MG": "mg",
    "MCG": "mcg",
    "GM": "g",
    "G": "g",
    "GRAM": "g",
    "GRAMS": "g",
    "ML": "mL",
    "CC": "mL",  # a cc is exactly a mL; typed input still refuses "cc" (misread as U or 00)
    "UNIT": "units",
    "UNITS": "units",
    "IU": "IU",
    "I.U.": "IU",
    "USP UNIT": "units",
    "USP UNITS": "units",
}
_AMOUNT = re.compile(r"^(?P<number>[0-9]*\.?[0-9]+)\s*(?P<unit>[A-Za-z][A-Za-z. ]*?)$")
# A parenthesis without digits names the drug ("10 MG (rituximab)");
# with digits it splits a combination.
_DRUG_NOTE = re.compile(r"\s*\([^()0-9]*\)$")
# "1 I.U. VWF:RCO": the assay named after the unit
# ("per factor VIII IU" names the factor before it).
_ASSAY_NOTE = re.compile(r"(?<=I\.U\.)\s+VWF:RCO$", re.IGNORECASE)
_PER_DOSE = re.compile(
    r"^PER (THERAPEUTIC )?DOSE$|^PER IMPLANT$|\bCELLS\b.*|^PER INFUSION\b.*", re.IGNORECASE
)
_PER_IU = re.compile(r"^PER (FACTOR [IVX]+ )?IU$", re.IGNORECASE)
_UP_TO = re.compile(r"^UP TO\s+(?=[0-9.])", re.IGNORECASE)

RANGE = (
    "billing unit is a range or a pair of amounts (e.g. '0.25 MG - 5 MG', '3 MG - 1 MG', 'LESS "
    "THAN OR EQUAL TO 100 MG')"
)
COMBINATION = (
    "billing unit names two strengths (e.g. '75mg (50mg cft/25mg taz)', '10 MG/3MG', '300 MCG "
    "(1500 IU)'): which strength one unit is billed by is not stated in the unit column"
)
NOT_A_MASS = (
    "billing unit is not an amount this calculator can bill in "
    "(per vial, per each, mEq, PFU, sq cm, days of therapy...)"
)
UNREADABLE = "billing unit unreadable"


PACKAGE_ROUNDED = (
    "billing units per package are billing units per item x items per package rounded up to a "
    "whole unit (CMS rounds that column): kept, billed from billing units per item"
)


def package_rounded(per_item: Decimal, count: Decimal, per_package: Decimal) -> bool:
    """Whether BILLUNITSPKG is BILLUNITS x PKG QTY rounded up,
    as CMS writes it for a part-unit item.

    Ampicillin 125 mg vials under a 500 mg code: 0.25 per item, 10 per carton, 3 per package
    (2.5 rounded up); Simulect 10 mg under a 20 mg code: 0.5 and 1. The per-item figure is
    the exact one (the labeled amount of the item opened), so such a row is kept. Where the
    columns disagree otherwise, either can be the wrong one (Naglazyme 5 mg: 1 per item, 5 per
    package; edaravone 30 mg bags, 2 per carton: 30 and 30), and the row stays refused.
    """
    product = per_item * count
    return product != product.to_integral_value(
        ROUND_CEILING
    ) and per_package == product.to_integral_value(ROUND_CEILING)


class DosageRefused(Exception):
    """The reason, one of the constants above, is the exception's message."""


_MASS_AMOUNT = re.compile(r"([0-9]*\.?[0-9]+)\s*(mcg|micrograms?|mg|gm?)\b", re.IGNORECASE)
_MASS_NAMES = {
    "mcg": "mcg",
    "microgram": "mcg",
    "micrograms": "mcg",
    "mg": "mg",
    "g": "g",
    "gm": "g",
}


def _masses(text: str) -> list[Measure]:
    return [
        parse_amount(f"{number} {_MASS_NAMES[word.lower()]}", "billing_unit")
        for number, word in _MASS_AMOUNT.findall(text)
    ]


def first_named(text: str, descriptor: str) -> Measure:
    """A combination's billing unit as its first-named strength,
    when CMS's descriptor makes that explicit.

    "10 MG/3MG" under "Injection, acetaminophen 10 mg and ibuprofen 3 mg": one unit is 10 mg
    of acetaminophen (with its 3 mg of ibuprofen, a fixed ratio), so a dose is typed and billed
    in mg of the first-named drug. Explicit means: the descriptor names the unit column's
    amounts in the same order ("75MG (50MG cft/25MG taz)": the 75 mg total is their sum), or
    one mass with its IU equivalent ("300 micrograms (1500 i.u.)"). A descriptor saying "up to"
    (a range per component), a unit naming a volume (a cassette of 100 mL) or amounts in
    another order stay refused (DosageRefused) with the unit's own reason.
    """
    if re.search(r"\bUP TO\b", descriptor, re.IGNORECASE) or re.search(
        r"[0-9]\s*(ML|CC)\b", text, re.IGNORECASE
    ):
        raise DosageRefused(COMBINATION)
    named = _masses(text)
    if (
        len(named) > 2
        and named[0].unit == "mg"
        and all(amount.unit == "mg" for amount in named)
        and (named[0].value == sum(amount.value for amount in named[1:]))
    ):
        named = named[1:]  # "75MG (50MG cft/25MG taz)": the total first, then its parts
    equivalent = len(named) == 1 and re.search(r"\(\s*[0-9.,]+\s*IU\s*\)", text, re.IGNORECASE)
    if (
        len(named) < 2 and not equivalent
    ):  # "LESS THAN OR EQUAL TO 100 MG" is one amount, not two strengths
        raise DosageRefused(COMBINATION)
    described = _masses(descriptor)
    if described[: len(named)] != named:
        raise DosageRefused(COMBINATION)
    return named[0]


def code_billing_unit(text: str, descriptor: str | None) -> Measure:
    """`billing_unit(text)`, or a combination's first-named
    strength where the code's descriptor makes it explicit."""
    try:
        return billing_unit(text)
    except DosageRefused as refused:
        if str(refused) not in (COMBINATION, RANGE) or not descriptor:
            raise
        try:
            return first_named(" ".join(text.split()), descriptor)
        except DosageRefused:
            raise refused from None


@lru_cache(maxsize=512)
def billing_unit(text: str) -> Measure:
    """The amount one billing unit stands for (mg, mL, units, IU or doses),
    or DosageRefused with the reason."""
    raw = " ".join(text.replace("\xa0", " ").split())
    if _PER_DOSE.search(
        raw
    ):  # per (therapeutic) dose, per implant, a CAR-T dose "up to N million cells"
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
