"""Medicare payment arithmetic: exact Decimal, cents half up per line,
totals from the rounded lines."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from infusion_calc.core.calculation.billing import ClaimLine
from infusion_calc.core.calculation.payment import price

QUARTER = SimpleNamespace(
    quarter="2026Q1", effective_from=date(2026, 1, 1), effective_to=date(2026, 3, 31)
)


def line(units: int, jw: bool = False) -> ClaimLine:
    return ClaimLine("J2323", ("JW",) if jw else (), units, "64406000801", "ML", Decimal(units))


@given(
    units=st.lists(st.integers(min_value=1, max_value=100_000), min_size=1, max_size=4),
    limit=st.decimals(min_value=Decimal("0.001"), max_value=Decimal("100000"), places=3),
    percent=st.sampled_from([Decimal("20.000"), Decimal("15.500"), Decimal("0.000")]),
)
def test_each_line_is_units_times_limit_to_the_cent_and_the_total_is_their_sum(
    units: list[int], limit: Decimal, percent: Decimal
) -> None:
    lines = tuple(
        line(count, jw=index == len(units) - 1 and index > 0) for index, count in enumerate(units)
    )
    payment = price(lines, limit, percent, QUARTER)
    for claim, amount in zip(lines, payment.line_amounts):
        assert amount == (claim.units * limit).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert amount.as_tuple().exponent == -2  # always shown with cents
    assert payment.total == sum(payment.line_amounts)
    assert payment.discarded == (payment.line_amounts[-1] if len(lines) > 1 else 0)
    assert payment.coinsurance == (payment.total * percent / 100).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def test_a_half_cent_rounds_up() -> None:
    # 5 units x $0.001 = $0.005 -> $0.01 (half up), not $0.00 (banker's rounding)
    assert price((line(5),), Decimal("0.001"), Decimal("20"), QUARTER).line_amounts == (
        Decimal("0.01"),
    )


def test_the_quarter_covering_a_day_is_looked_for_once_per_day() -> None:
    """A batch prices many rows on a few days from the same quarters: each day's quarter (or its
    absence) is found once, then found again without walking the quarters."""
    from collections.abc import Iterator

    from infusion_calc.core.calculation.payment import covering

    second = SimpleNamespace(
        quarter="2026Q2", effective_from=date(2026, 4, 1), effective_to=date(2026, 6, 30)
    )

    class Counted(tuple[SimpleNamespace, ...]):
        walks = 0

        def __iter__(self) -> Iterator[SimpleNamespace]:
            Counted.walks += 1
            return super().__iter__()

    quarters = Counted((QUARTER, second))
    for _ in range(3):
        assert covering(quarters, date(2026, 5, 2)) is second
        assert covering(quarters, date(2026, 3, 31)) is QUARTER
        assert covering(quarters, date(2026, 7, 1)) is None
    assert Counted.walks == 3
