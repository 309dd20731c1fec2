"""Two catalog fields the checks read: a drug's class and its labeled dose range.

The class decides the administration code suggested (complex drug administration for
complex biologics and antineoplastics, a plain IV infusion otherwise), so it is data a
site can set for a drug it adds, not a list of names in code. The dose range is the
label's, with its source, and only where the label fact is verified: a drug without one
gets no range check.

`read_dose_range` is the one reader for both the strict fast reader in `catalog.py` and
the pydantic schema, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers.units import DoseBasis, format_amount, parse_dose

DrugClass = Literal["complex-biologic", "antineoplastic", "other"]
DEFAULT_DRUG_CLASS: DrugClass = "other"

_RANGE_KEYS = frozenset({"low", "high", "source", "max_per_infusion"})


@dataclass(frozen=True, slots=True)
class DoseRange:
    """The label's dose per administration: in mg, or in mg per kg of body weight."""

    low: Decimal
    high: Decimal
    per_kg: bool
    source: str
    max_per_infusion: Decimal | None = None
    """The label's most per infusion in mg, where it states one (Actemra: 800 mg),
    whatever mg/kg gives."""

    def describe(self) -> str:
        """'300 mg', '300 to 600 mg', '3 to 10 mg/kg' or '4 to 12 mg/kg,
        at most 800 mg per infusion'."""
        unit = "mg/kg" if self.per_kg else "mg"
        if self.low == self.high:
            text = format_amount(self.low, unit)
        else:
            text = (
                f"{format_amount(self.low, 'mg').removesuffix(' mg')} to "
                f"{format_amount(self.high, unit)}"
            )
        if self.max_per_infusion is not None:
            text += f", at most {format_amount(self.max_per_infusion, 'mg')} per infusion"
        return text


def _bound(raw: dict[str, Any], key: str) -> tuple[Decimal, bool]:
    value = raw.get(key)
    if type(value) is not str:
        raise ValueError(f'\'{key}\' must be text such as "300 mg" or "3 mg/kg"')
    try:
        order = parse_dose(value, "catalog")
    except InputError as error:
        raise ValueError(f"'{key}': {error.message}") from None
    if order.basis not in (DoseBasis.FLAT, DoseBasis.PER_KG):
        raise ValueError(f"'{key}': give the labeled dose in mg or mg/kg, not {value!r}")
    if order.amount.value <= 0:
        raise ValueError(f"'{key}': the labeled dose must be more than 0")
    return order.amount.value, order.basis is DoseBasis.PER_KG


def read_dose_range(raw: Any) -> DoseRange:
    """A `dose_range = { low = "3 mg/kg", high = "10 mg/kg", source = "..." }` table;
    ValueError when bad."""
    if isinstance(raw, DoseRange):
        return raw
    if type(raw) is not dict:
        raise ValueError(
            'write the range as a table: { low = "300 mg", high = "300 mg", source = "label URL" }'
        )
    unknown = sorted(set(raw) - _RANGE_KEYS)
    if unknown:
        raise ValueError(
            f"unknown key(s) {unknown}: a dose range has low, high, "
            "source and optionally max_per_infusion"
        )
    low, low_per_kg = _bound(raw, "low")
    high, high_per_kg = _bound(raw, "high")
    if low_per_kg != high_per_kg:
        raise ValueError("give low and high in the same unit: both mg, or both mg/kg")
    if low > high:
        raise ValueError("'low' is more than 'high'")
    source = raw.get("source")
    if type(source) is not str or not source.strip():
        raise ValueError("'source' must name the label the range comes from")
    maximum = None
    if "max_per_infusion" in raw:
        maximum, per_kg = _bound(raw, "max_per_infusion")
        if per_kg:
            raise ValueError(
                "'max_per_infusion': give the label's most per infusion in mg, e.g. \"800 mg\""
            )
    return DoseRange(low, high, low_per_kg, source, maximum)
