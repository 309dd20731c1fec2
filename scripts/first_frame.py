"""Measure the app's start-up against a minimal Textual app, both started in tmux.

    .venv/bin/python scripts/first_frame.py [--runs 10]

For each run, a private tmux server starts the program and `capture-pane` is polled
until a marker shows; the time is from `new-session` to that frame. Measured:
- minimal: a bare Textual App with one Label, `python minimal.py`;
- first frame: `infusion-calc` shows its first frame (the "opening the form" line);
- form: the form is on screen and takes typing ("Ordered dose");
- ready: the catalog has loaded ("Tysabri (natalizumab)" in the drug field);
- result: after typing "250 mg" in one send-keys, until the JW claim line shows;
- typed at launch: "250 mg" sent right after `new-session`, before anything is drawn
  (keys typed before the form exists are held and replayed), until the JW line shows.
Runs alternate between the programs so machine load affects both alike; medians
are printed. Then the per-keystroke work is timed in-process: a new form value
through the engine to every widget updated (no rendering).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MINIMAL_APP = """\
from textual.app import App
from textual.widgets import Label


class Minimal(App):
    def compose(self):
        yield Label("minimal app ready")


Minimal().run()
"""


def tmux(socket: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["tmux", "-L", socket, *args], capture_output=True, text=True, check=False
    )


def wait_for(socket: str, marker: str, started: float, timeout: float = 15) -> float:
    """Seconds from `started` until the screen shows `marker` (or, with "|", any of its parts)."""
    while time.perf_counter() - started < timeout:
        screen = tmux(socket, "capture-pane", "-p", "-t", "m").stdout
        if any(part in screen for part in marker.split("|")):
            return time.perf_counter() - started
        time.sleep(0.002)
    screen = tmux(socket, "capture-pane", "-p", "-t", "m").stdout
    raise RuntimeError(f"{marker!r} did not appear within {timeout} s; the screen:\n{screen}")


def timed_run(
    command: str,
    markers: list[str],
    environment: dict[str, str],
    type_after: str = "",
    type_at_launch: str = "",
) -> list[float]:
    # A fresh server per run: reusing a socket races with the previous server's exit.
    socket = f"first-frame-{os.getpid()}-{time.monotonic_ns()}"
    flags = [item for key, value in environment.items() for item in ("-e", f"{key}={value}")]
    try:
        started = time.perf_counter()
        tmux(socket, "new-session", "-d", "-s", "m", "-x", "120", "-y", "40", *flags, command)
        if type_at_launch:
            tmux(socket, "send-keys", "-t", "m", "-l", type_at_launch)
        times = [wait_for(socket, marker, started) for marker in markers]
        if type_after:
            typed = time.perf_counter()
            tmux(socket, "send-keys", "-t", "m", "-l", type_after)
            times.append(wait_for(socket, "J2323  JW", typed))
        return times
    finally:
        tmux(socket, "kill-server")
        (Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}" / socket).unlink(
            missing_ok=True
        )


def keystroke_cost(samples: int = 300) -> float:
    """Seconds per form change: engine + every widget updated (rendering excluded)."""
    from infusion_calc.loading import packaged_catalog
    from infusion_calc.tui.app import make_app
    from infusion_calc.tui.state import FormValues

    async def measure() -> float:
        app = make_app(packaged_catalog(), cursor_blink=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            screen = app.main_screen
            started = time.perf_counter()
            for index in range(samples):
                screen.form = FormValues(drug="J2323", dose=f"{100 + index} mg")
            return (time.perf_counter() - started) / samples

    return asyncio.run(measure())


def main() -> int:
    parser = argparse.ArgumentParser(description="first-frame and keystroke timings")
    parser.add_argument("--runs", type=int, default=10)
    options = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is needed (apt-get install tmux)", file=sys.stderr)
        return 1
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as folder:
        minimal = Path(folder) / "minimal.py"
        minimal.write_text(MINIMAL_APP, encoding="utf-8")
        environment = {
            "INFUSION_CALC_CONFIG_DIR": f"{folder}/config",
            "INFUSION_CALC_DATA_DIR": f"{folder}/data",
        }
        bare, first, built, ready, result, at_launch = [], [], [], [], [], []
        for _ in range(options.runs):
            bare += timed_run(f"'{sys.executable}' '{minimal}'", ["minimal app ready"], environment)
            frame, form, loaded, typed = timed_run(
                f"'{bin_dir / 'infusion-calc'}'",
                ["opening the form|Ordered dose", "Ordered dose", "Tysabri (natalizumab)"],
                environment,
                "250 mg",
            )
            first.append(frame)
            built.append(form)
            ready.append(loaded)
            result.append(typed)
            at_launch += timed_run(
                f"'{bin_dir / 'infusion-calc'}'",
                ["J2323  JW"],
                environment,
                type_at_launch="250 mg",
            )
    median = statistics.median
    print(f"runs: {options.runs} each, medians")
    print(f"minimal Textual app, first frame:   {median(bare) * 1000:6.0f} ms")
    print(
        f"infusion-calc, first frame:         {median(first) * 1000:6.0f} ms  "
        f"({median(first) / median(bare):.2f}x the minimal app)"
    )
    print(f"infusion-calc, form on screen:      {median(built) * 1000:6.0f} ms")
    print(f"infusion-calc, catalog ready:       {median(ready) * 1000:6.0f} ms")
    print(f"typing '250 mg' until the JW line:  {median(result) * 1000:6.0f} ms")
    print(
        "'250 mg' typed at launch, JW line:  "
        f"{median(at_launch) * 1000:6.0f} ms  (from new-session)"
    )
    print(f"per keystroke, engine + widgets:    {keystroke_cost() * 1e6:6.0f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
