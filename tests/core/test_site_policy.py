"""The site's own rules ([documentation], [administration],
[billing] in config.toml) and the 340B modifier."""

from __future__ import annotations

from datetime import date

import pytest

from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.checks.checks import run_checks
from infusion_calc.core.checks.modifier_340b import with_340b_modifier
from infusion_calc.core.errors import SiteConfigError
from infusion_calc.core.pipeline.site_config import parse_site_config
from infusion_calc.core.record.check_types import SitePolicy
from infusion_calc.core.record.encounter import EncounterText, parse_encounter
from infusion_calc.loading import clinical_rules


def test_no_config_means_no_witness_complex_codes_and_no_340b() -> None:
    assert parse_site_config("", "config.toml").check_policy() == SitePolicy()
    assert SitePolicy() == SitePolicy(
        require_waste_witness=False, complex_biologic_codes="complex", acquired_340b=False
    )


def test_each_setting_reads_from_its_table() -> None:
    config = parse_site_config(
        "[documentation]\nrequire_waste_witness = true\n"
        '[administration]\ncomplex_biologic_codes = "infusion"\n'
        "[billing]\nacquired_340b = true\n",
        "config.toml",
    )
    assert config.check_policy() == SitePolicy(True, "infusion", True)


@pytest.mark.parametrize(
    "text, says",
    [
        (
            '[administration]\ncomplex_biologic_codes = "chemo"\n',
            "[administration] field 'complex_biologic_codes'",
        ),
        (
            '[billing]\nacquired_340b = "yes"\n',
            "[billing] field 'acquired_340b': write true or false",
        ),
        ("[documentation]\nwitness = true\n", "[documentation] field 'witness': unknown setting"),
    ],
)
def test_a_bad_setting_names_the_table_and_field(text: str, says: str) -> None:
    with pytest.raises(SiteConfigError) as caught:
        parse_site_config(text, "config.toml")
    assert says in str(caught.value)


def test_340b_puts_tb_on_every_drug_line_from_2025(catalog: Catalog) -> None:
    calc = calculate(catalog, CalcRequest("250 mg"))
    marked = with_340b_modifier(calc, date(2025, 1, 1))
    assert [line.code for line in marked.lines] == ["J2323-TB", "J2323-JW-TB"]
    assert "MODIFIER_340B" in {notice.code for notice in marked.warnings}
    assert "JG ended 31 Dec 2024, TB in effect (VERIFIED)" in marked.warnings[-1].message
    # the checks accept the marked lines
    encounter = parse_encounter(EncounterText(given_at="2026-03-02 09:00"))
    found = {
        check.code
        for check in run_checks(
            marked,
            encounter,
            catalog=catalog,
            rules=clinical_rules(),
            policy=SitePolicy(acquired_340b=True),
        )
    }
    assert not {"MODIFIER_340B_MISSING", "JG_DISCONTINUED", "JWJZ_MISSING"} & found


def test_before_2025_no_modifier_is_chosen(catalog: Catalog) -> None:
    calc = calculate(catalog, CalcRequest("300 mg"))
    assert with_340b_modifier(calc, date(2024, 12, 31)) is calc
