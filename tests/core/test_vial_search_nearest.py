"""The whole-vial rounding option is the reachable total nearest the dose (the smaller on a tie).

`VialSearch.nearest` looks at two candidates only (the nearest reachable total on each
side of the dose); this checks it against visiting every reachable total in the window.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from infusion_calc.core.calculation.vials import VialSearch

STRENGTHS = st.lists(
    st.sampled_from(
        ["0.5", "1", "2.5", "5", "7.5", "10", "12", "40", "100", "120", "300", "400", "500"]
    ),
    min_size=1,
    max_size=4,
    unique=True,
)


def _every_total_nearest(
    search: VialSearch, low: Decimal, high: Decimal, dose: Decimal
) -> Decimal | None:
    best = None
    for total in range(search.limit + 1):
        value = total * search.step
        if low <= value <= high and (search.reachable >> total) & 1:
            if best is None or abs(value - dose) < abs(best - dose):
                best = value
    return best


@settings(max_examples=150, deadline=None)
@given(
    strengths=STRENGTHS,
    dose=st.decimals(min_value=Decimal("0.5"), max_value=Decimal("900"), places=2),
    threshold=st.sampled_from(
        [Decimal(0), Decimal(5), Decimal(10), Decimal("12.5"), Decimal(25), Decimal(50)]
    ),
)
def test_nearest_matches_visiting_every_reachable_total(
    strengths: list[int], dose: Decimal, threshold: Decimal
) -> None:
    low, high = dose * (1 - threshold / 100), dose * (1 + threshold / 100)
    search = VialSearch([Decimal(s) for s in strengths], high)
    found = search.nearest(low, high, dose)
    expected = _every_total_nearest(search, low, high, dose)
    assert (found.total if found is not None else None) == expected


def test_a_tie_keeps_the_smaller_dose() -> None:
    search = VialSearch([Decimal(10)], Decimal(30))
    nearest = search.nearest(Decimal(10), Decimal(30), Decimal(15))
    assert nearest is not None and nearest.total == 10  # 10 and 20 are both 5 away
