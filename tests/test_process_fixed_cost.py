"""What a command's process pays once, start to exit, that its rows or its answer do not need
(issue 23: the priced batch's fixed cost, which an in-process floor never pays)."""

from __future__ import annotations

import subprocess
import sys

EXIT_PROBE = """
import atexit, gc, sys
# Registered before main(): atexit runs its handlers last in, first out, so this one runs
# after whatever main() registered, just before the interpreter's own last collections.
atexit.register(lambda: sys.stderr.write(f"FROZEN {{gc.get_freeze_count()}}\\n"))
from infusion_calc.cli import main
status = main({arguments!r})
print("STATUS", status)
"""


def _frozen_at_exit(arguments: list[str]) -> int:
    ran = subprocess.run(
        [sys.executable, "-c", EXIT_PROBE.format(arguments=arguments)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "STATUS" in ran.stdout, ran.stderr
    return int(ran.stderr.strip().splitlines()[-1].removeprefix("FROZEN "))


def test_a_command_leaves_its_objects_out_of_the_interpreters_last_collections() -> None:
    """The objects a command made (the catalog, pydantic's schema) are all freed with the process;
    the collections at exit walked every one of them for nothing (10 to 30 ms of a batch)."""
    assert _frozen_at_exit(["calc", "--dose", "300 mg"]) > 10_000


def test_leaving_them_out_changes_no_answer_nor_status() -> None:
    ran = subprocess.run(
        [sys.executable, "-m", "infusion_calc", "calc", "--dose", "1,5 mg"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ran.returncode == 2
    assert ran.stderr.startswith("error: --dose:")
