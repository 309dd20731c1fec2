"""Every performance figure, one line each with its target: `python benchmarks/run.py [--quick]`.

Ratios are taken side by side in this one run (absolute times move from machine to
machine). `--quick` runs each figure with small counts, in a few seconds; the test
suite runs it to check that every figure still runs, never its values.
"""

from __future__ import annotations

import argparse
import compileall
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import (  # noqa: E402
    batch,
    batch_priced,
    cms,
    drug_search,
    engine,
    first_runs,
    keystroke,
    log_store,
    report_log,
    site_catalog,
    startup,
    usable_form,
)
from benchmarks.report import Figure, machine  # noqa: E402

FIGURES = (
    "cli cold start",
    *(f"start-up {words}" for words in startup.LIGHT_COMMANDS),
    "catalog cache miss",
    "import one quarter",
    *first_runs.FIGURE_NAMES,
    *site_catalog.FIGURE_NAMES,
    "tui first frame",
    *usable_form.FIGURE_NAMES,
    "keystroke",
    "drug search",
    "engine",
    "vial search worst case",
    "vial search, answered",
    "batch",
    "batch peak memory",
    "batch priced ÷ floor",
    "report over the log",
    *log_store.FIGURE_NAMES,
)
"""The name each printed line starts with, in order (the smoke test checks for each)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="small counts: checks every figure runs, in seconds"
    )
    options = parser.parse_args(argv)
    quick = options.quick
    # Installed packages carry compiled bytecode; a source
    # checkout may not (PYTHONDONTWRITEBYTECODE), and compiling
    # every module on every start would be timed as start-up.
    compileall.compile_dir(str(ROOT / "infusion_calc"), quiet=2)
    print(machine(), flush=True)
    print(
        f"figures ({'quick: small counts, values indicative only' if quick else 'full'}):",
        flush=True,
    )
    figures: list[Callable[[], list[Figure]]] = [
        lambda: [startup.cli_cold_start(3 if quick else 21)],
        lambda: startup.light_command_start_ups(3 if quick else 21),
        lambda: [cms.cache_miss(2 if quick else 9)],
        lambda: [cms.import_quarter(1 if quick else 5)],
        lambda: first_runs.first_runs(quick),
        lambda: site_catalog.site_catalog(
            2 if quick else 9, 1_000 if quick else site_catalog.ENTRIES, 1 if quick else 3
        ),
        lambda: [startup.tui_first_frame(2 if quick else 15)],
        lambda: usable_form.usable_form(2 if quick else 15),
        lambda: [keystroke.keystroke(5 if quick else 100)],
        lambda: [drug_search.drug_search(1 if quick else 10)],
        lambda: [engine.engine_rate(0.3 if quick else 6.0)],
        lambda: engine.vial_search(2 if quick else 15),
    ]
    with tempfile.TemporaryDirectory(prefix="infusion-calc-bench-") as workdir:
        figures.append(
            lambda: batch.batch(
                3_000 if quick else 100_000, Path(workdir), single_process_too=not quick
            )
        )
        figures.append(
            lambda: [
                batch_priced.batch_priced(
                    # medians of 5: with 3, one slow run of the batch moved the ratio by 0.3x
                    2_000 if quick else 50_000,
                    Path(workdir),
                    1 if quick else 5,
                )
            ]
        )
        figures.append(
            lambda: [
                report_log.report_time(
                    2_000 if quick else 100_000, Path(workdir), 1 if quick else 5
                )
            ]
        )
        figures.append(lambda: log_store.log_figures(quick))
        missed = 0
        for measure in figures:
            for figure in measure():
                print(figure.line(), flush=True)
                missed += not figure.passed
    print(machine().replace("machine:", "after:"), flush=True)
    return 0  # a MISS is a finding to read, not a failure of the command


if __name__ == "__main__":
    sys.exit(main())
