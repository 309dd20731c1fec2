"""One saved administration as the report reads it: amounts, lines, payments; no patient, no note.

The log layer builds these from what it stored (infusion_calc/log/report_source.py); tests
build them by hand. Nothing here identifies a patient: the report cannot print what it
is never given.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple


class SavedLine(NamedTuple):
    """One claim line as saved: its modifiers, units and
    the Medicare payment saved with it (None: none was)."""

    modifiers: tuple[str, ...]
    units: int
    payment: Decimal | None = None

    @property
    def is_jw(self) -> bool:
        return "JW" in self.modifiers

    @property
    def is_jz(self) -> bool:
        return "JZ" in self.modifiers


class SavedAdministration(NamedTuple):
    """The figures of one log entry, in billing units and amounts as the engine saved them.

    The `*_mg` amounts are in the entry's own `amount_unit`: mg for a code billed by mass,
    else mL, the product's activity units ("unit", "IU") or doses, never converted. Figures
    divided by the billing unit are billing units, so they add across drugs; amounts do not.

    NamedTuples, not dataclasses: a report builds 100,000 of them, and a frozen dataclass
    takes several times as long to make.
    """

    id: int
    day: date
    """The date given (the encounter's), else the day it was saved."""
    hcpcs: str
    drug: str
    billing_unit_mg: Decimal
    dose_mg: Decimal
    """The dose prepared (the order as calculated); what-ifs plan from it."""
    labeled_mg: Decimal
    discarded_mg: Decimal
    administered_units: int
    discarded_units: int
    single_dose: bool
    lines: tuple[SavedLine, ...]
    vial_count: int = 0
    given_mg: Decimal | None = None
    """The dose given when the infusion stopped short (billing came from it)."""
    payer: str | None = None
    limit_per_unit: Decimal | None = None
    """The payment limit per billing unit of the quarter saved with the entry;
    None when none was."""
    planned_strengths: tuple[Decimal, ...] = ()
    """The vial sizes the plan chose from (typed ones, else the catalog's at the time)."""
    error_checks: tuple[str, ...] = ()
    """Codes of the checks that were errors when it was saved."""
    waste_undocumented: bool = False
    """A JW line was saved while the waste's date, time, amount or reason was not recorded."""
    amount_unit: str = "mg"
    """What the amounts are measured in, as the strict parser reads them back: "mg", "mL",
    "unit", "IU", "dose"."""

    @property
    def month(self) -> str:
        return f"{self.day.year:04d}-{self.day.month:02d}"

    @property
    def has_jw_line(self) -> bool:
        return any(line.is_jw for line in self.lines)

    @property
    def priced(self) -> bool:
        return all(line.payment is not None for line in self.lines)
