"""In-process figures: calculations per second over the fixed mix,
and the vial search worst cases."""

from __future__ import annotations

import statistics
import time

from benchmarks.report import Figure
from benchmarks.scenarios import SCENARIOS
from infusion_calc.core.calculation import vials
from infusion_calc.core.calculation.dose_plan import KEPT_PLANS
from infusion_calc.core.calculation.engine import KEPT_ORDERS, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.errors import InfusionCalcError
from infusion_calc.loading import packaged_catalog

ENGINE_TARGET = 20_000
SEARCH_TARGET_MS = 50.0

WORST_CASE = (
    CalcRequest(  # the case: a large dose from several small presentations, rounding on
        dose="10000 mg",
        hcpcs="J9999",
        billing_unit="1 mg",
        vials=("1 mg", "5 mg", "10 mg"),
        round_within="10",
    )
)
HARD_ANSWERED = (
    CalcRequest(  # answered: 100 vials, and 0.001 mg steps put the search near its size bound
        dose="1499.999 mg",
        hcpcs="J9999",
        billing_unit="0.001 mg",
        vials=("15 mg", "14.999 mg", "7.001 mg", "3.333 mg", "0.001 mg"),
        round_within="30",
    )
)


def engine_rate(seconds: float) -> Figure:
    """Whole calculations (parse, plan, bill, steps) per second, one thread,
    cycling the ten scenarios."""
    catalog = packaged_catalog()
    for request in SCENARIOS:  # warm: first parses of each unit word, the catalog indexes
        calculate(catalog, request)
    rates = []
    for _ in range(3):
        done, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds / 3:
            for request in SCENARIOS:
                # Each calculation worked out whole: the engine keeps an order's and a plan's
                # answers (core/calculation/kept.py), and ten orders repeated would time those.
                KEPT_ORDERS.clear()
                KEPT_PLANS.clear()
                calculate(catalog, request)
            done += len(SCENARIOS)
        rates.append(done / elapsed)
    rate = statistics.median(rates)
    return Figure(
        "engine",
        f"{rate:,.0f}/s",
        f">= {ENGINE_TARGET:,}/s",
        rate >= ENGINE_TARGET,
        f"one thread, {len(SCENARIOS)}-scenario mix, each worked out whole (no kept answer), "
        "median of 3 rounds",
    )


def _timed(request: CalcRequest, repeats: int) -> tuple[float, float, str]:
    catalog = packaged_catalog()
    times, outcome = [], ""
    for _ in range(repeats):
        vials._common_step_of.cache_clear()  # every run pays for the whole search,
        KEPT_ORDERS.clear()  # not a kept order or vial plan (core/calculation/kept.py)
        KEPT_PLANS.clear()
        start = time.perf_counter()
        try:
            calc = calculate(catalog, request)
            outcome = "answered: " + " + ".join(
                f"{use.count} × {use.product.label}" for use in calc.vials
            )
        except InfusionCalcError as error:
            outcome = f"refused: {error}"
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, max(times) * 1000, outcome


def vial_search(repeats: int) -> list[Figure]:
    figures = []
    for name, request in (
        ("vial search worst case", WORST_CASE),
        ("vial search, answered", HARD_ANSWERED),
    ):
        median, worst, outcome = _timed(request, repeats)
        vial_sizes = ", ".join(request.vials)
        figures.append(
            Figure(
                name,
                f"{median:.2f} ms",
                f"<= {SEARCH_TARGET_MS:.0f} ms",
                median <= SEARCH_TARGET_MS,
                f"{request.dose} from {vial_sizes}, round within {request.round_within}%: "
                f"{outcome} (median of {repeats}, slowest {worst:.2f} ms)",
            )
        )
    return figures
