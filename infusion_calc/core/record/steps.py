"""The arithmetic of a calculation as data: what each step is, and its figures.

Code that needs "the billing steps" or "the dose arithmetic" asks a step its `kind`,
never its first words. The sentence a person reads is `step_text(step)`, written
after the arithmetic by `core/words/step_text.py` (the one place the words live).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from infusion_calc.core.numbers.frozen import quick_init


class StepKind(Enum):
    DOSE_ORDERED = "dose_ordered"
    WEIGHT = "weight"
    """A weight typed in lb, converted to kg."""
    BSA_GIVEN = "bsa_given"
    BSA_MOSTELLER = "bsa_mosteller"
    DOSE_BY_VOLUME = "dose_by_volume"
    DOSE_PER_KG = "dose_per_kg"
    DOSE_PER_M2 = "dose_per_m2"
    VIALS = "vials"
    DOSE_GIVEN = "dose_given"
    ADMINISTERED = "administered"
    DISCARDED = "discarded"
    CAP = "cap"


DOSE_ARITHMETIC = frozenset(
    {
        StepKind.WEIGHT,
        StepKind.BSA_GIVEN,
        StepKind.BSA_MOSTELLER,
        StepKind.DOSE_BY_VOLUME,
        StepKind.DOSE_PER_KG,
        StepKind.DOSE_PER_M2,
    }
)
"""How a per-kg, per-m² or volume order became a dose in mg."""

BILLING = frozenset({StepKind.VIALS, StepKind.ADMINISTERED, StepKind.DISCARDED, StepKind.CAP})
"""From the vials opened to the units billed."""

Figure = Decimal | int | str | tuple[tuple[int, str], ...]
"""A number, a text as typed ("154 lb"), or vials as (count, size label) pairs."""


@quick_init
@dataclass(frozen=True, slots=True)
class Step:
    """One step: its kind and the figures its sentence states, by name
    (see words/step_text.STEP_TEXTS)."""

    kind: StepKind
    figures: tuple[tuple[str, Figure], ...]

    @classmethod
    def of(cls, kind: StepKind, *figures: tuple[str, Figure | None]) -> Step:
        """A step from (name, figure) pairs; a figure given as None is left out (e.g. no
        rounding). Pairs, not keywords: a call with keywords builds a dict, and a calculation
        makes five steps."""
        given: list[tuple[str, Figure]] = []
        for name, figure in figures:  # a loop: a comprehension is a call of its own
            if figure is not None:
                given.append((name, figure))
        return cls(kind, tuple(given))
