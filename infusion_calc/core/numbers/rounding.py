"""Every rounding rule in one place.

Billing rules: administered units round UP to the next billing
unit, discarded units round DOWN. Display precisions are fixed here too, so the
TUI, CLI, chart text and exports all show the same figure for the same number.
All arithmetic is Decimal; `divmod` on Decimals is exact, so ceilings and floors
never suffer the float error of 0.3 / 0.1 = 2.999…
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CALCULATED_DOSE_STEP = Decimal("0.01")  # mg: a per-kg or per-m² dose is stated to 0.01 mg
BSA_STEP = Decimal("0.01")  # m²: Mosteller BSA is shown, and used, to 2 decimals
WEIGHT_SHOWN_STEP = Decimal(
    "0.01"
)  # kg: a weight converted from lb is shown to 0.01 kg (used exactly)
VOLUME_STEP = Decimal("0.01")  # mL: volume to draw
NDC_QUANTITY_STEP = Decimal("0.001")  # NUCC: up to 3 decimals in the NDC quantity
PERCENT_STEP = Decimal("0.1")
RATIO_STEP = Decimal("0.001")  # a quotient shown in a step: dose ÷ billing unit


def ceil_div(amount: Decimal, step: Decimal) -> int:
    """Smallest whole number n with n × step ≥ amount (amount, step > 0)."""
    whole, remainder = divmod(amount, step)
    return int(whole) + (1 if remainder else 0)


def floor_div(amount: Decimal, step: Decimal) -> int:
    """Largest whole number n with n × step ≤ amount (amount ≥ 0, step > 0)."""
    whole, _ = divmod(amount, step)
    return int(whole)


def round_half_up(value: Decimal, step: Decimal) -> Decimal:
    return value.quantize(step, ROUND_HALF_UP)


# Each rule quantizes itself rather than calling round_half_up: a calculation rounds a dozen
# times, and a Python call costs more than the quantize it wraps.


def calculated_dose(value: Decimal) -> Decimal:
    return value.quantize(CALCULATED_DOSE_STEP, ROUND_HALF_UP)


def bsa(value: Decimal) -> Decimal:
    return value.quantize(BSA_STEP, ROUND_HALF_UP)


def weight_shown(value: Decimal) -> Decimal:
    return value.quantize(WEIGHT_SHOWN_STEP, ROUND_HALF_UP)


def volume(value: Decimal) -> Decimal:
    return value.quantize(VOLUME_STEP, ROUND_HALF_UP)


def ndc_quantity(value: Decimal) -> Decimal:
    return value.quantize(NDC_QUANTITY_STEP, ROUND_HALF_UP)


def ratio(amount: Decimal, unit: Decimal) -> Decimal:
    """A quotient a step shows (dose ÷ billing unit), to 0.001: the units are counted from the
    exact amounts (ceil_div, floor_div), never from this."""
    return (amount / unit).quantize(RATIO_STEP, ROUND_HALF_UP)


def ndc_quantity_lost(value: Decimal) -> bool:
    """True when a quantity that is there (> 0) would be claimed as 0 at 3 decimals.

    A claim must never say 0 of a drug that was given or discarded (payers reject it):
    such a quantity is stated in a finer unit instead, or the export says why it cannot.
    """
    return value > 0 and ndc_quantity(value) == 0


def percent(value: Decimal) -> Decimal:
    return value.quantize(PERCENT_STEP, ROUND_HALF_UP)


_PLAIN_CACHE: dict[str, str] = {}
_PLAIN_CACHE_SIZE = 4096


def plain(value: Decimal) -> str:
    """A Decimal as people write it: no exponent, no trailing zeros ("1.2E+2" -> "120")."""
    # Memoised by the Decimal's own spelling (`str`, exact: the digits and the exponent), which
    # decides the text: a calculation writes a dozen amounts, mostly the same few (doses, 1 mg,
    # vial sizes). Not by the Decimal: hashing a fresh one (a batch row's new dose) costs more
    # than formatting it. Only a Decimal, whose `str` is its spelling. (Nothing here changes the
    # decimal context, which normalize() reads; amounts are far below its 28 digits anyway.)
    if value.__class__ is Decimal:
        spelled = str(value)
        text = _PLAIN_CACHE.get(spelled)
        if text is not None:
            return text
        text = format(value.normalize(), "f")
        if len(_PLAIN_CACHE) < _PLAIN_CACHE_SIZE:
            _PLAIN_CACHE[spelled] = text
        return text
    return format(value.normalize(), "f")


CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Dollars to the cent, half up: each claim line's payment is rounded on its own."""
    return value.quantize(CENT, ROUND_HALF_UP)
