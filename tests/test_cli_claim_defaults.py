"""No silent defaults on a claim: a self-dated export warns,
and --payer applies its [payer.X] rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from infusion_calc.cli import main
from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.exports import render
from infusion_calc.loading import packaged_catalog

CONFIG = """
[payer.medicaid]
ndc_units = ["UN"]
ndc_spacing = "none"
"""


@pytest.mark.parametrize("fmt", ["837p", "837i", "fhir"])
def test_a_claim_that_dates_itself_warns_on_stderr(
    capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    assert main(["calc", "--dose", "300 mg", "--format", fmt]) == 0
    err = capsys.readouterr().err
    assert "warning: No date and time of administration was given, so " in err
    assert "--given-at" in err
    assert (
        main(["calc", "--dose", "300 mg", "--format", fmt, "--given-at", "2026-05-01 10:30"]) == 0
    )
    assert "No date and time" not in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["cms1500", "ub04", "csv", "text", "json"])
def test_formats_without_a_date_do_not_warn_about_one(
    capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    assert main(["calc", "--dose", "300 mg", "--format", fmt]) == 0
    assert "No date and time" not in capsys.readouterr().err


def test_the_warning_is_returned_by_the_export_for_the_app_to_show() -> None:
    calc = calculate(packaged_catalog(), CalcRequest("300 mg"))
    codes = [notice.code for notice in render(calc, "837p").notices]
    assert "SERVICE_DATE_TODAY" in codes


def test_payer_applies_its_table_from_the_site_config(
    isolated_user_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = isolated_user_dirs / "config"
    config.mkdir(exist_ok=True)
    (config / "config.toml").write_text(CONFIG, encoding="utf-8")
    assert main(["calc", "--dose", "300 mg", "--payer", "medicaid", "--format", "cms1500"]) == 0
    captured = capsys.readouterr()
    assert "N464406000801UN1" in captured.out  # [payer.medicaid]: UN only, no space
    assert "payer 'medicaid' does not accept NDC unit ML" in captured.err
    # The same as naming the table outright, and a payer type with no table gets the [claims] rules.
    assert (
        main(["calc", "--dose", "300 mg", "--payer-rules", "medicaid", "--format", "cms1500"]) == 0
    )
    assert capsys.readouterr().out == captured.out
    assert main(["calc", "--dose", "300 mg", "--payer", "medicare", "--format", "cms1500"]) == 0
    assert "N464406000801 ML15" in capsys.readouterr().out
