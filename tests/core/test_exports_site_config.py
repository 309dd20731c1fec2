"""The site config file: payer rules and charges as data, with errors naming file and field."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from infusion_calc.core.errors import SiteConfigError
from infusion_calc.core.pipeline.site_config import ClaimRules, SiteConfig, parse_site_config
from infusion_calc.loading import default_site_config_path, load_site_config

EXAMPLE = """
[claims]
ndc_spacing = "one-space"

[payer.medicaid]
ndc_units = ["F2", "GR", "ML", "UN"]

[payer.fixed-columns]
ndc_spacing = "columns"

[chargemaster]
J2323 = 35.10
J2326 = "120.5"

[log]
store_patient_id = true
"""


def test_no_file_means_the_defaults() -> None:
    config = load_site_config()
    assert config == SiteConfig()
    settings = config.export_settings()
    assert settings.rules == ClaimRules(
        ndc_spacing="one-space", ndc_units=("F2", "GR", "ME", "ML", "UN")
    )
    assert settings.charge_per_unit("J2323") is None
    assert config.log.store_patient_id is False  # private by default


def test_the_file_next_to_the_site_catalog_is_read(isolated_user_dirs: Path) -> None:
    path = isolated_user_dirs / "config" / "config.toml"
    assert default_site_config_path() == path
    path.parent.mkdir(parents=True)
    path.write_text(EXAMPLE, encoding="utf-8")
    config = load_site_config()
    assert config.chargemaster == {"J2323": Decimal("35.10"), "J2326": Decimal("120.5")}
    assert config.log.store_patient_id is True


def test_charges_are_exact_decimals_whether_written_as_numbers_or_text() -> None:
    config = parse_site_config(EXAMPLE, "config.toml")
    assert (
        config.chargemaster["J2323"] == Decimal("35.10")
        and type(config.chargemaster["J2323"]) is Decimal
    )
    charge = config.export_settings().charge_per_unit("J2326")
    assert charge is not None and charge * 3 == Decimal("361.50")


@pytest.mark.parametrize("written", ['"-0"', "-0.0", '"-0.00"', '"$0"'])
def test_a_zero_charge_is_plain_zero_never_minus_zero(
    written: str, capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path
) -> None:
    config = parse_site_config(f"[chargemaster]\nJ2323 = {written}\n", "config.toml")
    assert not config.chargemaster["J2323"].is_signed() and config.chargemaster["J2323"] == 0
    from infusion_calc.cli import main

    path = isolated_user_dirs / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"[chargemaster]\nJ2323 = {written}\n", encoding="utf-8")
    assert main(["calc", "--dose", "300 mg", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "-0" not in out and out.splitlines()[1].endswith(",0.00")


def test_the_largest_charge_allowed_prints_in_full() -> None:
    config = parse_site_config('[chargemaster]\nJ2323 = "$999999.99"\n', "config.toml")
    assert config.chargemaster["J2323"] == Decimal("999999.99")


def test_a_payer_table_overrides_only_what_it_lists() -> None:
    config = parse_site_config(EXAMPLE, "config.toml")
    medicaid = config.export_settings("medicaid")
    assert (
        medicaid.rules.ndc_units == ("F2", "GR", "ML", "UN")
        and medicaid.rules.ndc_spacing == "one-space"
    )
    assert config.export_settings("fixed-columns").rules.ndc_spacing == "columns"
    assert medicaid.payer == "medicaid" and medicaid.charges == config.chargemaster


def test_an_unknown_payer_names_the_ones_defined() -> None:
    config = parse_site_config(EXAMPLE, "site/config.toml")
    with pytest.raises(
        SiteConfigError, match=r"site/config.toml: no \[payer.acme\] table.*fixed-columns, medicaid"
    ):
        config.export_settings("acme")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[claims]\nndc_spacing = "two"', r"\[claims\] field 'ndc_spacing'"),
        ('[payer.x]\nndc_units = ["ZZ"]', r"\[payer.x\] field 'ndc_units'"),
        ("[claims]\nndc_units = []", r"at least one NDC unit qualifier"),
        ('[claims]\nndc_units = ["ML", "ML"]', r"once"),
        ("[chargemaster]\nJ2323 = 1.234", r"\[chargemaster\] code J2323: .*fractions of a cent"),
        ("[chargemaster]\nJ2323 = -5", r"\[chargemaster\] code J2323"),
        ('[chargemaster]\nJ2323 = "lots"', r"not an amount of dollars"),
        ("[chargemaster]\nj2323 = 5", r"not a HCPCS code"),
        (
            '[chargemaster]\n"J٢٣٢٣" = 5',
            r"not a HCPCS code",
        ),  # Arabic-Indic digits are not claim digits
        ('[chargemaster]\n"J2323\\n" = 5', r"not a HCPCS code"),
        ('[chargemaster]\nJ2323 = "1e999999"', r"code J2323: '1e999999': .*without an exponent"),
        ("[chargemaster]\nJ2323 = 1e30", r"code J2323: .*without an exponent"),
        ('[chargemaster]\nJ2323 = "1e30"', r"without an exponent"),
        ('[chargemaster]\nJ2323 = "1000000"', r"code J2323: .*under \$1,000,000 per unit"),
        ("[chargemaster]\nJ2323 = 1000000.00", r"under \$1,000,000 per unit"),
        ("[chargemaster]\nJ2323 = 99999999999999999999999999999999", r"under \$1,000,000 per unit"),
        ('[chargemaster]\nJ2323 = "1_000"', r"not an amount of dollars"),
        ('[chargemaster]\nJ2323 = "٣٥"', r"not an amount of dollars"),
        ('[chargemaster]\nJ2323 = "Infinity"', r"not an amount of dollars"),
        ('[chargemaster]\nJ2323 = "NaN"', r"not an amount of dollars"),
        (
            '[log]\nstore_patient_id = "yes"',
            r"\[log\] field 'store_patient_id': write true or false",
        ),
        ("[claim]\nndc_spacing = 'none'", r"unknown table"),
        ("[claims]\nspacing = 'none'", r"\[claims\] field 'spacing': unknown setting"),
        ("[claims\n", r"not valid TOML"),
    ],
)
def test_a_bad_file_names_the_file_and_the_field(text: str, message: str) -> None:
    with pytest.raises(SiteConfigError, match=message) as caught:
        parse_site_config(text, "/etc/site/config.toml")
    assert str(caught.value).startswith("/etc/site/config.toml: ")


def test_an_unreadable_explicit_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SiteConfigError, match="cannot read the site config file"):
        load_site_config(tmp_path / "missing.toml")


def test_site_rounding_policy_applies_when_the_call_gives_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from infusion_calc.cli import main

    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    (folder / "config.toml").write_text("[dosing]\nround_within = 10\n", encoding="utf-8")
    assert main(["calc", "--dose", "310 mg", "--drug", "remicade", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["dose_rounding"]["dose"] == "300 mg"
    # A call's own --round-within wins over the site's policy.
    assert (
        main(["calc", "--dose", "310 mg", "--drug", "remicade", "--round-within", "1", "--json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out)["dose_rounding"] is None


def test_a_bad_site_rounding_policy_is_an_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from infusion_calc.cli import main

    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    (folder / "config.toml").write_text("[dosing]\nround_within = 75\n", encoding="utf-8")
    assert main(["calc", "--dose", "310 mg"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "[dosing] field 'round_within'" in err and "0 to 50" in err
