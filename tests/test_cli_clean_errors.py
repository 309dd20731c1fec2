"""Inputs and environments that used to end in an internal error are one `error:` line and exit 2;
a save whose output then fails exits 3, so a script never saves one administration twice."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.cli import main
from infusion_calc.cli.exits import PIPE_CLOSED, SAVED_BUT_OUTPUT_FAILED

HAS_DEV_FULL = Path("/dev/full").exists()


def assert_one_error(status: int, err: str, expected_status: int = 2) -> None:
    assert status == expected_status, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "internal error" not in err and "Traceback" not in err


def cli(
    arguments: Sequence[str | bytes], tmp_path: Path, **options: Any
) -> subprocess.CompletedProcess[Any]:
    """The real command in a subprocess: argv bytes, real file descriptors, real exit statuses."""
    environment = (
        os.environ
        | {
            "INFUSION_CALC_CONFIG_DIR": str(tmp_path / "config"),
            "INFUSION_CALC_DATA_DIR": str(tmp_path / "data"),
        }
        | options.pop("env", {})
    )
    return subprocess.run(
        [sys.executable, "-m", "infusion_calc", *arguments],
        env=environment,
        timeout=60,
        stderr=subprocess.PIPE,
        **({"stdout": subprocess.PIPE} | options),
    )


def log_entries(tmp_path: Path) -> int:
    path = tmp_path / "data" / "administrations.sqlite3"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as connection:
        answer: int = connection.execute("SELECT count(*) FROM administration").fetchone()[0]
        return answer


@pytest.mark.parametrize(
    "arguments",
    [
        ["calc", "--dose", "300 mg", "--drug=--"],
        ["calc", "--dose", "300 mg", "--hcpcs=--"],
        ["calc", "--dose", "300 mg", "--expires=--"],
        ["calc", "--dose", "300 mg", "--format=--"],
        ["calc", "--dose", "300 mg", "--payer-rules=--", "--format", "cms1500"],
        ["calc", "--dose=--"],
        ["batch", "orders.csv", "--jobs=--"],
        ["serve", "--host=--"],
        ["log", "show", "--json", "--", "--"],
    ],
)
def test_an_option_whose_value_is_two_dashes_is_a_clean_error(
    arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(arguments)
    assert_one_error(status, capsys.readouterr().err)


def test_a_file_named_two_dashes_is_just_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "orders.csv").write_text("drug,dose\nTysabri,300 mg\n")
    assert main(["batch", "orders.csv", "--jobs", "1", "--out=--"]) == 0
    assert "J2323" in (tmp_path / "--").read_text()


@pytest.mark.parametrize(
    "arguments",
    [
        ["--hcpcs", "J9999", "--billing-unit", "1000000 kg", "--vial", "100 mg/10 mL"],
        ["--hcpcs", "J9999", "--billing-unit", "1000000 kg", "--vial", "100 mg"],
        ["--billing-unit", "1000000 kg"],
    ],
)
def test_a_huge_billing_unit_is_one_line_naming_the_option(
    arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["calc", "--dose", "300 mg", *arguments])
    err = capsys.readouterr().err
    assert_one_error(status, err)
    assert err.startswith("error: --billing-unit: ")


def test_invalid_utf8_in_an_argument_is_refused_before_anything_is_saved(tmp_path: Path) -> None:
    done = cli(
        [b"calc", b"--dose", b"300 mg", b"--nurse", b"Sam\xffP", b"--save", b"--note"], tmp_path
    )
    err = done.stderr.decode()
    assert_one_error(done.returncode, err)
    assert "not UTF-8 text (byte 0xff)" in err and "Sam\\xffP" in err
    assert log_entries(tmp_path) == 0


def test_an_output_that_cannot_hold_a_character_is_one_error(tmp_path: Path) -> None:
    done = cli(["calc", "--dose", "300 mg"], tmp_path, env={"PYTHONIOENCODING": "ascii"})
    assert_one_error(done.returncode, done.stderr.decode())
    assert "LANG=C.UTF-8" in done.stderr.decode()


@pytest.mark.parametrize("kind", ["catalog", "config"])
def test_toml_nested_a_thousand_deep_is_one_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / f"{kind}.toml").write_text("x = " + "[" * 1000 + "]" * 1000 + "\n")
    status = main(["calc", "--dose", "300 mg"])
    err = capsys.readouterr().err
    assert_one_error(status, err)
    assert "nested too deeply" in err and f"{kind}.toml" in err


def test_a_config_folder_that_cannot_be_searched_is_one_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Simulated: the tests may run as root, whom chmod 000 does not stop.
    folder = tmp_path / "config"
    real_lstat, real_open = os.lstat, os.open

    def refused(function: Callable[..., Any]) -> Callable[..., Any]:
        def call(path: object, *args: Any, **kwargs: Any) -> Any:
            if str(path).startswith(str(folder)):
                raise PermissionError(13, "Permission denied", str(path))
            return function(path, *args, **kwargs)

        return call

    monkeypatch.setattr(os, "lstat", refused(real_lstat))
    monkeypatch.setattr(os, "open", refused(real_open))
    status = main(["calc", "--dose", "300 mg"])
    err = capsys.readouterr().err
    assert_one_error(status, err)
    assert "Permission denied" in err and str(folder) in err


def test_a_config_folder_that_is_a_file_is_one_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config").write_text("not a folder")
    status = main(["calc", "--dose", "300 mg"])
    assert_one_error(status, capsys.readouterr().err)


@pytest.mark.skipif(not HAS_DEV_FULL, reason="needs /dev/full (Linux)")
@pytest.mark.parametrize(
    "arguments",
    [
        ["calc", "--dose", "300 mg"],
        ["calc", "--dose", "300 mg", "--json"],
        ["log", "list"],
        ["log", "export"],
        ["calc", "--dose", "300 mg", "--format", "837p", "--given-at", "2026-11-30 09:00"],
    ],
)
def test_a_full_disk_on_standard_output_is_one_error(tmp_path: Path, arguments: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = cli(arguments, tmp_path, stdout=full)
    err = done.stderr.decode()
    errors = [
        line for line in err.splitlines() if not line.startswith("warning: ")
    ]  # an export's own notices
    assert_one_error(done.returncode, "\n".join(errors) + "\n")
    assert "No space left on device" in err


@pytest.mark.skipif(not HAS_DEV_FULL, reason="needs /dev/full (Linux)")
@pytest.mark.parametrize("command", [["batch", "ORDERS", "--jobs", "1"], ["log", "export"]])
def test_a_full_disk_on_out_is_one_error(tmp_path: Path, command: list[str]) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("drug,dose\nTysabri,300 mg\n")
    arguments = [str(orders) if part == "ORDERS" else part for part in command]
    done = cli([*arguments, "--out", "/dev/full"], tmp_path)
    assert_one_error(done.returncode, done.stderr.decode())
    assert "No space left on device" in done.stderr.decode()


@pytest.mark.skipif(not HAS_DEV_FULL, reason="needs /dev/full (Linux)")
def test_a_save_whose_output_fails_exits_3_and_says_it_was_saved(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        done = cli(["calc", "--dose", "300 mg", "--save", "--json"], tmp_path, stdout=full)
    err = done.stderr.decode()
    assert done.returncode == SAVED_BUT_OUTPUT_FAILED == 3
    saved, failed = err.splitlines()
    assert saved.startswith("saved: administration log entry 1 ")
    assert "WAS saved as administration log entry 1: do not save it again" in failed
    assert log_entries(tmp_path) == 1


def closed_pipe() -> int:
    reader, writer = os.pipe()
    os.close(reader)
    return writer


def test_a_closed_pipe_is_not_success(tmp_path: Path) -> None:
    writer = closed_pipe()
    try:
        done = cli(["calc", "--dose", "300 mg", "--json"], tmp_path, stdout=writer)
    finally:
        os.close(writer)
    assert done.returncode == PIPE_CLOSED == 141
    assert done.stderr == b""  # quiet, as `yes | head`


def test_a_closed_pipe_after_a_save_exits_3(tmp_path: Path) -> None:
    writer = closed_pipe()
    try:
        done = cli(["calc", "--dose", "300 mg", "--save"], tmp_path, stdout=writer)
    finally:
        os.close(writer)
    assert done.returncode == 3
    assert "WAS saved" in done.stderr.decode()
    assert log_entries(tmp_path) == 1


def test_a_good_run_still_exits_0_with_its_output(tmp_path: Path) -> None:
    done = cli(["calc", "--dose", "300 mg", "--json"], tmp_path)
    assert done.returncode == 0 and json.loads(done.stdout)["administered_units"] == 300


def test_a_closed_standard_output_is_one_error_and_a_save_says_it_happened(tmp_path: Path) -> None:
    done = cli(
        ["calc", "--dose", "300 mg"],
        tmp_path,
        stdout=subprocess.DEVNULL,
        preexec_fn=lambda: os.close(1),
    )
    assert_one_error(done.returncode, done.stderr.decode())
    assert "standard output is closed" in done.stderr.decode()
    done = cli(
        ["calc", "--dose", "300 mg", "--save"],
        tmp_path,
        stdout=subprocess.DEVNULL,
        preexec_fn=lambda: os.close(1),
    )
    assert (
        done.returncode == 3 and "WAS saved as administration log entry 1" in done.stderr.decode()
    )


@pytest.mark.parametrize(
    "value, shown",
    [
        ("\ud800", "'\\ud800') is not UTF-8 text (a lone surrogate)"),
        ("a\udcff", "'a\\xff') is not UTF-8 text (byte 0xff)"),
    ],
)
def test_a_lone_surrogate_from_a_caller_is_one_error_not_a_traceback(
    value: str, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """main() called from Python can pass any str, a high lone surrogate too
    (no shell makes one)."""
    assert main(["calc", "--drug", value, "--dose", "300 mg"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and shown in err
