"""Start-up figures, each a ratio to a yardstick measured side by side in the same run."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.report import Figure, interleaved_medians

COLD_START_TARGET = 1.3
FIRST_FRAME_TARGET = 1.15
TUI_FACTORY = "infusion_calc.tui.app:make_app"
MINIMAL_FACTORY = "benchmarks.minimal_app:make_app"
ROOT = Path(__file__).resolve().parent.parent


def cli_command() -> list[str]:
    """The installed `infusion-calc` next to this interpreter (so: the same interpreter), or -m."""
    script = Path(sys.executable).parent / "infusion-calc"
    return [str(script)] if script.exists() else [sys.executable, "-m", "infusion_calc"]


def calc_command() -> list[str]:
    return [*cli_command(), "calc", "--dose", "300 mg", "--json"]


def cli_cold_start(repeats: int) -> Figure:
    # One run first: the compiled catalog is then in the user cache, as on every start but the first.
    subprocess.run(calc_command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    medians = interleaved_medians({"pint": [sys.executable, "-c", "import pint"], "calc": calc_command()}, repeats)
    (calc_wall, calc_cpu), (pint_wall, pint_cpu) = medians["calc"], medians["pint"]
    ratio = calc_wall / pint_wall
    return Figure(
        "cli cold start", f"{ratio:.2f}x", f"<= {COLD_START_TARGET}x", ratio <= COLD_START_TARGET,
        f"infusion-calc calc --dose \"300 mg\" --json {calc_wall * 1000:.0f} ms / python -c \"import pint\" "
        f"{pint_wall * 1000:.0f} ms, medians of {repeats}, interleaved; CPU time {calc_cpu / pint_cpu:.2f}x",
    )


def _first_frame_seconds(factory: str) -> float:
    launched = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "first_frame.py"), factory],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )
    if result.returncode != 0 or not result.stdout.strip():
        raise RuntimeError(f"{factory} drew no frame: {result.stderr.strip()[-500:]}")
    return float(result.stdout.split()[0]) - launched


def tui_first_frame(repeats: int) -> Figure:
    times: dict[str, list[float]] = {TUI_FACTORY: [], MINIMAL_FACTORY: []}
    try:
        for _ in range(repeats):
            for factory in times:  # interleaved: load drifts hit both alike
                times[factory].append(_first_frame_seconds(factory))
    except (RuntimeError, ImportError, subprocess.TimeoutExpired) as error:
        return Figure("tui first frame", "n/a", f"<= {FIRST_FRAME_TARGET}x", False, f"could not measure: {error}")
    ours, minimal = (statistics.median(times[factory]) for factory in (TUI_FACTORY, MINIMAL_FACTORY))
    ratio = ours / minimal
    return Figure(
        "tui first frame", f"{ratio:.2f}x", f"<= {FIRST_FRAME_TARGET}x", ratio <= FIRST_FRAME_TARGET,
        f"{TUI_FACTORY} {ours * 1000:.0f} ms / minimal Textual app {minimal * 1000:.0f} ms, launch to first "
        f"frame, headless, medians of {repeats}, interleaved",
    )
