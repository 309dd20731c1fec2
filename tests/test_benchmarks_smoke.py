"""`benchmarks/run.py --quick` still measures every figure (the values are not judged here);
the calc command's start-up stays free of what it does not need; the hot path stays off pint."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import FrameType

from benchmarks.run import FIGURES  # the repository root is on sys.path (pyproject: pythonpath)

ROOT = Path(__file__).resolve().parent.parent

LINE = re.compile(
    r"^(?P<name>.+?)\s{2,}(?P<value>\S.*?)\s+target (?P<target>.+?)\s+(?P<verdict>PASS|MISS)\b"
)


def test_quick_run_prints_one_line_per_figure_with_its_target() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("machine: ") and "Python 3" in lines[0]
    figures = {match["name"].strip(): match for line in lines if (match := LINE.match(line))}
    assert list(figures) == list(FIGURES), result.stdout
    broken = [name for name, match in figures.items() if match["value"].strip() == "n/a"]
    assert broken == [], f"these figures could not be measured: {broken}\n{result.stdout}"


def test_the_calc_command_never_loads_pydantic_textual_rich_or_multiprocessing() -> None:
    """Each of these would cost calc's start-up (target: 1.3x `import pint`) for nothing it uses."""
    check = (
        "import sys\nfrom infusion_calc.cli import main\n"
        "main(['calc', '--dose', '300 mg', '--json'])\n"
        "heavy = {'pydantic', 'textual', 'rich', 'multiprocessing', 'concurrent'}\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & heavy), file=sys.stderr)\n"
    )
    # The first start after a change of sources validates them with pydantic and caches the result;
    # every later start loads that cache (the case measured and checked here).
    warm = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=60)
    assert warm.returncode == 0, warm.stderr
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_a_warm_calc_neither_builds_the_unit_registry_nor_imports_pint() -> None:
    """pint's answers for every spelling the parser maps
    are kept in the compiled cache (~0.2 s a start)."""
    check = (
        "import sys\nfrom infusion_calc.cli import main\n"
        "status = main(['calc', '--dose', '5 mg/kg', '--weight', '154 lb', '--vial', '300 mg/15 "
        "mL', '--json'])\nprint(status, sorted({name.split('.')[0] for name in sys.modules} & "
        "{'pint', 'flexparser'}), file=sys.stderr)\n"
    )
    for _start in ("cold", "warm"):  # the first may compile the cache, and asks pint then
        result = subprocess.run(
            [sys.executable, "-c", check], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "0 []"


def test_a_warm_calculation_makes_no_pint_call() -> None:
    """The hot path by design: each unit word is parsed by pint once,
    then a cached exact factor is used."""
    from benchmarks.scenarios import SCENARIOS
    from infusion_calc.core.calculation.engine import calculate
    from infusion_calc.core.words.contract import calculation_to_dict
    from infusion_calc.loading import packaged_catalog

    catalog = packaged_catalog()
    for request in SCENARIOS:  # warm: the first use of each unit word may ask pint
        calculation_to_dict(calculate(catalog, request))
    pint_calls = []

    def watch(frame: FrameType, event: str, arg: object) -> None:
        if event == "call" and "/pint/" in frame.f_code.co_filename.replace("\\", "/"):
            pint_calls.append(f"{frame.f_code.co_filename}:{frame.f_code.co_name}")

    sys.setprofile(watch)
    try:
        for request in SCENARIOS:
            calculation_to_dict(calculate(catalog, request))
    finally:
        sys.setprofile(None)
    assert pint_calls == []
