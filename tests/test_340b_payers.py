"""340B: JG/TB are Medicare's modifiers (issue 18 §4; docs/sources/340b-modifier.md).

TB goes on Medicare claims of a 340B site (no payer given: the claim is Medicare's, as
every claim this tool writes by default); on another payer's claims only where the
site's `[payer.NAME]` table says `modifier_340b = true`; and only on the drugs the site
buys through 340B (`[billing] drugs_340b`, or every drug with `acquired_340b = true`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.cli import main
from infusion_calc.core.errors import SiteConfigError
from infusion_calc.core.pipeline.site_config import parse_site_config


def _config(isolated_user_dirs: Path, text: str) -> None:
    folder = isolated_user_dirs / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")


def _result(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert (
        main(["calc", "--dose", "250 mg", "--given-at", "2026-03-02 09:00", *args, "--json"]) == 0
    )
    answer: dict[str, Any] = json.loads(capsys.readouterr().out)
    return answer


def _modifiers(result: dict[str, Any]) -> list[list[str]]:
    return [line["modifiers"] for line in result["lines"]]


def _codes(result: dict[str, Any], key: str) -> set[str]:
    return {item["code"] for item in result[key]}


EVERY_DRUG = "[billing]\nacquired_340b = true\n"

# (site config, --payer, whether TB goes on the lines)
PAYERS = [
    pytest.param(EVERY_DRUG, None, True, id="no-payer-is-medicare"),
    pytest.param(EVERY_DRUG, "medicare", True, id="medicare"),
    pytest.param(
        EVERY_DRUG, "medicare-advantage", False, id="medicare-advantage-without-its-table"
    ),
    pytest.param(EVERY_DRUG, "commercial", False, id="commercial"),
    pytest.param(EVERY_DRUG, "medicaid", False, id="medicaid"),
    pytest.param(
        EVERY_DRUG + "[payer.medicaid]\nmodifier_340b = true\n",
        "medicaid",
        True,
        id="medicaid-asked-by-its-table",
    ),
    pytest.param(
        EVERY_DRUG + "[payer.medicare-advantage]\nmodifier_340b = true\n",
        "medicare-advantage",
        True,
        id="medicare-advantage-asked-by-its-table",
    ),
    pytest.param(
        EVERY_DRUG + "[payer.medicaid]\nmodifier_340b = true\n",
        "commercial",
        False,
        id="another-payers-table",
    ),
]


@pytest.mark.parametrize(("config", "payer", "tb"), PAYERS)
def test_tb_goes_on_medicare_claims_and_on_others_only_where_the_site_says(
    capsys: pytest.CaptureFixture[str],
    isolated_user_dirs: Path,
    config: str,
    payer: str | None,
    tb: bool,
) -> None:
    _config(isolated_user_dirs, config)
    result = _result(capsys, *(("--payer", payer) if payer else ()))
    assert _modifiers(result) == ([["TB"], ["JW", "TB"]] if tb else [[], ["JW"]])
    assert ("MODIFIER_340B" in _codes(result, "warnings")) is tb
    assert "MODIFIER_340B_MISSING" not in _codes(result, "checks")


def test_a_site_lists_the_drugs_it_buys_through_340b(
    capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path
) -> None:
    _config(isolated_user_dirs, '[billing]\ndrugs_340b = ["J1745", "j2323"]\n')
    assert _modifiers(_result(capsys)) == [["TB"], ["JW", "TB"]]  # natalizumab, J2323
    other = _result(capsys, "--drug", "ocrevus", "--dose", "600 mg")
    assert all("TB" not in modifiers for modifiers in _modifiers(other))
    assert "MODIFIER_340B_MISSING" not in _codes(other, "checks")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[billing]\ndrugs_340b = ["natalizumab"]\n', "HCPCS code"),
        ('[billing]\nacquired_340b = true\ndrugs_340b = ["J2323"]\n', "drugs_340b"),
        ('[payer.medicaid]\nmodifier_340b = "yes"\n', "modifier_340b"),
    ],
)
def test_a_bad_340b_setting_is_refused_naming_the_field(text: str, says: str) -> None:
    with pytest.raises(SiteConfigError) as caught:
        parse_site_config(text, "config.toml")
    assert says in str(caught.value)
