"""The report's what-ifs against brute force over every vial combination, on small cases."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from infusion_calc.core.report.report import Period, build_report
from infusion_calc.core.report.report_records import SavedAdministration, SavedLine
from infusion_calc.core.report.report_what_if import non_billable_mg

DAY = date(2026, 1, 15)
PERIOD = Period(date(2026, 1, 1), date(2026, 1, 31))
LIMIT = Decimal("3.5")


def combinations(strengths: tuple[Decimal, ...], most: int = 12) -> Iterator[tuple[Decimal, int]]:
    """Every (total, vial count) of up to `most` vials."""
    for counts in itertools.product(range(most + 1), repeat=len(strengths)):
        if 0 < sum(counts) <= most:
            yield sum((c * s for c, s in zip(counts, strengths)), Decimal(0)), sum(counts)


def least_cover(strengths: tuple[Decimal, ...], dose: Decimal) -> Decimal:
    return min(total for total, _ in combinations(strengths) if total >= dose)


def entry(
    dose: Decimal,
    planned: tuple[Decimal, ...],
    unit: Decimal = Decimal(10),
    single_dose: bool = True,
    discarded_units: int | None = None,
) -> SavedAdministration:
    """A saved entry planned as calc plans it: the least cover, the fewest vials for it."""
    labeled = least_cover(planned, dose)
    vials = min(count for total, count in combinations(planned) if total == labeled)
    wasted = labeled - dose
    jw = int(wasted // unit) if discarded_units is None else discarded_units
    return SavedAdministration(
        1,
        DAY,
        "J0000",
        "test drug",
        unit,
        dose,
        labeled,
        wasted,
        int(-(-dose // unit)),
        jw if single_dose else 0,
        single_dose,
        (SavedLine((), 1, Decimal(0)),),
        vials,
        limit_per_unit=LIMIT,
        planned_strengths=planned,
    )


SIZES = st.lists(
    st.sampled_from([Decimal(v) for v in (20, 50, 80, 100, 150, 400)]),
    min_size=1,
    max_size=3,
    unique=True,
)


@settings(max_examples=150, deadline=None)
@given(
    SIZES,
    st.integers(min_value=15, max_value=200),
    st.sampled_from([Decimal(5), Decimal(10), Decimal(20)]),
)
def test_rounding_moves_to_the_nearest_whole_vial_total_within_the_threshold(
    sizes: list[Decimal], dose_mg: int, threshold: Decimal
) -> None:
    planned = tuple(sorted(sizes))
    dose = Decimal(dose_mg)
    saved = entry(dose, planned)
    what_if = build_report([saved], PERIOD, round_within=threshold).totals
    low, high = dose * (1 - threshold / 100), dose * (1 + threshold / 100)
    inside = sorted(
        {total for total, _ in combinations(planned) if low <= total <= high},
        key=lambda t: (abs(t - dose), t),
    )
    if not inside or inside[0] == dose:
        assert what_if.rounding_moved == []
        return
    nearest = inside[0]
    fewest = min(count for total, count in combinations(planned) if total == nearest)
    assert what_if.rounding_moved == [1]
    assert what_if.rounding_vials_saved == max(saved.vial_count - fewest, 0)
    assert what_if.rounding_dollars == (saved.labeled_mg - nearest) / saved.billing_unit_mg * LIMIT


@settings(max_examples=150, deadline=None)
@given(SIZES, SIZES, st.integers(min_value=15, max_value=200))
def test_least_waste_uses_every_presentation_the_catalog_knows(
    planned_sizes: list[Decimal], catalog_sizes: list[Decimal], dose_mg: int
) -> None:
    planned = tuple(sorted(planned_sizes))
    known = tuple(sorted(catalog_sizes))
    dose = Decimal(dose_mg)
    saved = entry(dose, planned)
    figures = build_report([saved], PERIOD, catalog_strengths={("J0000", "mg"): known}).totals
    best = least_cover(tuple(sorted(set(planned) | set(known))), dose)
    assert best <= saved.labeled_mg
    if best == saved.labeled_mg:
        assert figures.least_waste_changed == []
    else:
        assert figures.least_waste_changed == [1]
        assert figures.least_waste_dollars == (saved.labeled_mg - best) / Decimal(10) * LIMIT


@given(
    st.integers(min_value=0, max_value=500),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=0, max_value=60),
)
def test_non_billable_waste_is_what_no_jw_unit_pays_for(
    wasted_mg: int, unit_mg: int, jw_units: int
) -> None:
    unit, wasted = Decimal(unit_mg), Decimal(wasted_mg)
    whole = wasted_mg // unit_mg
    jw = min(jw_units, whole)  # a JW line never bills more than was discarded
    saved = entry(Decimal(100), (Decimal(100),), unit)._replace(
        discarded_mg=wasted, discarded_units=jw
    )
    multi, under, capped = non_billable_mg(saved)
    assert multi == 0 and under + capped + jw * unit == wasted
    assert under < unit
    multi_dose = saved._replace(single_dose=False, discarded_units=0)
    assert non_billable_mg(multi_dose) == (wasted, Decimal(0), Decimal(0))


def test_what_ifs_skip_multi_dose_containers() -> None:
    saved = entry(
        Decimal(420), (Decimal(50), Decimal(150), Decimal(450)), Decimal(50), single_dose=False
    )
    figures = build_report(
        [saved],
        PERIOD,
        round_within=Decimal(10),
        catalog_strengths={("J0000", "mg"): (Decimal(50),)},
    ).totals
    assert figures.rounding_moved == [] and figures.least_waste_changed == []
    assert figures.non_billable_units["multi_dose"] == Decimal("0.6")


def test_an_entry_without_a_payment_limit_counts_no_dollars_and_is_flagged() -> None:
    saved = entry(Decimal(410), (Decimal(100),))._replace(limit_per_unit=None)
    figures = build_report([saved], PERIOD, round_within=Decimal(10)).totals
    assert (
        figures.rounding_moved == [1]
        and figures.rounding_dollars == 0
        and figures.what_if_unpriced == [1]
    )
