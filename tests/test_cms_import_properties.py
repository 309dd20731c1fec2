"""Hypothesis over mutated real CMS files (issue 19): truncated at any offset, columns swapped
or renamed, values out of range. Whatever the mutation, the import is refused (exit 2, one
`error:` line naming the file, the stored quarter untouched) or it stores exactly the values
of the unmutated files: the same codes, each with its billing unit, payment limit and
coinsurance, and only NDC rows the real file has."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infusion_calc.cli import main

DATA = Path(__file__).parent / "data" / "cms"
FILES = {
    "crosswalk": DATA / "asp-ndc-hcpcs-crosswalk-2026Q1.csv",
    "pricing": DATA / "asp-payment-limits-2026Q1.csv",
}
HEADER_LINE = 9  # 1-based, in both files
STORED = "asp-2026Q1.json.gz"


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("latin-1"), newline="")))


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("latin-1")


def values(stored: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {
        code["hcpcs"]: (
            code["billing_unit"],
            code["payment_limit"],
            code["coinsurance_percent"],
            {tuple(item) for item in code["items"]},
        )
        for code in stored["codes"]
    }


@lru_cache(maxsize=1)
def baseline() -> tuple[Path, dict[str, tuple[Any, ...]]]:
    """The unmutated files imported once (kept for the session): the folder and what it stored."""
    import os

    folder = Path(tempfile.mkdtemp(prefix="infusion-calc-baseline-"))
    previous = os.environ.get("INFUSION_CALC_DATA_DIR")
    os.environ["INFUSION_CALC_DATA_DIR"] = str(folder)
    try:
        assert main(["data", "import", "--replace", *(str(path) for path in FILES.values())]) == 0
    finally:
        os.environ["INFUSION_CALC_DATA_DIR"] = previous or ""
    return folder, values(json.loads(gzip.decompress((folder / "cms" / STORED).read_bytes())))


def truncated(data: bytes, where: float) -> bytes:
    return data[: int(where * len(data))]


def swapped(data: bytes, first: int, second: int) -> bytes:
    rows = rows_of(data)
    for cells in rows[HEADER_LINE - 1 :]:
        while len(cells) <= max(first, second):
            cells.append("")
        cells[first], cells[second] = cells[second], cells[first]
    return csv_bytes(rows)


def renamed(data: bytes, column: int, name: str) -> bytes:
    rows = rows_of(data)
    rows[HEADER_LINE - 1][column] = name
    return csv_bytes(rows)


def in_range_below_20(value: str) -> bool:
    try:
        return 0 <= float(value) < 20
    except ValueError:
        return False


def with_value(data: bytes, row: int, column: int, value: str) -> bytes:
    """`value` in one HCPCS row (not CPT). A coinsurance below 20 is out of range only where the
    row does not say why (CMS notes inflation-adjusted coinsurance, PrEP, vaccines): such a row."""
    rows = rows_of(data)
    body = [cells for cells in rows[HEADER_LINE:] if cells and cells[0][:1].isalpha()]
    if column == 4 and in_range_below_20(value):
        body = [
            cells
            for cells in body
            if not re.search(r"coinsurance|\bprep\b|vaccine", ",".join(cells), re.IGNORECASE)
        ]
    cells = body[row % len(body)]
    while len(cells) <= column:
        cells.append("")
    cells[column] = value
    return csv_bytes(rows)


BAD_LIMITS = ["0", "0.000", "-24.512", "24.5121", "", "abc", "1e3", "24,512", "NaN", " "]
BAD_COINSURANCE = ["20.001", "21", "100", "-1", "2", "0", "15.060", "", "abc", "1e1"]

mutations = st.one_of(
    st.tuples(
        st.just("truncate"), st.sampled_from(sorted(FILES)), st.floats(0, 1, exclude_max=True)
    ),
    st.tuples(
        st.just("swap"), st.sampled_from(sorted(FILES)), st.integers(0, 10), st.integers(0, 10)
    ),
    st.tuples(
        st.just("rename"),
        st.sampled_from(sorted(FILES)),
        st.integers(0, 10),
        st.sampled_from(
            ["NDC", "NDC2", "NDC 2", "Payment", "Coinsurance", "", "HCPCS", "Notes", "PKG"]
        ),
    ),
    st.tuples(
        st.just("limit"), st.just("pricing"), st.integers(0, 100), st.sampled_from(BAD_LIMITS)
    ),
    st.tuples(
        st.just("coinsurance"),
        st.just("pricing"),
        st.integers(0, 100),
        st.sampled_from(BAD_COINSURANCE),
    ),
)


def mutate(mutation: tuple[Any, ...]) -> tuple[str, bytes]:
    kind, which, *rest = mutation
    data = FILES[which].read_bytes()
    if kind == "truncate":
        return which, truncated(data, rest[0])
    if kind == "swap":
        return which, swapped(data, rest[0], rest[1])
    if kind == "rename":
        return which, renamed(data, rest[0], rest[1])
    return which, with_value(data, rest[0], 3 if kind == "limit" else 4, rest[1])


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(mutation=mutations)
def test_a_mutated_cms_file_is_refused_or_imported_with_exactly_the_right_values(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    mutation: tuple[Any, ...],
) -> None:
    folder, expected = baseline()
    capsys.readouterr()  # the baseline's own summary, on the first example
    which, data = mutate(mutation)
    work = Path(tempfile.mkdtemp(prefix="infusion-calc-mutated-"))
    try:
        shutil.copytree(folder, work / "data")
        before = (work / "data" / "cms" / STORED).read_bytes()
        paths = {name: str(path) for name, path in FILES.items()}
        paths[which] = str(work / f"mutated-{which}.csv")
        Path(paths[which]).write_bytes(data)
        monkeypatch.setenv("INFUSION_CALC_DATA_DIR", str(work / "data"))
        status = main(["data", "import", paths["crosswalk"], paths["pricing"]])
        out, err = capsys.readouterr()
        stored = (work / "data" / "cms" / STORED).read_bytes()
        if status != 0:
            assert (
                status == 2 and out == "" and err.startswith("error: ") and err.count("\n") == 1
            ), (status, err)
            assert stored == before  # nothing already imported changed
            return
        got = values(json.loads(gzip.decompress(stored)))
        assert (
            got.keys() == expected.keys()
        )  # any code lost is refused: 3% of 22 codes is under one
        for code, (unit, limit, coinsurance, items) in got.items():
            assert (unit, limit, coinsurance) == expected[code][:3], code
            assert items <= expected[code][3], code
    finally:
        shutil.rmtree(work, ignore_errors=True)
