"""Drug picker over every code: one keystroke's search and list refill, as a share of a frame.

The index holds the app's own entries for the full catalog (curated + the packaged CMS
quarter: ~700 codes, as the app loads it), plus synthetic entries (made-up generic and
brand names, J-codes) up to 1,000, room for a site that imports more. Each "keystroke" is a
query typed one letter more ("r", "ri", "rit", …, and a code "j9", "j93", …); the time
is the core search plus refilling the app's match list (DrugField._open) inside
run_test. The figure is the median as a fraction of one 60 Hz frame (16.7 ms): below 1
the list is ready before the next frame.
"""

from __future__ import annotations

import asyncio
import statistics
import time

from benchmarks.report import Figure

FRAME_MS = 1000 / 60
ENTRIES = 1_000
QUERIES = (
    "r",
    "ri",
    "rit",
    "ritu",
    "ritux",
    "i",
    "in",
    "inf",
    "infl",
    "j",
    "j9",
    "j93",
    "j931",
    "na",
    "nat",
    "xy",
    "",
)


def synthetic_catalog(size: int) -> list[tuple[str, str, tuple[str, ...]]]:
    from infusion_calc.catalog_cache import load
    from infusion_calc.tui.calculator import Calculator

    entries = list(Calculator(load().catalog).drug_entries())
    syllables = ("ta", "ri", "mo", "ze", "lu", "ci", "va", "no", "xi", "be")
    for number in range(size - len(entries)):
        generic = "".join(syllables[int(digit)] for digit in f"{number:04d}") + "mab"
        brand = generic[:5].capitalize() + "vo"
        entries.append((f"J{number:04d}", f"{brand} ({generic}) · J{number:04d}", (generic, brand)))
    return entries


async def _measure(rounds: int) -> tuple[list[float], list[float]]:
    from infusion_calc.core.catalog.drug_search import DrugIndex
    from infusion_calc.loading import packaged_catalog
    from infusion_calc.tui.app import make_app
    from infusion_calc.tui.widgets.drug_field import SHOWN, DrugField

    entries = synthetic_catalog(ENTRIES)
    index = DrugIndex(
        entries, uses={code: number % 7 for number, (code, _, _) in enumerate(entries)}
    )
    labels = {code: label for code, label, _ in entries}
    searched: list[float] = []
    refilled: list[float] = []
    app = make_app(packaged_catalog(), cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        while not (app.main_screen.built and app.main_screen.calculator is not None):
            await pilot.pause(0.01)
        field = app.main_screen.query_one("#drug", DrugField)
        field.load(lambda: index, lambda code: labels.get(code, ""), any_drug=True)
        for _ in range(rounds):
            for query in QUERIES:
                start = time.perf_counter()
                index.search(query, SHOWN)
                searched.append(time.perf_counter() - start)
                start = time.perf_counter()
                field._open(query)
                refilled.append(time.perf_counter() - start)
                await pilot.pause()
    return searched, refilled


def drug_search(rounds: int) -> Figure:
    try:
        searched, refilled = asyncio.run(_measure(rounds))
    except Exception as error:  # say what broke, never crash the run
        return Figure(
            "drug search",
            "n/a",
            "< 1 frame",
            False,
            f"could not measure: {type(error).__name__}: {error}",
        )
    ratio = statistics.median(refilled) * 1000 / FRAME_MS
    return Figure(
        "drug search",
        f"{ratio:.3f} frame",
        "< 1 frame",
        ratio < 1,
        f"{ENTRIES} entries (every real code, then synthetic ones), median of {len(refilled)} "
        f"keystrokes: search + list refill {statistics.median(refilled) * 1000:.2f} ms (search "
        f"alone {statistics.median(searched) * 1000:.3f} ms; worst refill "
        f"{max(refilled) / (FRAME_MS / 1000):.2f} frame) of a 16.7 ms frame",
    )


if __name__ == "__main__":
    print(drug_search(3).line())
