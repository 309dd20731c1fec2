"""The waste-and-revenue report: saved administrations in, figures per drug and per month out.

Pure: no file, no screen, no plotting. `build_report` sums the saved lines' own payments
(never re-priced), counts the risks and adds the what-ifs (report_what_if.py), each
figure keeping the ids of the entries it came from for `--details`. `report_to_dict`
is the JSON contract of `infusion-calc report --format json`; every other format is
drawn from that same dictionary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from infusion_calc.core.numbers import rounding
from infusion_calc.core.numbers.units import format_amount
from infusion_calc.core.report.report_records import SavedAdministration
from infusion_calc.core.report.report_what_if import EntryWhatIf, Searches, ceilings, what_if

ZERO = Decimal(0)
HUNDREDTH = Decimal("0.01")

RISKS = {
    "waste_without_jw": "waste recorded (discarded units) with no JW line",
    "jw_without_waste_documented": (
        "JW line saved without the waste's date, time, amount or reason documented"
    ),
    "saved_with_error": "saved while a pre-submission check was an error",
}
"""Each risk the report counts, and what it means (the text and HTML show these words)."""


def entry_risks(entry: SavedAdministration) -> tuple[str, ...]:
    """The RISKS one entry carries."""
    flagged = (
        ("waste_without_jw", entry.discarded_units > 0 and not entry.has_jw_line),
        ("jw_without_waste_documented", entry.has_jw_line and entry.waste_undocumented),
        ("saved_with_error", bool(entry.error_checks)),
    )
    return tuple(name for name, flag in flagged if flag)


@dataclass(frozen=True, slots=True)
class Period:
    first: date
    last: date

    def holds(self, day: date) -> bool:
        return self.first <= day <= self.last


def last_full_month(today: date) -> Period:
    last = today.replace(day=1) - timedelta(days=1)
    return Period(last.replace(day=1), last)


@dataclass(frozen=True, slots=True)
class Filters:
    drug: str | None = None
    """An HCPCS code, or part of the drug's name (any case)."""
    payer: str | None = None

    def keeps(self, entry: SavedAdministration) -> bool:
        if self.drug:
            wanted = self.drug.strip().casefold()
            if wanted != entry.hcpcs.casefold() and wanted not in entry.drug.casefold():
                return False
        return not self.payer or (entry.payer or "").casefold() == self.payer.strip().casefold()


@dataclass
class Figures:
    """Sums over a set of entries; `add` one entry, `merge` two sets."""

    administrations: int = 0
    units_administered: int = 0
    units_discarded: int = 0
    opened_units: Decimal = ZERO
    """Labeled amount opened, in billing units (exact): the base of the waste share."""
    wasted_units: Decimal = ZERO
    """Everything discarded, billable or not, in billing units (exact)."""
    administered_payment: Decimal = ZERO
    jw_payment: Decimal = ZERO
    jz_attestations: int = 0
    dose_given_entries: int = 0
    unpriced_entries: list[int] = field(default_factory=list)
    risks: dict[str, list[int]] = field(default_factory=lambda: {name: [] for name in RISKS})
    rounding_moved: list[int] = field(default_factory=list)
    rounding_vials_saved: int = 0
    rounding_units_saved: Decimal = ZERO
    rounding_dollars: Decimal = ZERO
    least_waste_changed: list[int] = field(default_factory=list)
    least_waste_units_saved: Decimal = ZERO
    least_waste_dollars: Decimal = ZERO
    non_billable_units: dict[str, Decimal] = field(
        default_factory=lambda: {"multi_dose": ZERO, "under_one_unit": ZERO, "capped": ZERO}
    )
    non_billable_entries: list[int] = field(default_factory=list)
    non_billable_dollars: Decimal = ZERO
    what_if_unpriced: list[int] = field(default_factory=list)
    entry_ids: list[int] = field(default_factory=list)

    def add(self, entry: SavedAdministration, change: EntryWhatIf, ids: list[int]) -> None:
        """Add `entry` once for each id in `ids` (entries saved with the same figures)."""
        count = len(ids)
        unit = entry.billing_unit_mg
        self.entry_ids += ids
        self.administrations += count
        self.units_administered += entry.administered_units * count
        self.units_discarded += entry.discarded_units * count
        self.opened_units += entry.labeled_mg / unit * count
        self.wasted_units += max(entry.discarded_mg, ZERO) / unit * count
        self.dose_given_entries += count if entry.given_mg is not None else 0
        for line in entry.lines:
            self.jz_attestations += count if line.is_jz else 0
            if line.payment is not None:
                if line.is_jw:
                    self.jw_payment += line.payment * count
                else:
                    self.administered_payment += line.payment * count
        if not entry.priced:
            self.unpriced_entries += ids
        for name in entry_risks(entry):
            self.risks[name] += ids
        self._add_what_if(ids, unit, change)

    def _add_what_if(self, ids: list[int], unit: Decimal, change: EntryWhatIf) -> None:
        count = len(ids)
        if change.rounding_moved:
            self.rounding_moved += ids
            self.rounding_vials_saved += change.rounding_vials_saved * count
            self.rounding_units_saved += change.rounding_mg_saved / unit * count
            self.rounding_dollars += change.rounding_dollars * count
        if change.least_waste_changed:
            self.least_waste_changed += ids
            self.least_waste_units_saved += change.least_waste_mg_saved / unit * count
            self.least_waste_dollars += change.least_waste_dollars * count
        parts = (
            ("multi_dose", change.multi_dose_mg),
            ("under_one_unit", change.under_one_unit_mg),
            ("capped", change.capped_mg),
        )
        if any(mg for _, mg in parts):
            self.non_billable_entries += ids
            for name, mg in parts:
                self.non_billable_units[name] += mg / unit * count
            self.non_billable_dollars += change.non_billable_dollars * count
        if change.unpriced:
            self.what_if_unpriced += ids

    def merge(self, other: Figures) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if isinstance(value, dict):
                for key, item in value.items():
                    if isinstance(item, list):
                        mine[key].extend(item)
                    else:
                        mine[key] += item
            elif isinstance(value, list):
                mine.extend(value)  # in place: the totals gather every id once, not once per merge
            else:
                setattr(self, name, mine + value)


