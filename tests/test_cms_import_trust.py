"""`data import` refuses what it cannot prove (issue 19, items 1-6): every refusal is one
`error:` line naming the file, the line and the reason, exit 2, and nothing stored changes."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.cli import main

DATA = Path(__file__).parent / "data" / "cms"
CROSSWALK = DATA / "asp-ndc-hcpcs-crosswalk-2026Q1.csv"
PRICING = DATA / "asp-payment-limits-2026Q1.csv"
CROSSWALK_Q3 = DATA / "asp-ndc-hcpcs-crosswalk-2025Q3.csv"
PRICING_Q3 = DATA / "asp-payment-limits-2025Q3.csv"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def cms_folder(tmp_path: Path) -> Path:
    return tmp_path / "data" / "cms"


def snapshot(tmp_path: Path) -> dict[str, bytes]:
    folder = cms_folder(tmp_path)
    return (
        {path.name: path.read_bytes() for path in sorted(folder.iterdir())}
        if folder.is_dir()
        else {}
    )


def stored(tmp_path: Path, label: str) -> dict[str, Any]:
    quarter: dict[str, Any] = json.loads(
        gzip.decompress((cms_folder(tmp_path) / f"asp-{label}.json.gz").read_bytes())
    )
    return quarter


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\r\n")


def assert_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str], *says: str
) -> str:
    before = snapshot(tmp_path)
    status, out, err = run(capsys, "data", "import", *args)
    assert (status, out) == (2, ""), err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    for part in says:
        assert part in err, err
    assert snapshot(tmp_path) == before  # nothing already imported changes
    return err


def test_files_with_only_their_preamble_and_header_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 1: they used to replace the packaged 2026Q1 with an empty quarter."""
    crosswalk = write(tmp_path, "crosswalk.csv", b"\r\n".join(lines_of(CROSSWALK)[:9]) + b"\r\n")
    pricing = write(tmp_path, "pricing.csv", b"\r\n".join(lines_of(PRICING)[:9]) + b"\r\n")
    assert_refused(
        capsys, tmp_path, [crosswalk, pricing], "crosswalk.csv", "line 9", "no data rows"
    )
    status, out, _ = run(capsys, "data", "status", "--json")
    quarters = {quarter["quarter"]: quarter for quarter in json.loads(out)["quarters"]}
    assert quarters["2026Q1"]["origin"] == "packaged" and quarters["2026Q1"]["codes"] > 600


def swap_columns(data: bytes, first: int, second: int, header_too: bool = True) -> bytes:
    """Columns `first` and `second` swapped in every data row
    (and in the header row, line 9, if asked)."""
    rows = list(csv.reader(io.StringIO(data.decode("latin-1"), newline="")))
    for number, cells in enumerate(rows, start=1):
        if (number >= 10 or (number == 9 and header_too)) and len(cells) > max(first, second):
            cells[first], cells[second] = cells[second], cells[first]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("latin-1")


def line_of(data: bytes, start: bytes) -> int:
    return data[: data.index(b"\r\n" + start)].count(b"\r\n") + 2


def priced(tmp_path: Path, label: str) -> dict[str, tuple[Any, ...]]:
    return {
        code["hcpcs"]: (
            code["billing_unit"],
            code["payment_limit"],
            code["coinsurance_percent"],
            sorted(map(tuple, code["items"])),
        )
        for code in stored(tmp_path, label)["codes"]
    }


