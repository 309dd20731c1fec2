"""What every producer of checks is given, and the producers themselves, registered where they
are written: `run_checks` iterates them, so a new producer is one decorated function, not a line
in a hand-kept list.

Each producer has a rank: the findings are listed producer by producer in rank order (then
sorted by severity, stably), so the order a biller reads stays the same whichever module
happens to be imported first.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import infusion_calc.core.checks as checks_room
from infusion_calc.core.record.check_types import Check, SitePolicy

if TYPE_CHECKING:
    from infusion_calc.core.calculation.billing import ClaimLine
    from infusion_calc.core.calculation.engine import Calculation
    from infusion_calc.core.catalog.catalog import Catalog
    from infusion_calc.core.catalog.indications import ClinicalRules
    from infusion_calc.core.record.encounter import Encounter


@dataclass(frozen=True, slots=True)
class CheckInput:
    """One claim as it stands: the calculation, the encounter, the
    lines checked and the day of service, with the catalog, rules and
    site policy the caller loaded and the patient's earlier doses."""

    calc: Calculation
    encounter: Encounter
    lines: tuple[ClaimLine, ...]
    day: date
    catalog: Catalog
    rules: ClinicalRules
    policy: SitePolicy
    earlier_doses: Sequence[date] = ()


Producer = Callable[[CheckInput], Iterable[Check]]

_PRODUCERS: dict[str, tuple[int, Producer]] = {}


def producer(rank: int) -> Callable[[Producer], Producer]:
    """Register a producer of checks; `rank` places its findings among the others'."""

    def register(produce: Producer) -> Producer:
        _PRODUCERS[f"{produce.__module__}.{produce.__qualname__}"] = (rank, produce)
        return produce

    return register


def producers() -> tuple[Producer, ...]:
    """Every producer, in rank order: each module of the
    checks room is imported first, so none is missed."""
    for module in pkgutil.iter_modules(checks_room.__path__, f"{checks_room.__name__}."):
        importlib.import_module(module.name)
    return tuple(
        produce for _rank, produce in sorted(_PRODUCERS.values(), key=lambda entry: entry[0])
    )
