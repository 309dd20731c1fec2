"""A not-otherwise-classified code (J3490, J3590, J9999) carries the drug's name and dose on every
claim format, or the claim is refused with a sentence."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.exports import ExportError, export, render
from infusion_calc.core.pipeline.site_config import ExportSettings
from infusion_calc.loading import packaged_catalog
from tests.core.test_exports_x12 import envelope, validate

WHEN = datetime(2026, 5, 1, 10, 30, tzinfo=UTC)
CLAIM_FORMATS = ("837p", "837i", "cms1500", "ub04")


def unlisted(code: str, drug: str | None, dose: str = "250 mg") -> Calculation:
    request = CalcRequest(dose, drug=drug, hcpcs=code, billing_unit="1 mg", vials=("100 mg/10 mL",))
    return calculate(packaged_catalog(), request)


@pytest.mark.parametrize("fmt", ["837p", "837i"])
@pytest.mark.parametrize("code", ["J3490", "J3590", "J9999"])
def test_the_837_names_the_drug_in_component_7_and_passes_pyx12(fmt: str, code: str) -> None:
    calc = unlisted(code, "pemetrexed")
    text = export(calc, fmt, ExportSettings(charges={code: Decimal("2.00")}), when=WHEN)
    services = [line for line in text.splitlines() if line.startswith(("SV1", "SV2"))]
    assert services and all(
        f"HC:{code}:" in line and ":pemetrexed 250 mg" in line for line in services
    )
    jw = next(line for line in services if ":JW:" in line)
    assert f"HC:{code}:JW::::pemetrexed 250 mg*" in jw  # modifiers in 3-6, description in 7
    ok, errors = validate(envelope(text, fmt, "600.00"))
    assert ok and errors == [], errors


def test_cms1500_item_19_and_ub04_fl43_carry_name_and_dose() -> None:
    calc = unlisted("J9999", "pemetrexed")
    assert "Item 19 (not otherwise classified J9999): pemetrexed 250 mg\n" in export(
        calc, "cms1500"
    )
    assert all("pemetrexed 250 mg" in row for row in export(calc, "ub04").splitlines()[1:])


@pytest.mark.parametrize("fmt", CLAIM_FORMATS)
def test_a_noc_code_without_a_drug_name_is_refused_with_a_sentence(fmt: str) -> None:
    with pytest.raises(
        ExportError,
        match=r"^J3490 is a not-otherwise-classified code, so the claim must name the drug",
    ):
        export(unlisted("J3490", None), fmt)


def test_formats_that_are_not_claims_still_export_it() -> None:
    calc = unlisted("J3490", None)
    for fmt in ("csv", "json", "text", "fhir"):
        assert export(calc, fmt, when=WHEN)


def test_a_catalog_listed_code_gets_no_description() -> None:
    text = export(calculate(packaged_catalog(), CalcRequest("300 mg")), "837p", when=WHEN)
    assert "SV1*HC:J2323:JZ**" in text


def test_the_cli_refuses_a_noc_claim_without_a_name(capsys: pytest.CaptureFixture[str]) -> None:
    from infusion_calc.cli import main

    status = main(
        [
            "calc",
            "--hcpcs",
            "J9999",
            "--billing-unit",
            "1 mg",
            "--vial",
            "100 mg",
            "--dose",
            "95 mg",
            "--format",
            "837p",
        ]
    )
    err = capsys.readouterr().err
    assert (
        status == 2
        and err.startswith("error: J9999 is a not-otherwise-classified code")
        and err.count("\n") == 1
    )


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=120).filter(lambda text: text.strip()))
def test_any_typed_name_makes_a_valid_segment_or_a_refusal(name: str) -> None:
    """The sweep's kinds of names: separators, controls, other scripts, very long ones."""
    try:
        calc = unlisted("J3490", name)
    except Exception:  # the engine refused the name itself: nothing to export
        return
    try:
        result = render(calc, "837p", ExportSettings(charges={"J3490": Decimal("1.00")}), when=WHEN)
    except ExportError as error:
        assert "must name the drug" in str(error)
        return
    for segment in result.text.splitlines():
        assert segment.count("~") == 1 and segment.endswith("~") and segment.isascii()
    service = next(line for line in result.text.splitlines() if line.startswith("SV1"))
    description = service.split("*")[1].split(":")[6]
    assert 0 < len(description) <= 80