def test_columns_are_found_by_their_names_so_swapped_columns_import_the_same_values(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Item 2: Payment Limit and Co-insurance Percentage swapped, header and data."""
    assert run(capsys, "data", "import", "--replace", str(CROSSWALK), str(PRICING))[0] == 0
    expected = priced(tmp_path, "2026Q1")
    assert expected["J2323"][1:3] == ("24.512", "20.000") or expected["J2323"][1:3] == (
        "24.512",
        "20",
    )
    monkeypatch.setenv("INFUSION_CALC_DATA_DIR", str(tmp_path / "other"))
    swapped = write(tmp_path, "swapped.csv", swap_columns(PRICING.read_bytes(), 3, 4))
    status, _, err = run(capsys, "data", "import", "--replace", str(CROSSWALK), swapped)
    assert status == 0, err
    other = json.loads(
        gzip.decompress((tmp_path / "other" / "cms" / "asp-2026Q1.json.gz").read_bytes())
    )
    assert {
        code["hcpcs"]: (code["payment_limit"], code["coinsurance_percent"])
        for code in other["codes"]
    } == {code: values[1:3] for code, values in expected.items()}


def test_swapped_values_under_the_right_header_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = swap_columns(PRICING.read_bytes(), 3, 4, header_too=False)
    swapped = write(tmp_path, "swapped.csv", data)
    first_priced = f"line {line_of(data, b'J0129,')}"  # the CPT rows above it are set aside unread
    assert_refused(
        capsys,
        tmp_path,
        ["--replace", str(CROSSWALK), swapped],
        "swapped.csv",
        first_priced,
        "Co-insurance",
    )


def test_the_dosage_and_the_limit_swapped_under_their_headers_are_refused_not_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each row's dosage then reads '24.512': refused row by row, the file would have imported
    with no price at all (a first import has no earlier quarter for the 3% loss rule to guard)."""
    data = swap_columns(PRICING.read_bytes(), 2, 3, header_too=False)
    swapped = write(tmp_path, "swapped.csv", data)
    assert_refused(
        capsys,
        tmp_path,
        [str(CROSSWALK), swapped],
        "swapped.csv",
        "line ",
        "'HCPCS Code Dosage' is",
        "columns look moved",
    )


def test_the_ndc_column_renamed_ndc_as_in_2026q3_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run(capsys, "data", "import", "--replace", str(CROSSWALK), str(PRICING))[0] == 0
    expected = priced(tmp_path, "2026Q1")
    monkeypatch.setenv("INFUSION_CALC_DATA_DIR", str(tmp_path / "other"))
    renamed = write(tmp_path, "renamed.csv", CROSSWALK.read_bytes().replace(b",NDC2,", b",NDC,", 1))
    assert run(capsys, "data", "import", "--replace", renamed, str(PRICING))[0] == 0
    other = json.loads(
        gzip.decompress((tmp_path / "other" / "cms" / "asp-2026Q1.json.gz").read_bytes())
    )
    assert len(other["codes"]) == len(expected)


@pytest.mark.parametrize(
    ("file", "old", "new", "column"),
    [
        (CROSSWALK, b",NDC2,", b",NDC3,", "NDC2"),
        (CROSSWALK, b",BILLUNITS,", b",BILL UNITS PER,", "BILLUNITS"),
        (PRICING, b",Payment Limit,", b",Payment,", "Payment Limit"),
        (PRICING, b",Co-insurance Percentage,", b",Coinsurance %,", "Co-insurance Percentage"),
    ],
)
def test_a_required_column_missing_by_name_is_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    file: Path,
    old: bytes,
    new: bytes,
    column: str,
) -> None:
    changed = write(tmp_path, file.name, file.read_bytes().replace(old, new, 1))
    others = [str(CROSSWALK if file == PRICING else PRICING)]
    assert_refused(capsys, tmp_path, ["--replace", changed, *others], file.name, "line 9", column)


def test_a_file_cut_inside_its_last_row_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 3: cut inside the last row's coinsurance cell, `20.000` -> `2`."""
    data = PRICING.read_bytes().rstrip(b"\r\n")
    assert data.endswith(b"20.000") or b"20.000" in data.rsplit(b"\r\n", 1)[1]
    last = data.rsplit(b"\r\n", 1)[1]
    cut = data[: len(data) - len(last) + last.index(b"20.000") + 1]
    truncated = write(tmp_path, "cut.csv", cut)
    number = cut.count(b"\r\n") + 1
    assert_refused(
        capsys,
        tmp_path,
        ["--replace", str(CROSSWALK), truncated],
        "cut.csv",
        f"line {number}",
        "cut",
    )


