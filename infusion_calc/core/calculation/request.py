"""What the user typed for one calculation: text in,
so every field is validated in one place (the engine)."""

from __future__ import annotations

from dataclasses import dataclass

from infusion_calc.core.numbers.frozen import quick_init

DEFAULT_DRUG = "Tysabri"


@quick_init  # a batch makes one per order it works out (core/numbers/frozen.py)
@dataclass(frozen=True, slots=True)
class CalcRequest:
    """What the user typed. Text in, so validation happens in exactly one place."""

    dose: str
    drug: str | None = None
    hcpcs: str | None = None
    vials: tuple[str, ...] = ()
    weight: str | None = None
    height: str | None = None
    bsa: str | None = None
    round_within: str | None = None
    """Whole-vial rounding threshold in percent ("10"); None or "" for no rounding option."""
    billing_unit: str | None = None
    dose_given: str | None = None
    """The amount actually given, when the infusion stopped short of the dose prepared;
    None or "" for all of it."""
    container: str | None = None
    """"single-dose" or "multi-dose" from the carton, for a vial the catalog has not verified;
    None or "" when not given."""
