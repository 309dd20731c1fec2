"""Start-up figures, each a ratio to a yardstick measured side by side in the same run."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
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
    # One run first: the compiled catalog is then in the user cache,
    # as on every start but the first.
    subprocess.run(
        calc_command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    medians = interleaved_medians(
        {"pint": [sys.executable, "-c", "import pint"], "calc": calc_command()}, repeats
    )
    (calc_wall, calc_cpu), (pint_wall, pint_cpu) = medians["calc"], medians["pint"]
    ratio = calc_wall / pint_wall
    return Figure(
        "cli cold start",
        f"{ratio:.2f}x",
        f"<= {COLD_START_TARGET}x",
        ratio <= COLD_START_TARGET,
        f'infusion-calc calc --dose "300 mg" --json {calc_wall * 1000:.0f} ms / '
        'python -c "import pint" '
        f"{pint_wall * 1000:.0f} ms, medians of {repeats}, interleaved; "
        f"CPU time {calc_cpu / pint_cpu:.2f}x",
    )


def _first_frame_seconds(factory: str) -> float:
    launched = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "first_frame.py"), factory],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
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
        return Figure(
            "tui first frame",
            "n/a",
            f"<= {FIRST_FRAME_TARGET}x",
            False,
            f"could not measure: {error}",
        )
    ours, minimal = (
        statistics.median(times[factory]) for factory in (TUI_FACTORY, MINIMAL_FACTORY)
    )
    ratio = ours / minimal
    return Figure(
        "tui first frame",
        f"{ratio:.2f}x",
        f"<= {FIRST_FRAME_TARGET}x",
        ratio <= FIRST_FRAME_TARGET,
        f"{TUI_FACTORY} {ours * 1000:.0f} ms / minimal Textual app {minimal * 1000:.0f} ms, launch "
        f"to first frame, headless, medians of {repeats}, interleaved",
    )


# Commands that print and exit without calculating: each must start without pint or pydantic
# (tests/test_import_hygiene.py checks the imports). pint alone is about 6x `python -c pass`, so a
# target of 2x (3x for the log, which opens SQLite) can only be met by a start-up that skips it.
LIGHT_COMMANDS = {"--version": 2.0, "--help": 2.0, "log path": 3.0, "log list": 3.0}


def light_command_start_ups(repeats: int) -> list[Figure]:
    """Each light command's start-up as a ratio to `python -c pass`,
    on an empty log in a scratch folder."""
    commands = {"python -c pass": [sys.executable, "-c", "pass"]}
    commands |= {words: [*cli_command(), *words.split()] for words in LIGHT_COMMANDS}
    saved = {
        name: os.environ.get(name)
        for name in ("INFUSION_CALC_CONFIG_DIR", "INFUSION_CALC_DATA_DIR")
    }
    with tempfile.TemporaryDirectory(prefix="infusion-calc-startup-") as scratch:
        try:
            for name in saved:  # the children inherit these: nothing of the user's is read or timed
                os.environ[name] = str(Path(scratch) / name.lower())
            medians = interleaved_medians(commands, repeats)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    python_wall, python_cpu = medians.pop("python -c pass")
    figures = []
    for words, (wall, cpu) in medians.items():
        ratio, target = wall / python_wall, LIGHT_COMMANDS[words]
        figures.append(
            Figure(
                f"start-up {words}",
                f"{ratio:.2f}x",
                f"<= {target}x",
                ratio <= target,
                f"infusion-calc {words} {wall * 1000:.0f} ms / python -c "
                f"pass {python_wall * 1000:.0f} ms, medians of {repeats}, "
                f"interleaved; CPU time {cpu / python_cpu:.2f}x",
            )
        )
    return figures
