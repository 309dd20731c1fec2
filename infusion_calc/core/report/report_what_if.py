"""What would have changed the waste: three what-ifs over saved administrations, never applied.

- rounding: the dose moved to the nearest whole-vial total within the site's percent
  (the same search `calc --round-within` offers), from the presentations it was planned with;
- least waste: the least-waste plan over every single-dose presentation the catalog knows
  for the code (an 80 mg vial beside the 400 mg);
- non-billable waste: drug discarded that no JW line can bill (multi-dose containers,
  the part of a unit left under one unit, units capped off the JW line), at the payment limit.

Pure: saved records in, figures out. Dollars are the drug's payment limit per billing unit
(each entry's own, from the quarter saved with it) times the amount; exact Decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from infusion_calc.core.calculation.vials import Combination, VialSearch
from infusion_calc.core.errors import PlanError
from infusion_calc.core.numbers.rounding import floor_div
from infusion_calc.core.report.report_records import SavedAdministration

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class EntryWhatIf:
    """One entry's share of each what-if (zero where it does not apply)."""

    rounding_moved: bool = False
    rounding_vials_saved: int = 0
    rounding_mg_saved: Decimal = ZERO
    rounding_dollars: Decimal = ZERO
    least_waste_changed: bool = False
    least_waste_vials: tuple[tuple[Decimal, int], ...] = ()
    least_waste_mg_saved: Decimal = ZERO
    least_waste_dollars: Decimal = ZERO
    multi_dose_mg: Decimal = ZERO
    under_one_unit_mg: Decimal = ZERO
    capped_mg: Decimal = ZERO
    non_billable_dollars: Decimal = ZERO
    unpriced: bool = False
    """Something was saved but no payment limit was: its dollars are counted as zero and flagged."""


class Searches:
    """One vial search per set of strengths, built for the largest dose asked of it; answers kept.

    Doses repeat across a log (fixed doses, common weights), and a search's answer is the
    same each time it is asked: asked once per (strengths, dose).
    """

    def __init__(self, ceilings: Mapping[tuple[Decimal, ...], Decimal]) -> None:
        self._ceilings = ceilings
        self._built: dict[tuple[Decimal, ...], VialSearch | None] = {}
        self._answers: dict[tuple[object, ...], Combination | None] = {}

    def _search(self, strengths: tuple[Decimal, ...]) -> VialSearch | None:
        if strengths not in self._built:
            try:
                self._built[strengths] = VialSearch(list(strengths), self._ceilings[strengths])
            except PlanError:  # sizes too fine for the doses asked: no what-if for them
                self._built[strengths] = None
        return self._built[strengths]

    def nearest(
        self, strengths: tuple[Decimal, ...], dose: Decimal, threshold: Decimal
    ) -> Combination | None:
        """The whole-vial total nearest the dose within ±threshold percent
        (as `calc --round-within`)."""
        key = ("nearest", strengths, dose, threshold)
        if key not in self._answers:
            search = self._search(strengths)
            # The window exactly as the engine computes it for `calc --round-within`.
            low, high = dose * (1 - threshold / 100), dose * (1 + threshold / 100)
            self._answers[key] = search.nearest(low, high, dose) if search else None
        return self._answers[key]

    def cover(self, strengths: tuple[Decimal, ...], dose: Decimal) -> Combination | None:
        """The least-waste plan for the dose (as `calc` plans it)."""
        key = ("cover", strengths, dose)
        if key not in self._answers:
            search = self._search(strengths)
            self._answers[key] = search.cover(dose) if search else None
        return self._answers[key]


def least_waste_strengths(
    entry: SavedAdministration, catalog: Mapping[tuple[str, str], tuple[Decimal, ...]]
) -> tuple[Decimal, ...]:
    """Every single-dose size the catalog knows for the code in the entry's unit,
    and the ones it was planned with."""
    known = catalog.get((entry.hcpcs, entry.amount_unit), ())
    if known == entry.planned_strengths:
        return known
    return tuple(sorted(set(known) | set(entry.planned_strengths)))