@dataclass
class DrugFigures:
    hcpcs: str
    drug: str
    figures: Figures
    by_month: dict[str, Figures]


@dataclass
class Report:
    period: Period
    filters: Filters
    round_within: Decimal | None
    totals: Figures
    by_drug: list[DrugFigures]
    by_month: dict[str, Figures]
    details: list[tuple[SavedAdministration, EntryWhatIf]] | None = None


def build_report(
    entries: Iterable[SavedAdministration],
    period: Period,
    *,
    filters: Filters = Filters(),
    round_within: Decimal | None = None,
    catalog_strengths: Mapping[tuple[str, str], tuple[Decimal, ...]] | None = None,
    details: bool = False,
) -> Report:
    """The report over the entries given in the period that pass the filters."""
    catalog = catalog_strengths or {}
    kept = [entry for entry in entries if period.holds(entry.day) and filters.keeps(entry)]
    # Entries saved with the same figures (a fixed dose, the same vials and price) add the same
    # amounts: each distinct one is worked out once per month and counted as many times.
    alike: dict[tuple[str, tuple[object, ...]], tuple[SavedAdministration, list[int]]] = {}
    months: dict[date, str] = {}
    for entry in kept:
        month = months.get(entry.day)
        if month is None:
            month = months[entry.day] = entry.month
        alike.setdefault((month, entry[2:]), (entry, []))[1].append(entry.id)
    searches = Searches(ceilings([entry for entry, _ in alike.values()], catalog, round_within))
    groups: dict[tuple[str, str], Figures] = {}
    names: dict[str, str] = {}
    changes: dict[tuple[object, ...], EntryWhatIf] = {}
    for (month, figures), (entry, ids) in alike.items():
        change = changes.get(figures)
        if change is None:
            change = changes[figures] = what_if(entry, searches, catalog, round_within)
        groups.setdefault((entry.hcpcs, month), Figures()).add(entry, change, ids)
        names.setdefault(entry.hcpcs, entry.drug)
    traced = [(entry, changes[(entry[2:])]) for entry in kept] if details else None
    return _rolled_up(period, filters, round_within, groups, names, traced)


def _rolled_up(
    period: Period,
    filters: Filters,
    round_within: Decimal | None,
    groups: dict[tuple[str, str], Figures],
    names: dict[str, str],
    traced: list[tuple[SavedAdministration, EntryWhatIf]] | None,
) -> Report:
    totals = Figures()
    by_month: dict[str, Figures] = {}
    drugs: dict[str, DrugFigures] = {}
    for (hcpcs, month), figures in sorted(groups.items()):
        drug = drugs.setdefault(hcpcs, DrugFigures(hcpcs, names[hcpcs], Figures(), {}))
        drug.figures.merge(figures)
        drug.by_month[month] = figures
        by_month.setdefault(month, Figures()).merge(figures)
        totals.merge(figures)
    return Report(
        period,
        filters,
        round_within,
        totals,
        list(drugs.values()),
        dict(sorted(by_month.items())),
        traced,
    )


def money(value: Decimal) -> str:
    return str(rounding.cents(value))


def _units(value: Decimal) -> str:
    return str(rounding.round_half_up(value, HUNDREDTH))


def waste_percent(figures: Figures) -> Decimal | None:
    return (
        rounding.percent(figures.wasted_units / figures.opened_units * 100)
        if figures.opened_units
        else None
    )


