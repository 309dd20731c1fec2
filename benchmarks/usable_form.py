"""When the form is usable, from launch, as a nurse meets it:
beside the minimal Textual app's first frame.

Two moments, each in a fresh process started the way `first_frame.py` starts one:
- usable: the dose field has the focus and a key typed into it (sent through the
  driver, the real key path) has been drawn;
- typed ahead: `300 mg` typed the moment the app draws anything, and the frame that
  shows its valid result.

Usage as a child: python benchmarks/usable_form.py usable|ahead. It prints the moment
(time.monotonic, system-wide) the frame went out, then exits at once. The child imports no
more than `first_frame.py`, the yardstick's child, does before the app: what the parent
needs (the report, statistics, subprocess) is imported in the parent's functions only.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.report import Figure

ROOT = Path(__file__).resolve().parent.parent

USABLE_TARGET = 1.3
AHEAD_TARGET = 3.0
"""The typed-ahead result, no later than before:
567–606 ms beside the minimal app's 193 ms (issue 23)."""
TYPED = "300 mg"
FIGURE_NAMES = ("tui usable form", "tui typed-ahead result")


def _send(app: Any, keys: str) -> None:
    """Each key as the terminal driver hands it on (what `pilot.press` does, without its waits)."""
    from textual import events
    from textual.keys import _character_to_key

    for char in keys:
        event = events.Key(_character_to_key(char) if not char.isalnum() else char, char)
        event.set_sender(app)
        app._driver.send_message(event)


def _child(mode: str) -> None:
    from infusion_calc.tui.app import make_app

    app = make_app()
    display = app._display  # the one place a frame goes to the driver
    sent: list[str] = []

    def done() -> bool:
        if mode == "ahead":
            outcome = getattr(app.screen, "outcome", None)
            return outcome is not None and outcome.valid
        focused = app.focused
        return (
            bool(sent)
            and focused is not None
            and focused.id == "dose"
            and getattr(focused, "value", "") == "3"
        )

    def frame(screen: Any, renderable: Any) -> None:
        display(screen, renderable)
        if renderable is None or app._batch_count:
            return
        if done():
            cpu = os.times()
            sys.stdout.write(f"{time.monotonic()!r} {cpu.user + cpu.system!r}\n")
            sys.stdout.flush()
            os._exit(0)  # the frame is out; tearing down is not part of the figure
        focused = app.focused
        if not sent and (mode == "ahead" or (focused is not None and focused.id == "dose")):
            sent.append(TYPED if mode == "ahead" else "3")
            _send(app, sent[0])

    app._display = frame  # type: ignore[method-assign]  # a timing wrapper, same signature
    app.run(headless=True, size=(100, 32))
    sys.exit("the app exited without reaching the moment timed")


def _seconds(command: list[str]) -> tuple[float, float]:
    """Launch to the moment timed, and the CPU the process had used by then
    (steadier under load)."""
    import subprocess  # the parent's only: the child imports no more than the yardstick's

    launched = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT)
    if result.returncode != 0 or not result.stdout.strip():
        raise RuntimeError(f"{' '.join(command[1:])}: {result.stderr.strip()[-500:]}")
    moment, cpu = result.stdout.split()[:2]
    return float(moment) - launched, float(cpu)


def usable_form(repeats: int) -> list[Figure]:
    # the parent's only: the child imports no more than the yardstick's
    import statistics
    import subprocess

    from benchmarks.report import Figure
    from benchmarks.startup import MINIMAL_FACTORY

    commands = {
        "minimal": [sys.executable, str(ROOT / "benchmarks" / "first_frame.py"), MINIMAL_FACTORY],
        "usable": [sys.executable, __file__, "usable"],
        "ahead": [sys.executable, __file__, "ahead"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    try:
        for _ in range(repeats):
            for name, command in commands.items():  # interleaved: load drifts hit all alike
                wall, cpu = _seconds(command)
                times[name].append(wall)
                cpus[name].append(cpu)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        return [
            Figure(name, "n/a", "", False, f"could not measure: {error}") for name in FIGURE_NAMES
        ]
    minimal, usable, ahead = (statistics.median(times[name]) for name in commands)
    cpu_median = {name: statistics.median(values) for name, values in cpus.items()}
    spread = {
        name: f"{min(values) * 1000:.0f}–{max(values) * 1000:.0f}" for name, values in times.items()
    }
    yardstick = f"minimal Textual app's first frame {minimal * 1000:.0f} ms ({spread['minimal']})"
    return [
        Figure(
            "tui usable form",
            f"{usable / minimal:.2f}x",
            f"<= {USABLE_TARGET}x",
            usable / minimal <= USABLE_TARGET,
            f"dose field focused and a typed key drawn {usable * 1000:.0f} ms ({spread['usable']}) "
            f"/ {yardstick}, from launch, headless, medians of {repeats}, interleaved; CPU time "
            f"{cpu_median['usable'] / cpu_median['minimal']:.2f}x",
        ),
        Figure(
            "tui typed-ahead result",
            f"{ahead / minimal:.2f}x",
            f"<= {AHEAD_TARGET}x",
            ahead / minimal <= AHEAD_TARGET,
            f"'{TYPED}' typed at the first frame -> its result drawn {ahead * 1000:.0f} ms "
            f"({spread['ahead']}) / the same yardstick; CPU time "
            f"{cpu_median['ahead'] / cpu_median['minimal']:.2f}x",
        ),
    ]


if __name__ == "__main__":
    _child(sys.argv[1])