@pytest.mark.parametrize(
    ("effective", "says"),
    [
        (b"Effective February 30, 2026 through March 31, 2026", "February 30, 2026"),
        (b"Effective January 1, 2026 through June 30, 2026", "one calendar quarter"),
        (b"Effective January 2, 2026 through March 31, 2026", "one calendar quarter"),
        (b"Effective January 1, 2026 through March 30, 2026", "one calendar quarter"),
    ],
)
def test_the_effective_line_must_be_a_date_range_of_one_calendar_quarter(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    effective: bytes,
    says: str,
) -> None:
    """Item 4: an impossible date was an internal error; two quarters were accepted."""
    line = b'"Effective January 1, 2026 through March 31, 2026"'
    crosswalk = write(
        tmp_path, "crosswalk.csv", CROSSWALK.read_bytes().replace(line[1:-1], effective, 1)
    )
    pricing = write(tmp_path, "pricing.csv", PRICING.read_bytes().replace(line[1:-1], effective, 1))
    number = CROSSWALK.read_bytes()[: CROSSWALK.read_bytes().index(line[1:-1])].count(b"\r\n") + 1
    assert_refused(
        capsys, tmp_path, ["--replace", crosswalk, pricing], "crosswalk.csv", f"line {number}", says
    )


@pytest.mark.parametrize(
    ("limit", "coinsurance", "says"),
    [
        (b"0.000", b"20.000", "Payment Limit"),
        (b"24.5121", b"20.000", "Payment Limit"),
        (b"-24.512", b"20.000", "Payment Limit"),
        (b"24.512", b"20.001", "Co-insurance"),
        (b"24.512", b"0", "Co-insurance"),
        (b"24.512", b"2", "Co-insurance"),
        (b"24.512", b"abc", "Co-insurance"),
    ],
)
def test_payment_values_out_of_kind_or_range_are_refused(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    limit: bytes,
    coinsurance: bytes,
    says: str,
) -> None:
    data = PRICING.read_bytes()
    row = next(line for line in data.split(b"\r\n") if line.startswith(b"J2323,"))
    cells = row.split(b",")
    cells[3], cells[4] = limit, coinsurance
    changed = write(tmp_path, "pricing.csv", data.replace(row, b",".join(cells)))
    number = data[: data.index(row)].count(b"\r\n") + 1
    assert_refused(
        capsys,
        tmp_path,
        ["--replace", str(CROSSWALK), changed],
        "pricing.csv",
        f"line {number}",
        says,
    )


def test_a_lower_coinsurance_is_kept_where_cms_notes_say_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = PRICING.read_bytes()
    row = next(line for line in data.split(b"\r\n") if line.startswith(b"J2323,"))
    cells = row.split(b",")
    cells[4], cells[10] = b"15.060", b"Inflation-adjusted coinsurance"
    changed = write(tmp_path, "pricing.csv", data.replace(row, b",".join(cells)))
    assert run(capsys, "data", "import", "--replace", str(CROSSWALK), changed)[0] == 0
    assert priced(tmp_path, "2026Q1")["J2323"][2] in ("15.060", "15.06")


def test_special_files_are_refused_as_site_files_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 5: a FIFO hung forever; /dev/zero and /dev/urandom grew until memory ran out."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert_refused(capsys, tmp_path, [str(fifo), str(PRICING)], "pipe.csv", "named pipe")
    for device in ("/dev/zero", "/dev/urandom"):
        assert_refused(capsys, tmp_path, [device, str(PRICING)], device, "device")
    assert_refused(capsys, tmp_path, [str(tmp_path), str(PRICING)], "folder")


def test_a_file_of_nuls_is_refused_not_an_internal_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nuls = write(tmp_path, "nuls.csv", b"\x00" * 1_000_000)
    assert_refused(capsys, tmp_path, [nuls, str(PRICING)], "nuls.csv")


