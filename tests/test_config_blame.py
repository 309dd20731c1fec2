"""A bad value in config.toml is blamed on config.toml and its key, in one line; a BOM is fine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infusion_calc.cli import main
from tests.catalog_entries import drug_entry, write_site_catalog


def write_config(tmp_path: Path, text: str, encoding: str = "utf-8") -> str:
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    path = folder / "config.toml"
    path.write_text(text, encoding=encoding)
    return str(path)


@pytest.mark.parametrize(
    "value", ["5.555", "-1", "51", '"5.555"', "1e1", "99999999999999999999999999"]
)
def test_a_rounding_policy_calc_would_refuse_is_blamed_on_the_config_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    path = write_config(tmp_path, f"[dosing]\nround_within = {value}\n")
    assert main(["calc", "--dose", "300 mg"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith(f"error: {path}: [dosing] field 'round_within': ") and err.count("\n") == 1
    ), err
    assert "--round-within" not in err


def test_a_valid_policy_still_applies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_config(tmp_path, "[dosing]\nround_within = 10.25\n")
    assert main(["calc", "--dose", "280 mg", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["dose_rounding"]["threshold_percent"] == "10.25"


def test_a_config_saved_with_a_byte_order_mark_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(tmp_path, "[dosing]\nround_within = 10\n", encoding="utf-8-sig")
    assert main(["calc", "--dose", "280 mg", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["dose_rounding"]["threshold_percent"] == "10"


def test_a_site_catalog_saved_with_a_byte_order_mark_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from infusion_calc.loading import Context

    site = write_site_catalog(
        tmp_path, drug_entry(generic="examplemab"), name="catalog.toml", encoding="utf-8-sig"
    )
    assert Context(catalog_file=site).catalog.by_name("examplemab") is not None


@pytest.mark.parametrize(
    "text",
    [
        '[chargemaster]\nJ2323 = "1\\n2"\n',
        '[payer."a\\nb"]\nndc_spacing = "nope"\n',
        '[dosing]\nround_within = "5\\n5"\n',
        '[claims]\nndc_units = ["ML\\n"]\n',
    ],
)
def test_a_value_with_a_newline_is_still_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    write_config(tmp_path, text)
    assert main(["calc", "--dose", "300 mg", "--format", "cms1500"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert "config.toml" in err
