"""`infusion-calc calc`: exit codes, the JSON contract, and one `error:` line for bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.cli import main
from tests.catalog_entries import drug_entry, product_entry, write_site_catalog

CONTRACT_KEYS = {
    "hcpcs",
    "drug",
    "billing_unit",
    "vials",
    "draw_volume",
    "administered_units",
    "discarded_units",
    "lines",
    "warnings",
}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["calc", *args, "--json"]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def test_default_drug_is_tysabri_and_300_mg_is_one_jz_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = run_json(capsys, "--dose", "300 mg")
    assert CONTRACT_KEYS <= result.keys()
    assert (result["hcpcs"], result["drug"], result["billing_unit"]) == (
        "J2323",
        "natalizumab",
        "1 mg",
    )
    assert result["vials"] == [
        {
            "strength": "300 mg",
            "volume": "15 mL",
            "count": 1,
            "ndc": "64406000801",
            "brand": "Tysabri",
            "form": "solution",
            "container": "single-dose",
        }
    ]
    assert [
        {key: value for key, value in line.items() if key != "medicare_payment"}
        for line in result["lines"]
    ] == [
        {
            "hcpcs": "J2323",
            "modifiers": ["JZ"],
            "units": 300,
            "ndc": "64406000801",
            "ndc_unit": "ML",
            "ndc_quantity": "15",
        }
    ]
    assert result["draw_volume"] == "15 mL"
    assert "dose_rounding" not in result


def test_partial_dose_gets_a_jw_line_with_integer_units(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "--dose", "250 mg", "--drug", "tysabri")
    assert isinstance(result["administered_units"], int) and result["administered_units"] == 250
    assert result["discarded_units"] == 50
    assert [(l["modifiers"], l["units"], l["ndc_quantity"]) for l in result["lines"]] == [
        ([], 250, "12.5"),
        (["JW"], 50, "2.5"),
    ]


def test_nusinersen_bills_j2326_in_tenths_of_a_mg(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "--dose", "12 mg", "--drug", "spinraza")
    assert result["hcpcs"] == "J2326" and result["administered_units"] == 120


def test_round_within_adds_the_option_or_null(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "--dose", "310 mg", "--drug", "remicade", "--round-within", "10")
    assert result["dose_rounding"]["dose"] == "300 mg"
    assert result["dose_rounding"]["change_percent"] == "-3.2"
    assert result["dose_rounding"]["vials"][0]["count"] == 3
    result = run_json(capsys, "--dose", "350 mg", "--drug", "remicade", "--round-within", "10")
    assert result["dose_rounding"] is None


def test_bsa_accepts_all_three_spellings(capsys: pytest.CaptureFixture[str]) -> None:
    for spelling in ("1.9 m2", "1.9 m^2", "1.9 m²"):
        result = run_json(capsys, "--dose", "375 mg/m2", "--drug", "rituxan", "--bsa", spelling)
        assert result["dose"] == "712.5 mg"


def test_unlisted_code_with_billing_unit_and_vial(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(
        capsys,
        "--dose",
        "95 mg",
        "--hcpcs",
        "J9999",
        "--billing-unit",
        "1 mg",
        "--vial",
        "100 mg/10 mL",
    )
    assert [(l["modifiers"], l["units"], l["ndc"]) for l in result["lines"]] == [
        ([], 95, None),
        (["JW"], 5, None),
    ]
    assert any(w["code"] == "NDC_NOT_VERIFIED" for w in result["warnings"])


def test_readable_summary_without_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calc", "--dose", "250 mg"]) == 0
    out = capsys.readouterr().out
    assert "J2323-JW" in out and "250 administered" in out and "12.5 mL" in out


@pytest.mark.parametrize(
    ("args", "option", "says"),
    [
        (["--dose", "abc"], "--dose", "Start with a number"),
        (["--dose", "-5 mg"], "--dose", "more than zero"),
        (["--dose", "0 mg"], "--dose", "more than zero"),
        (["--dose", "300 mL/kg"], "--dose", "mass"),
        (["--dose", "15 cm"], "--dose", "not a dose unit"),
        (["--dose", "300 mg", "--drug", "aspirin"], "--drug", "not in the catalog"),
        (["--dose", "5 mg/kg", "--drug", "remicade"], "--weight", "per kg"),
        (["--dose", "375 mg/m2", "--drug", "rituxan"], "--bsa", "per m²"),
        (["--dose", "300 mg", "--drug", "natalizumab", "--hcpcs", "J2326"], "--hcpcs", "J2323"),
        (
            ["--dose", "300 mg", "--hcpcs", "J2323", "--billing-unit", "10 mg"],
            "--billing-unit",
            "1 mg",
        ),
        (
            ["--dose", "300 mg", "--hcpcs", "J9999"],
            "--hcpcs",
            "billing unit (e.g. 10 mg) and at least one vial size",
        ),
        (["--dose", "300 mg", "--weight", "70"], "--weight", "Add a unit"),
    ],
)
def test_bad_input_is_one_error_line_and_status_2(
    capsys: pytest.CaptureFixture[str], args: list[str], option: str, says: str
) -> None:
    assert main(["calc", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {option}: ")
    assert says in lines[0]


def test_absurd_vial_count_is_refused_quickly(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "calc",
                "--dose",
                "10000 mg",
                "--hcpcs",
                "J9999",
                "--billing-unit",
                "1 mg",
                "--vial",
                "10 mg/1 mL",
            ]
        )
        == 2
    )
    assert capsys.readouterr().err.startswith("error: A dose of 10000 mg needs at least 1000 vials")


def test_usage_errors_are_error_lines_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calc"]) == 2
    assert capsys.readouterr().err.startswith("error: the following arguments are required: --dose")
    assert main(["calc", "--dose", "300 mg", "--frobnicate"]) == 2
    assert capsys.readouterr().err.startswith("error: unrecognized arguments: --frobnicate")


def test_site_catalog_pairing_natalizumab_with_j2326_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = write_site_catalog(
        tmp_path,
        drug_entry(
            "J2326",
            generic="natalizumab",
            billing_unit="1 mg",
            products=[
                product_entry("Tysabri", ndc="64406-0008-01", strength="300 mg", volume="15 mL"),
            ],
        ),
    )
    assert main(["calc", "--dose", "300 mg", "--catalog", str(site)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {site}: entry 1 (J2326): field 'hcpcs'") and "J2323" in err


def test_site_catalog_in_the_config_folder_is_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_site_catalog(
        tmp_path / "config",
        drug_entry(
            "J9035",
            generic="bevacizumab",
            billing_unit="10 mg",
            products=[
                product_entry(
                    "Avastin", ndc_note="site has not entered it", strength="100 mg", volume="4 mL"
                ),
            ],
        ),
        name="catalog.toml",
    )
    result = run_json(capsys, "--dose", "5 mg/kg", "--drug", "avastin", "--weight", "70 kg")
    assert (result["hcpcs"], result["administered_units"], result["discarded_units"]) == (
        "J9035",
        35,
        5,
    )


def test_console_script_never_prints_a_traceback() -> None:
    process = subprocess.run(
        [sys.executable, "-m", "infusion_calc", "calc", "--dose", "1 000 mg"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == 2
    assert "Traceback" not in process.stderr
    assert process.stderr.startswith("error: --dose: Write the number without spaces")


@pytest.mark.parametrize(
    "args",
    [
        ["--dose", "300\x1b]0;owned\x07 mg"],
        ["--dose", "300 mg", "--drug", "ev\x1b[2Jil"],
        ["--dose", "300 mg", "--hcpcs", "J\x07232"],
        ["--dose", "300 mg", "--vial", "3\x1b[31m00 mg"],
    ],
)
def test_error_lines_never_echo_terminal_control_characters(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert main(["calc", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and not any(ord(char) < 32 and char != "\n" for char in err)
