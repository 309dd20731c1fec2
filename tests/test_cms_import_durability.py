"""`data import` killed at any moment, and two imports at once (issue 19): each stored quarter
is always whole, either the one before or the one being written, and imports that run
together both land (one at a time compares with what is stored and replaces it).

A child imports in a loop and prints each version's name once `data import` has returned.
The parent kills it with SIGKILL at a random moment, many times over, and checks every
stored quarter after each kill. README's reliability figures come from the same test
with more rounds (IMPORT_KILL_ROUNDS=200).
"""

from __future__ import annotations

import gzip
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from infusion_calc.cli import main
from infusion_calc.cms.models import Quarter
from tests.pipes import stdin_of, stdout_of

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")

DATA = Path(__file__).parent / "data" / "cms"
KILL_ROUNDS = int(os.environ.get("IMPORT_KILL_ROUNDS", "8"))

IMPORTER = """
import contextlib, io, sys
from infusion_calc.cli import main
import pydantic, infusion_calc.cms.importer, infusion_calc.cms.changes  # loaded before "ready": \
kills land in imports

versions = dict(pair.split("=", 1) for pair in sys.argv[2:])
print("ready", flush=True)
if sys.argv[1] != "loop":
    sys.stdin.readline()
count = 10**9 if sys.argv[1] == "loop" else int(sys.argv[1])
names = sorted(versions)
for number in range(count):
    name = names[number % len(names)]
    with contextlib.redirect_stdout(io.StringIO()):  # the summary: only finished versions' names \
are printed
        status = main(["data", "import", "--replace", *versions[name].split(",")])
    if status != 0:
        sys.exit(1)
    print(name, flush=True)
"""


def importer(*args: str, stdin: int | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", IMPORTER, *args],
        stdout=subprocess.PIPE,
        stdin=stdin,
        text=True,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )


def versions(tmp_path: Path) -> dict[str, str]:
    """Two versions of 2026Q1 (the second without J0480) and the 2025Q3 subset."""
    crosswalk, pricing = (
        DATA / "asp-ndc-hcpcs-crosswalk-2026Q1.csv",
        DATA / "asp-payment-limits-2026Q1.csv",
    )
    smaller = []
    for path in (crosswalk, pricing):
        lines = [
            line for line in path.read_bytes().split(b"\r\n") if not line.startswith(b"J0480,")
        ]
        target = tmp_path / f"smaller-{path.name}"
        target.write_bytes(b"\r\n".join(lines))
        smaller.append(str(target))
    return {
        "whole": f"{crosswalk},{pricing}",
        "smaller": ",".join(smaller),
        "q3": f"{DATA / 'asp-ndc-hcpcs-crosswalk-2025Q3.csv'},"
        f"{DATA / 'asp-payment-limits-2025Q3.csv'}",
    }


def stored_codes(tmp_path: Path, label: str) -> frozenset[str]:
    """The codes of the stored quarter, after the model validates the whole file."""
    data = gzip.decompress((tmp_path / "data" / "cms" / f"asp-{label}.json.gz").read_bytes())
    return frozenset(code.hcpcs for code in Quarter.model_validate_json(data).codes)


def test_sigkill_at_random_moments_leaves_every_stored_quarter_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    given = versions(tmp_path)
    pair = {name: given[name] for name in ("whole", "smaller")}
    started = time.perf_counter()
    assert main(["data", "import", "--replace", *given["whole"].split(",")]) == 0
    # Kills land within a few imports' time: on a loaded machine an import takes longer, and
    # a fixed window would kill every child before its first import ever finished.
    window = max(1.0, 3 * (time.perf_counter() - started))
    whole = stored_codes(tmp_path, "2026Q1")
    allowed = {whole, whole - {"J0480"}}
    seed = random.randrange(1 << 30)
    chance = random.Random(seed)
    done = 0
    for _ in range(KILL_ROUNDS):
        child = importer("loop", *(f"{name}={files}" for name, files in pair.items()))
        assert stdout_of(child).readline().strip() == "ready"
        time.sleep(chance.uniform(0.0, window))  # quiet: the first import ~0.3 s, each next ~0.1 s
        child.send_signal(signal.SIGKILL)
        done += len(stdout_of(child).read().split())
        child.wait(timeout=10)
        assert stored_codes(tmp_path, "2026Q1") in allowed, f"seed {seed}"
    assert done, (
        f"no import finished before any kill (seed {seed}): the kills never landed after one"
    )
    with capsys.disabled():  # README's figure (pytest -s)
        print(f"\n{KILL_ROUNDS} kills, {done} imports finished between them, seed {seed}")
    capsys.readouterr()
    assert main(["data", "status"]) == 0  # and the next import cleans what a killed one left
    assert main(["data", "import", "--replace", *given["whole"].split(",")]) == 0
    assert not list((tmp_path / "data" / "cms").glob(".import-*"))


def test_two_imports_at_once_both_land_and_each_quarter_stays_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    given = versions(tmp_path)
    monkeypatch.setenv("INFUSION_CALC_DATA_DIR", str(tmp_path / "expected" / "data"))
    assert main(["data", "import", "--replace", *given["whole"].split(",")]) == 0
    whole = stored_codes(tmp_path / "expected", "2026Q1")
    monkeypatch.setenv("INFUSION_CALC_DATA_DIR", str(tmp_path / "data"))
    rounds = int(os.environ.get("IMPORT_CONCURRENT_ROUNDS", "6"))
    children = [
        importer(str(rounds), f"whole={given['whole']}", stdin=subprocess.PIPE),
        importer(
            str(rounds), f"smaller={given['smaller']}", f"q3={given['q3']}", stdin=subprocess.PIPE
        ),
    ]
    for child in children:
        assert stdout_of(child).readline().strip() == "ready"
    for child in children:  # both start on a data folder that does not exist yet
        stdin_of(child).write("go\n")
        stdin_of(child).flush()
    outputs = [child.communicate(timeout=120)[0] for child in children]
    assert [child.returncode for child in children] == [0, 0]
    assert [len(output.split()) for output in outputs] == [rounds, rounds]
    assert stored_codes(tmp_path, "2026Q1") in (whole, whole - {"J0480"})
    assert stored_codes(tmp_path, "2025Q3")
