"""`calc`'s summary is read by a person at a glance: words, not claim syntax."""

from __future__ import annotations

import pytest

from infusion_calc.cli import main


def claim_lines(out: str) -> list[str]:
    lines = out.splitlines()
    start = lines.index("  Claim lines") + 1
    return [line.strip() for line in lines[start:] if line.startswith("    ")][:2]


def test_one_unit_is_one_unit_not_one_units(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calc", "--hcpcs", "J2326", "--dose", "0.1 mg"]) == 0
    first = claim_lines(capsys.readouterr().out)[0]
    assert "1 unit " in first + " " and "1 units" not in first


def test_the_ndc_reads_as_on_the_carton_with_the_amount_and_its_unit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["calc", "--dose", "250 mg"]) == 0
    lines = claim_lines(capsys.readouterr().out)
    assert lines[0].split() == ["J2323", "250", "units", "NDC", "64406-0008-01,", "12.5", "mL"]
    assert lines[1].split() == ["J2323-JW", "50", "units", "NDC", "64406-0008-01,", "2.5", "mL"]
    assert "N4" not in " ".join(lines)


def test_an_unverified_ndc_says_to_take_it_from_the_carton(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["calc", "--drug", "tyruko", "--dose", "300 mg"]) == 0
    assert "NDC from the carton" in claim_lines(capsys.readouterr().out)[0]


def test_the_exports_keep_the_claim_syntax(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calc", "--dose", "300 mg", "--format", "cms1500"]) == 0
    assert "N464406000801 ML15" in capsys.readouterr().out


def test_entyvio_and_rituxan_bill_the_ndcs_cms_lists_for_their_vials(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["calc", "--drug", "entyvio", "--dose", "300 mg"]) == 0
    assert "64764-0300-20" in claim_lines(capsys.readouterr().out)[0]
    assert (
        main(["calc", "--drug", "rituxan", "--dose", "600 mg"]) == 0
    )  # one 500 mg and one 100 mg vial
    ndcs = " ".join(claim_lines(capsys.readouterr().out))
    assert "50242-0053-06" in ndcs and "50242-0051-21" in ndcs
