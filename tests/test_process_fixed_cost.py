"""What a command's process pays once, start to exit, that its rows or its answer do not need
(issue 23: the priced batch's fixed cost, which an in-process floor never pays)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
    """The objects a command made (the catalog, pydantic's schema, a batch's kept answers) are all
    freed with the process; the collections at exit walked every one of them for nothing (10 to
    30 ms of a small batch, about 0.3 s of a 50,000-row one)."""
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


WARM_BATCH = """
import sys
from pathlib import Path
from infusion_calc.cli import main
status = main(["batch", {orders!r}, "--out", {out!r}, "--jobs", "1"])
print("LOADED:" + ",".join(sorted(name for name in {watched!r} if name in sys.modules)))
print("STATUS", status)
"""

NOT_FOR_A_WARM_START = ("tempfile", "random", "importlib.resources", "zipfile")
"""tempfile (and random with it) writes the cache or stores a quarter: a warm start only reads.
importlib.resources (and zipfile with it) found the package's data, a folder on disk.
(argparse's help formatter imports shutil, and lzma with it, whatever the command.)"""


def _warm_batch_loads(tmp_path: Path, watched: tuple[str, ...]) -> set[str]:
    orders = tmp_path / "orders.csv"
    orders.write_text("drug,dose,given_at\nTysabri,300 mg,2026-09-01\n", encoding="utf-8")
    env = {**os.environ, "INFUSION_CALC_CACHE_DIR": str(tmp_path / "cache")}
    script = WARM_BATCH.format(orders=str(orders), out=str(tmp_path / "out.csv"), watched=watched)
    for _ in range(2):  # the first start writes the cache; the second is the warm one
        ran = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
        )
        assert "STATUS 0" in ran.stdout, ran.stdout + ran.stderr
    loaded = ran.stdout.splitlines()[-2].removeprefix("LOADED:")
    return {name for name in loaded.split(",") if name}


def test_a_warm_batch_imports_nothing_to_write_the_cache_nor_to_find_the_package_data(
    tmp_path: Path,
) -> None:
    assert _warm_batch_loads(tmp_path, NOT_FOR_A_WARM_START) == set()


IMPORT_PROBE = """
import gc, sys
from infusion_calc.cli import parse
collections = []
gc.callbacks.append(lambda phase, info: phase == "start" and collections.append(info))
parse(["batch", "orders.csv"])
engine = "infusion_calc.core.calculation.engine" in sys.modules
print(len(collections), gc.get_freeze_count(), engine)
"""


def test_a_commands_import_is_walked_by_no_collection_then_or_later() -> None:
    """Importing a command's module (the core with it) makes only objects that live as long as
    the process: the young collections during the import, and every full one after it, walked
    them for nothing (about 9 ms of a batch's start)."""
    ran = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE], capture_output=True, text=True, timeout=120
    )
    collected, frozen, imported = ran.stdout.split()
    assert imported == "True", ran.stderr
    assert int(collected) == 0
    assert int(frozen) > 10_000


def test_a_batch_without_a_visit_column_imports_no_visit_coding(tmp_path: Path) -> None:
    """The administration codes of a visit (core/visit/admin_hierarchy.py: its records and
    rules) are for a file with `visit` and `route` columns; the others never read them."""
    hierarchy = "infusion_calc.core.visit.admin_hierarchy"
    assert _warm_batch_loads(tmp_path, (hierarchy,)) == set()


def test_the_fixed_cost_benchmark_runs_beside_a_tree_and_compares_the_outputs(
    tmp_path: Path,
) -> None:
    from benchmarks.batch_fixed import HERE, fixed_beside

    lines = fixed_beside(tmp_path, 1, HERE)
    assert [line.split(",")[0] for line in lines] == ["1 row", "10 rows"]
    assert all(line.endswith("outputs byte-identical") for line in lines), lines