def test_a_zip_bomb_is_refused_before_it_is_expanded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        with out.open("asp-payment-limits-2026Q1.csv", "w", force_zip64=True) as member:
            chunk = b"," * (1 << 20)
            for _ in range(300):  # 300 MB of commas: a few hundred kB zipped
                member.write(chunk)
    assert bomb.stat().st_size < 2_000_000
    assert_refused(capsys, tmp_path, [str(bomb)], "bomb.zip", "asp-payment-limits-2026Q1.csv")


def test_a_zip_of_too_many_members_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as out:
        for number in range(1000):
            out.writestr(f"part-{number}.csv", b"x\r\n")
    assert_refused(capsys, tmp_path, [str(many)], "many.zip", "members")


def test_a_file_of_too_many_rows_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from infusion_calc.cms import tables

    monkeypatch.setattr(tables, "MAX_ROWS", 20)
    assert_refused(
        capsys, tmp_path, ["--replace", str(CROSSWALK), str(PRICING)], "crosswalk", "rows"
    )


def quarter_2027(path: Path) -> bytes:
    return path.read_bytes().replace(
        b"January 1, 2026 through March 31, 2026", b"January 1, 2027 through March 31, 2027", 1
    )


def test_catalog_list_escapes_control_characters_from_an_imported_crosswalk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 6: ESC/BEL and a C1 CSI in a drug name reached the terminal raw."""
    data = quarter_2027(CROSSWALK)
    assert b",Simulect," in data  # J0480, a code only CMS's files give
    crosswalk = write(
        tmp_path, "crosswalk.csv", data.replace(b",Simulect,", b",Simu\x1b]0;owned\x07lect\x9b2J,")
    )
    pricing = write(tmp_path, "pricing.csv", quarter_2027(PRICING))
    status, _, err = run(capsys, "data", "import", crosswalk, pricing)
    assert status == 0, err
    status, out, err = run(capsys, "catalog", "list")
    assert status == 0, err
    line = next(line for line in out.splitlines() if line.startswith("J0480"))
    assert "\\x1b]0;owned\\x07lect\\x9b2J" in line
    assert not any(char in out for char in "\x1b\x07\x9b")


def codes_of(tmp_path: Path, label: str) -> set[str]:
    return {code["hcpcs"] for code in stored(tmp_path, label)["codes"]}


def without_code(path: Path, code: bytes) -> bytes:
    return b"\r\n".join(
        line for line in path.read_bytes().split(b"\r\n") if not line.startswith(code + b",")
    )


def test_a_quarter_that_lost_codes_replaces_the_stored_one_only_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "data", "import", "--replace", str(CROSSWALK), str(PRICING))[0] == 0
    before = codes_of(tmp_path, "2026Q1")
    crosswalk = write(tmp_path, "crosswalk.csv", without_code(CROSSWALK, b"J0480"))
    pricing = write(tmp_path, "pricing.csv", without_code(PRICING, b"J0480"))
    err = assert_refused(capsys, tmp_path, [crosswalk, pricing], "2026Q1", "J0480", "--replace")
    assert "1 of" in err
    status, out, err = run(capsys, "data", "import", "--replace", crosswalk, pricing)
    assert status == 0, err
    assert "removes 1 code: J0480" in out
    assert codes_of(tmp_path, "2026Q1") == before - {"J0480"}
    status, out, err = run(capsys, "data", "import", str(CROSSWALK), str(PRICING))
    assert status == 0, err
    assert "adds 1 code: J0480" in out and "removes 0 codes" in out


def test_every_import_says_what_it_adds_and_removes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(
        capsys,
        "data",
        "import",
        str(quarter_2027_file(tmp_path, CROSSWALK)),
        str(quarter_2027_file(tmp_path, PRICING)),
    )
    assert status == 0, err
    assert "2027Q1: a new quarter" in out and "adds" in out


def quarter_2027_file(tmp_path: Path, path: Path) -> Path:
    target = tmp_path / path.name
    target.write_bytes(quarter_2027(path))
    return target