def _what_if_dict(figures: Figures, round_within: Decimal | None, ids: bool) -> dict[str, Any]:
    def traced(values: list[int]) -> dict[str, Any]:
        return {"entry_ids": values} if ids else {}

    rounding_part: dict[str, Any] = {
        "applied": False,
        "round_within_percent": None if round_within is None else rounding.plain(round_within),
        "doses_moved": len(figures.rounding_moved),
        "vials_saved": figures.rounding_vials_saved,
        "units_saved": _units(figures.rounding_units_saved),
        "dollars_saved": money(figures.rounding_dollars),
        **traced(figures.rounding_moved),
    }
    return {
        "rounding": rounding_part,
        "least_waste": {
            "applied": False,
            "doses_changed": len(figures.least_waste_changed),
            "units_saved": _units(figures.least_waste_units_saved),
            "dollars_saved": money(figures.least_waste_dollars),
            **traced(figures.least_waste_changed),
        },
        "non_billable_waste": {
            "applied": False,
            "administrations": len(figures.non_billable_entries),
            "units": {name: _units(value) for name, value in figures.non_billable_units.items()},
            # the log holds labeled amounts only: overfill is never recorded, so never counted
            "overfill": None,
            "dollars_at_payment_limit": money(figures.non_billable_dollars),
            **traced(figures.non_billable_entries),
        },
        "entries_without_payment_limit": len(figures.what_if_unpriced),
    }


def figures_dict(
    figures: Figures, round_within: Decimal | None, ids: bool = False
) -> dict[str, Any]:
    """One object of the contract: `totals`, or a drug's or a month's figures."""
    share = waste_percent(figures)
    out: dict[str, Any] = {
        "administrations": figures.administrations,
        "units_administered": figures.units_administered,
        "units_discarded": figures.units_discarded,
        "units_opened": _units(figures.opened_units),
        "units_wasted": _units(figures.wasted_units),
        "waste_percent": None if share is None else str(share),
        "administered_payment": money(figures.administered_payment),
        "jw_payment": money(figures.jw_payment),
        "jz_attestations": figures.jz_attestations,
        "dose_given_entries": figures.dose_given_entries,
        "entries_without_payment": len(figures.unpriced_entries),
        "risks": {name: len(values) for name, values in figures.risks.items()},
        "what_if": _what_if_dict(figures, round_within, ids),
    }
    if ids:
        out["entry_ids"] = figures.entry_ids
        out["entries_without_payment_ids"] = figures.unpriced_entries
        out["risk_entry_ids"] = figures.risks
    return out


def report_to_dict(report: Report) -> dict[str, Any]:
    """The JSON contract: from, to, totals, by_drug (one object per HCPCS), by_month;
    details with --details."""
    ids = report.details is not None
    round_within = report.round_within
    out: dict[str, Any] = {
        "from": report.period.first.isoformat(),
        "to": report.period.last.isoformat(),
        "filters": {"drug": report.filters.drug, "payer": report.filters.payer},
        "totals": figures_dict(report.totals, round_within, ids),
        "by_drug": [
            {
                "hcpcs": drug.hcpcs,
                "drug": drug.drug,
                **figures_dict(drug.figures, round_within, ids),
                "by_month": [
                    {"month": month, **figures_dict(figures, round_within, ids)}
                    for month, figures in drug.by_month.items()
                ],
            }
            for drug in report.by_drug
        ],
        "by_month": [
            {"month": month, **figures_dict(figures, round_within, ids)}
            for month, figures in report.by_month.items()
        ],
        "risk_meanings": dict(RISKS),
    }
    if report.details is not None:
        out["details"] = [_entry_detail(entry, change) for entry, change in report.details]
    return out


def _entry_detail(entry: SavedAdministration, change: EntryWhatIf) -> dict[str, Any]:
    """One entry and what it adds to each figure (no patient identifier: the record holds none)."""
    return {
        "id": entry.id,
        "date": entry.day.isoformat(),
        "hcpcs": entry.hcpcs,
        "payer": entry.payer,
        "dose": format_amount(entry.dose_mg, entry.amount_unit),
        "dose_given": None
        if entry.given_mg is None
        else format_amount(entry.given_mg, entry.amount_unit),
        "units_administered": entry.administered_units,
        "units_discarded": entry.discarded_units,
        "lines": [
            {
                "modifiers": list(line.modifiers),
                "units": line.units,
                "payment": None if line.payment is None else str(line.payment),
            }
            for line in entry.lines
        ],
        "risks": list(entry_risks(entry)),
        "what_if": {
            "rounding_dollars_saved": money(change.rounding_dollars)
            if change.rounding_moved
            else None,
            "rounding_vials_saved": change.rounding_vials_saved if change.rounding_moved else None,
            "least_waste_vials": [
                f"{count} × {format_amount(strength, entry.amount_unit)}"
                for strength, count in change.least_waste_vials
            ]
            or None,
            "least_waste_dollars_saved": money(change.least_waste_dollars)
            if change.least_waste_changed
            else None,
            "non_billable_dollars": money(change.non_billable_dollars),
        },
    }