def ceilings(
    entries: list[SavedAdministration],
    catalog: Mapping[tuple[str, str], tuple[Decimal, ...]],
    threshold: Decimal | None,
) -> dict[tuple[Decimal, ...], Decimal]:
    """The largest total each set of strengths will be asked for (the search is built up to it)."""
    top: dict[tuple[Decimal, ...], Decimal] = {}
    stretch = 1 + (threshold or ZERO) / 100
    for entry in entries:
        if not entry.single_dose or not entry.planned_strengths:
            continue
        for strengths, high in (
            (entry.planned_strengths, entry.dose_mg * stretch),
            (least_waste_strengths(entry, catalog), entry.dose_mg),
        ):
            if high > top.get(strengths, ZERO):
                top[strengths] = high
    return top


def _dollars(mg: Decimal, entry: SavedAdministration) -> Decimal:
    return (
        mg / entry.billing_unit_mg * entry.limit_per_unit
        if entry.limit_per_unit is not None
        else ZERO
    )


def what_if(
    entry: SavedAdministration,
    searches: Searches,
    catalog: Mapping[tuple[str, str], tuple[Decimal, ...]],
    threshold: Decimal | None,
) -> EntryWhatIf:
    unpriced = entry.limit_per_unit is None
    multi, under, capped = non_billable_mg(entry)
    parts: dict[str, object] = {
        "multi_dose_mg": multi,
        "under_one_unit_mg": under,
        "capped_mg": capped,
        "non_billable_dollars": _dollars(multi + under + capped, entry),
        "unpriced": unpriced and bool(multi or under or capped),
    }
    if entry.single_dose and entry.planned_strengths:
        if threshold is not None:
            parts.update(
                _rounding(
                    entry, searches.nearest(entry.planned_strengths, entry.dose_mg, threshold)
                )
            )
        strengths = least_waste_strengths(entry, catalog)
        parts.update(_least_waste(entry, strengths, searches.cover(strengths, entry.dose_mg)))
        parts["unpriced"] = unpriced and bool(
            parts["unpriced"] or parts.get("rounding_moved") or parts.get("least_waste_changed")
        )
    return EntryWhatIf(**parts)  # type: ignore[arg-type]


def non_billable_mg(entry: SavedAdministration) -> tuple[Decimal, Decimal, Decimal]:
    """(multi-dose, under one unit, capped) mg discarded that no JW unit pays for."""
    if entry.discarded_mg <= 0:
        return ZERO, ZERO, ZERO
    if not entry.single_dose:
        return entry.discarded_mg, ZERO, ZERO
    whole_units = floor_div(entry.discarded_mg, entry.billing_unit_mg)
    under = entry.discarded_mg - whole_units * entry.billing_unit_mg
    capped = max(whole_units - entry.discarded_units, 0) * entry.billing_unit_mg
    return ZERO, under, capped


def _rounding(entry: SavedAdministration, nearest: Combination | None) -> dict[str, object]:
    if nearest is None or nearest.total == entry.dose_mg:
        return {}
    # The nearest total above the dose is the least one covering it, so rounding never opens more.
    saved_mg = max(entry.labeled_mg - nearest.total, ZERO)
    return {
        "rounding_moved": True,
        "rounding_vials_saved": max(entry.vial_count - nearest.vial_count, 0),
        "rounding_mg_saved": saved_mg,
        "rounding_dollars": _dollars(saved_mg, entry),
    }


def _least_waste(
    entry: SavedAdministration, strengths: tuple[Decimal, ...], plan: Combination | None
) -> dict[str, object]:
    if plan is None or plan.total >= entry.labeled_mg:
        return {}
    saved_mg = entry.labeled_mg - plan.total
    vials = tuple((strength, count) for strength, count in zip(strengths, plan.counts) if count)
    return {
        "least_waste_changed": True,
        "least_waste_vials": vials,
        "least_waste_mg_saved": saved_mg,
        "least_waste_dollars": _dollars(saved_mg, entry),
    }
