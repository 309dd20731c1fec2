"""The hostile sweep's kinds of input, as properties, on the options and files this module guards.

Whatever is typed (control characters, bytes that are not UTF-8 as Python receives them,
huge numbers, "--", empty strings), each command ends with exit status 0 or 2, never
a traceback or an internal error, and a refusal is exactly one `error:` line.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infusion_calc.cli import main
from infusion_calc.cli.serve import allowed_host, listen_host, port_number
from infusion_calc.serve.hosts import AllowedHosts, request_refusal

# What the sweep threw at every option.
HOSTILE = st.one_of(
    st.sampled_from(
        [
            "",
            "--",
            "-",
            " ",
            "-1",
            "0",
            "1e309",
            "nan",
            "inf",
            "9" * 400,
            "\u2028",
            "\x1b]0;PWNED\x07",
        ]
    ),
    st.binary(max_size=24).map(
        lambda raw: raw.decode("utf-8", "surrogateescape")
    ),  # argv bytes as Python sees them
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=()), max_size=30
    ),  # controls, format chars
    st.integers(min_value=-(10**60), max_value=10**60).map(str),
    st.text(alphabet="0123456789.", min_size=1, max_size=40).map(lambda number: f"{number} mg"),
)

CALC_OPTIONS = (
    "--dose",
    "--drug",
    "--hcpcs",
    "--vial",
    "--weight",
    "--height",
    "--bsa",
    "--round-within",
    "--billing-unit",
    "--format",
    "--payer-rules",
    "--patient-id",
    "--given-at",
    "--site",
    "--nurse",
    "--provider",
    "--dx",
    "--payer",
    "--pa",
    "--lot",
    "--expires",
    "--waste-reason",
    "--witness",
    "--start",
    "--stop",
    "--events",
    "--catalog",
)

SWEEP = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def assert_clean(status: int, err: str) -> None:
    assert status in (0, 2), err
    assert "internal error" not in err and "Traceback" not in err, err
    lines = err.splitlines()
    assert all(line.startswith(("error: ", "warning: ", "saved: ")) for line in lines), err
    if status == 2:
        assert sum(line.startswith("error: ") for line in lines) == 1, err


@pytest.fixture
def sweep_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Relative --out names land here; nothing the sweep writes leaves the test's folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@SWEEP
@given(option=st.sampled_from(CALC_OPTIONS), value=HOSTILE, attached=st.booleans())
def test_any_value_of_any_calc_option(
    capsys: pytest.CaptureFixture[str], option: str, value: str, attached: bool
) -> None:
    arguments = [f"{option}={value}"] if attached else [option, value]
    base = [] if option == "--dose" else ["--dose", "300 mg"]
    status = main(["calc", *base, *arguments])
    assert_clean(status, capsys.readouterr().err)


@SWEEP
@given(arguments=st.lists(st.sampled_from(["--json", "--note", "--"]) | HOSTILE, max_size=4))
def test_any_words_after_calc(capsys: pytest.CaptureFixture[str], arguments: list[str]) -> None:
    status = main(["calc", "--dose", "300 mg", *arguments])
    assert_clean(status, capsys.readouterr().err)


@SWEEP
@given(
    action=st.sampled_from(
        [
            ["list", "--limit"],
            ["show"],
            ["show", "--json"],
            ["export", "--format"],
            ["export", "--out"],
        ]
    ),
    value=HOSTILE,
)
def test_any_value_of_any_log_option(
    capsys: pytest.CaptureFixture[str], sweep_folder: Path, action: list[str], value: str
) -> None:
    if action[-1] == "--out" and ("/" in value or value in ("", ".", "..")):
        value = f"x{value.replace('/', '_')}"  # a file name in the test's folder, never elsewhere
    status = main(["log", *action, value])
    assert_clean(status, capsys.readouterr().err)


@SWEEP
@given(
    option=st.sampled_from(["--jobs", "--format", "--out", "--catalog"]),
    value=HOSTILE,
    attached=st.booleans(),
)
def test_any_value_of_any_batch_option(
    capsys: pytest.CaptureFixture[str], sweep_folder: Path, option: str, value: str, attached: bool
) -> None:
    (sweep_folder / "orders.csv").write_text("drug,dose\nTysabri,300 mg\n")
    if option == "--out" and ("/" in value or value in ("", ".", "..", "orders.csv")):
        value = f"x{value.replace('/', '_')}"
    if (
        option == "--jobs"
        and value.strip().isascii()
        and value.strip().isdigit()
        and int(value.strip()) > 1
    ):
        value = "1"  # a valid count only costs forked workers here
    arguments = [f"{option}={value}"] if attached else [option, value]
    status = main(
        ["batch", "orders.csv", *([] if option == "--jobs" else ["--jobs", "1"]), *arguments]
    )
    assert_clean(status, capsys.readouterr().err)


@settings(max_examples=300, deadline=None)
@given(value=HOSTILE)
def test_serve_host_port_and_allow_host_are_accepted_or_one_line_refusals(value: str) -> None:
    for check in (listen_host, allowed_host, port_number):
        try:
            check(value)
        except argparse.ArgumentTypeError as refusal:
            assert "\n" not in str(refusal) and str(refusal)


HEADER = st.one_of(
    HOSTILE,
    st.sampled_from(["127.0.0.1:8000", "localhost", "[::1]:1", "null", "http://127.0.0.1:8000"]),
)


@settings(max_examples=300, deadline=None)
@given(
    host=HEADER,
    origin=st.none() | HEADER,
    forwarded=st.none() | HEADER,
    bound=st.sampled_from(["127.0.0.1", "0.0.0.0", "::"]),
)
def test_the_host_check_never_fails_and_serves_only_loopback_or_listed_names(
    host: str, origin: str | None, forwarded: str | None, bound: str
) -> None:
    headers = (
        {"Host": host}
        | ({"Origin": origin} if origin is not None else {})
        | ({"X-Forwarded-Host": forwarded} if forwarded is not None else {})
    )
    allowed = AllowedHosts(bound, ["calc.hospital.example"])
    refusal = request_refusal(headers, allowed)
    if refusal is None:  # served: the name the browser used is one of this server's
        from urllib.parse import urlsplit

        assert allowed.allows(urlsplit(f"//{host}").hostname or "")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
@SWEEP
@given(content=st.binary(max_size=200))
def test_any_bytes_as_config_toml_or_site_catalog(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    for name in ("config.toml", "catalog.toml"):
        (folder / name).write_bytes(content)
        status = main(["calc", "--dose", "300 mg", "--format", "cms1500"])
        assert_clean(status, capsys.readouterr().err)
        (folder / name).unlink()
