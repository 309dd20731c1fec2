"""A batch keeps each order's answer by the text of its cells (core/pipeline/batch_memo.py): kept
or not, every row's records are the same, its claim lines are still checked, a refusal is never
kept, and memory is bounded."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infusion_calc.core.calculation.payment import _option_lines
from infusion_calc.core.pipeline import batch as batch_module
from infusion_calc.core.pipeline.administration import Site
from infusion_calc.core.pipeline.batch import RowOutcome, answer_rows, read_header
from infusion_calc.core.pipeline.batch_memo import RowMemo
from infusion_calc.loading import Context

HEADER = (
    "encounter",
    "drug",
    "hcpcs",
    "dose",
    "weight",
    "bsa",
    "vial",
    "round_within",
    "billing_unit",
    "given_at",
)
ORDERS = [  # cells after the encounter: a few orders that repeat, one refused, one unlisted code
    ("Tysabri", "", "300 mg", "", "", "", "", "", "2026-09-01"),
    ("remicade", "", "5 mg/kg", "73 kg", "", "", "10", "", "2026-09-02"),
    ("remicade", "", "10 mg/kg", "154 lb", "", "", "10", "", "2026-09-02"),
    ("Rituxan", "", "375 mg/m2", "", "1.9 m2", "", "10", "", "2026-08-30"),
    ("", "J9999", "95 mg", "", "", "100 mg/10 mL", "", "1 mg", "2026-09-03"),
    ("belimumab", "", "10 mg/kg", "81.5 kg", "", "120 mg;400 mg", "", "", "2025-03-15"),
    ("Tysabri", "", "1,5 mg", "", "", "", "", "", "2026-09-01"),  # refused: a comma decimal
    ("Ocrevus", "", "15 mL", "", "", "", "", "", "2027-01-05"),  # no quarter covers the day
    ("Tysabri", "", "300 mg", "", "", "", "", "", "not a date"),  # refused: the given_at cell
]


@pytest.fixture(scope="module")
def site() -> Site:
    return Context().site()


def _outcomes(
    site: Site, rows: list[list[str]], memo: RowMemo[Any] | None, first_row: int = 2
) -> list[RowOutcome]:
    return list(
        answer_rows(rows, read_header(HEADER), site, first_row, today=date(2026, 9, 10), memo=memo)
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.integers(0, len(ORDERS) - 1), min_size=1, max_size=40), st.integers(1, 4))
def test_kept_answers_give_the_records_computed_afresh_in_any_order(
    site: Site, picks: list[int], size: int
) -> None:
    rows = [[f"E{number}", *ORDERS[pick]] for number, pick in enumerate(picks)]
    fresh = [
        _outcomes(site, [row], None, 2 + index) for index, row in enumerate(rows)
    ]  # each alone, afresh
    kept = _outcomes(site, rows, RowMemo(size))  # a tiny memo: answers are kept, reused and dropped
    assert [outcome.records for outcome in kept] == [
        outcome.records for group in fresh for outcome in group
    ]
    assert [outcome.error for outcome in kept] == [
        outcome.error for group in fresh for outcome in group
    ]


def test_a_repeated_order_is_administered_once_and_its_lines_checked_on_every_row(
    site: Site,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    checked: list[str] = []
    # patched where batch calls it
    real_check = batch_module.require_valid_claim_lines  # type: ignore[attr-defined]

    def counted_check(calc: Any, what: str) -> None:
        checked.append(calc.drug.hcpcs)
        real_check(calc, what)

    monkeypatch.setattr(batch_module, "require_valid_claim_lines", counted_check)
    memo: RowMemo[Any] = RowMemo()
    rows = [[f"E{number}", *ORDERS[0]] for number in range(5)]
    outcomes = _outcomes(site, rows, memo)
    assert [outcome.records[0]["encounter"] for outcome in outcomes] == [
        f"E{number}" for number in range(5)
    ]
    assert [outcome.row for outcome in outcomes] == [2, 3, 4, 5, 6]
    assert (memo.misses, memo.hits) == (1, 4)
    assert checked == ["J2323"] * 5


def test_a_refused_row_is_never_kept_and_says_why_each_time(site: Site) -> None:
    memo: RowMemo[Any] = RowMemo()
    outcomes = _outcomes(site, [[f"E{number}", *ORDERS[6]] for number in range(3)], memo)
    assert [outcome.error is not None and "dose:" in outcome.error for outcome in outcomes] == [
        True
    ] * 3
    assert (memo.hits, memo.misses) == (0, 0)


def test_the_memo_keeps_at_most_its_size_and_forgets_when_the_batch_changes() -> None:
    memo: RowMemo[int] = RowMemo(size=3)
    memo.scope("site", "day")
    for key in range(10):
        assert memo.answer(key, lambda key=key: key * 2) == key * 2
    assert len(memo._answers) == 3 and list(memo._answers) == [7, 8, 9]
    assert memo.answer(8, lambda: -1) == 16  # kept: computed once
    memo.scope("another site", "day")
    assert memo.answer(8, lambda: -1) == -1  # another batch: computed again


def test_an_exception_from_the_computation_is_not_kept() -> None:
    memo: RowMemo[int] = RowMemo()

    def refuse() -> int:
        raise ValueError("no")

    with pytest.raises(ValueError):
        memo.answer("key", refuse)
    assert memo.answer("key", lambda: 1) == 1


def test_the_whole_vial_option_lines_kept_are_the_lines_billed(site: Site) -> None:
    from infusion_calc.core.calculation.billing import bill
    from infusion_calc.core.calculation.engine import calculate
    from infusion_calc.core.calculation.request import CalcRequest

    for request in (
        CalcRequest(dose="5 mg/kg", drug="remicade", weight="73 kg", round_within="10"),
        CalcRequest(dose="375 mg/m2", drug="Rituxan", bsa="1.9 m2", round_within="10"),
    ):
        calc = calculate(site.catalog, request)
        option = calc.rounding_option
        assert option is not None
        for _ in range(2):  # computed, then kept
            assert (
                _option_lines(
                    calc.drug.hcpcs, calc.drug.billing_unit.value, option.dose_mg, option.vials
                )
                == bill(
                    calc.drug.hcpcs, calc.drug.billing_unit.value, option.dose_mg, option.vials
                ).lines
            )


def test_a_site_without_quarters_is_answered_the_same_with_or_without_the_memo(site: Site) -> None:
    bare = Site(site.catalog, site.rules, site.policy, None)
    rows = [[f"E{number}", *ORDERS[number % 6]] for number in range(12)]
    assert [o.records for o in _outcomes(bare, rows, RowMemo())] == [
        o.records for index, row in enumerate(rows) for o in _outcomes(bare, [row], None, 2 + index)
    ]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(["J1300", "J1299", "J2323", "J9312", "Q5134", "J0490", "J9999"]),
    st.one_of(st.none(), st.dates(date(2023, 6, 1), date(2027, 6, 1))),
)
def test_the_in_effect_answer_kept_per_code_and_day_is_the_one_computed(
    site: Site, code: str, day: date | None
) -> None:
    cms = site.catalog.cms
    assert cms is not None and cms.history is not None
    history = cms.history
    assert history.out_of_effect(code, day) == history._out_of_effect(code, day)
    assert history.out_of_effect(code, day) == history._out_of_effect(code, day)  # the kept answer
