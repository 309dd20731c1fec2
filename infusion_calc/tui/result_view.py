"""What the result shows and what a copy or a save did: plain frozen values (beside
`state.py`'s form values). Apart from them: only a result needs these, and building their
classes (a dataclass compiles its methods) cost the first frame's start a few ms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # types only
    from infusion_calc.core.calculation.engine import Calculation
    from infusion_calc.core.record.check_types import Check
    from infusion_calc.core.record.encounter import EncounterText


@dataclass(frozen=True, slots=True)
class ClaimRow:
    hcpcs: str
    modifiers: str
    units: str
    ndc: str
    ndc_unit: str
    ndc_quantity: str


@dataclass(frozen=True)
class ResultView:
    """One valid calculation, as the screen shows it. Every figure comes from the engine."""

    heading: str
    dose: str
    dose_steps: tuple[str, ...]
    vials: tuple[str, ...]
    preparation: tuple[str, ...]
    administered_units: int
    discarded_units: int
    discarded_amount: str
    modifier_note: str
    waste_modifier: str
    """"JW" when a JW line was written, "JZ" when JZ was, "" for multi-dose containers."""
    claim_rows: tuple[ClaimRow, ...]
    rounding: str | None
    warnings: tuple[str, ...]
    chart_text: str
    """The chart note, with the encounter details entered."""
    claim_text: str
    checks: tuple[Check, ...] = ()
    """Pre-submission checks, errors first."""
    vial_labels: tuple[str, ...] = ()
    """One presentation label per vial opened, in vial order ("300 mg/15 mL"): a lot row each."""
    calculation: "Calculation | None" = field(default=None, compare=False, repr=False)
    """The core `Calculation` itself, for tests and for anything that needs more."""
    encounter: "EncounterText | None" = field(default=None, compare=False, repr=False)
    """The core `EncounterText` typed, for the log and the exports (a bad field left out)."""
    given: str = ""
    """What the administered units are billed from: the amount given ("200 mg"), else the dose."""
    payment: str | None = None
    """What Medicare allows per claim line and in all,
    and what the JW line recovers (None: not priced)."""
    rems: bool = False
    """The drug has a REMS program (rules.rems_for):
    only then does the encounter panel ask for its confirmation."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """What a copy-as or a save to the log did: the text to copy, and what to tell the nurse."""

    ok: bool
    message: str
    text: str = ""
    notices: tuple[str, ...] = ()
    """Warnings that come with an export (no verified NDC, no charge, a unit converted)."""
