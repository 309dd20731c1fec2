"""Keystroke to answer, in-process: from setting the dose field to the result panel showing the new result.

The app runs under Textual's `run_test` with its real start-up (the catalog loads in
a worker after the first frame). Once the form is live, the dose field is set to a new
value again and again; the clock stops when the result panel is handed the outcome for
that value (its `show` is wrapped to note the time), and, reported beside it, when the
frame with it has been drawn.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import TYPE_CHECKING, Any

from benchmarks.report import Figure

if TYPE_CHECKING:  # types only: the figure imports the app inside itself, to time its start
    from rich.console import RenderableType
    from textual.screen import Screen

    from infusion_calc.tui.state import Outcome

TARGET_MS = 5.0
FACTORY = "infusion_calc.tui.app:make_app"


async def _measure(samples: int) -> tuple[list[float], list[float], int]:
    from textual.widgets import Input

    from infusion_calc.tui.app import make_app

    app = make_app(cursor_blink=False)
    updated: list[float] = []
    painted: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.main_screen
        deadline = time.monotonic() + 30
        while not (screen.built and screen.calculator is not None):
            if time.monotonic() > deadline:
                raise RuntimeError("the form did not come alive within 30 s")
            await pilot.pause(0.01)
        await pilot.pause()
        dose = screen.query_one("#dose", Input)
        panel = screen.result_panel
        show, display = panel.show, app._display
        marks: dict[str, float] = {}

        def timed_show(outcome: Outcome) -> None:
            show(outcome)
            marks.setdefault("shown", time.perf_counter())

        def timed_display(frame_screen: Screen[Any], renderable: RenderableType | None) -> None:
            display(frame_screen, renderable)
            if "shown" in marks and renderable is not None:
                marks.setdefault("painted", time.perf_counter())

        # Wrapped in place to stamp the moments the outcome arrives and is painted.
        panel.show = timed_show  # type: ignore[method-assign]  # a timing wrapper, same signature
        app._display = timed_display  # type: ignore[method-assign,assignment]  # a timing wrapper, same signature
        valid = 0
        for index in range(samples):
            marks.clear()
            start = time.perf_counter()
            dose.value = f"{250 + index % 50} mg"
            while "painted" not in marks:
                if time.perf_counter() - start > 5:
                    raise RuntimeError("the result did not update within 5 s")
                await asyncio.sleep(0)
            updated.append(marks["shown"] - start)
            painted.append(marks["painted"] - start)
            valid += screen.outcome.valid
    return updated, painted, valid


def keystroke(samples: int) -> Figure:
    try:
        updated, painted, valid = asyncio.run(_measure(samples))
    except Exception as error:  # the TUI is someone else's moving target: say what broke, do not crash the run
        return Figure("keystroke", "n/a", f"<= {TARGET_MS:.0f} ms", False, f"could not measure: {type(error).__name__}: {error}")
    median = statistics.median(updated) * 1000
    return Figure(
        "keystroke", f"{median:.2f} ms", f"<= {TARGET_MS:.0f} ms", median <= TARGET_MS,
        f"dose field set -> result panel updated, median of {samples} in run_test ({valid} valid results); "
        f"to the frame drawn: median {statistics.median(painted) * 1000:.2f} ms",
    )
