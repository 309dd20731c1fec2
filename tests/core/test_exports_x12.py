"""837P/837I service lines, proved against a real X12 validator (pyx12).

The export writes only the service-line loops; here they are wrapped in the smallest
interchange envelope that pyx12 accepts (the NPI 1234567893 is a
check-digit-valid test number), then validated. A deliberately bad unit qualifier
must fail, so a pass means something.
"""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.exports import export, render
from infusion_calc.core.pipeline.site_config import ExportSettings
from infusion_calc.loading import packaged_catalog

pyx12_document = pytest.importorskip(
    "pyx12.x12n_document",
    reason="pyx12 (a test dependency: pip install -e '.[test]') is not installed",
)
import pyx12.params  # noqa: E402

WHEN = datetime(2026, 5, 1, 10, 30, tzinfo=UTC)
CHARGES = ExportSettings(charges={"J2323": Decimal("4.00")})

GUIDES = {"837p": "005010X222A1", "837i": "005010X223A2"}


def envelope(service_lines: str, fmt: str, claim_total: str) -> str:
    """ISA/GS/ST, submitter, receiver, billing provider, subscriber,
    payer and CLM around the loops."""
    guide = GUIDES[fmt]
    if fmt == "837p":
        claim = [f"CLM*PAT1*{claim_total}***11:B:1*Y*A*Y*Y", "HI*ABK:G35"]
        subscriber = "SBR*P*18*******MB"
    else:
        claim = [
            f"CLM*PAT1*{claim_total}***13:A:1**A*Y*Y",
            "DTP*434*RD8*20260501-20260501",
            "CL1*1*1*01",
            "HI*ABK:G35",
            "NM1*71*1*SMITH*ANN****XX*1234567893",
        ]
        subscriber = "SBR*P*18*******MA"
    transaction = [
        f"ST*837*0001*{guide}",
        "BHT*0019*00*0001*20260501*1030*CH",
        "NM1*41*2*INFUSION CENTER*****46*SUB1",
        "PER*IC*BILLING*TE*5555551212",
        "NM1*40*2*PAYER*****46*REC1",
        "HL*1**20*1",
        "NM1*85*2*INFUSION CENTER*****XX*1234567893",
        "N3*1 MAIN ST",
        "N4*ANYTOWN*NY*123451234",
        "REF*EI*123456789",
        "HL*2*1*22*0",
        subscriber,
        "NM1*IL*1*DOE*JANE****MI*1EG4TE5MK72",
        "N3*2 MAIN ST",
        "N4*ANYTOWN*NY*123451234",
        "DMG*D8*19700101*F",
        "NM1*PR*2*MEDICARE*****PI*12345",
        *claim,
    ]
    transaction = [segment + "~" for segment in transaction] + service_lines.strip().splitlines()
    transaction.append(f"SE*{len(transaction) + 1}*0001~")
    head = [
        "ISA*00*          *00*          *ZZ*SUBMITTER      *ZZ*RECEIVER       "
        "*260501*1030*^*00501*000000001*0*T*:~",
        f"GS*HC*SUBMITTER*RECEIVER*20260501*1030*1*X*{guide}~",
    ]
    return "\n".join(head + transaction + ["GE*1*1~", "IEA*1*000000001~"]) + "\n"


def validate(x12: str) -> tuple[bool, list[str]]:
    """pyx12's verdict and the errors it logged."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("pyx12")
    handler = Collect(level=logging.ERROR)
    logger.addHandler(handler)
    try:
        ok = pyx12_document.x12n_document(
            param=pyx12.params.params(),
            src_file=io.StringIO(x12),
            fd_997=io.StringIO(),
            fd_html=None,
            fd_xmldoc=None,
        )
    finally:
        logger.removeHandler(handler)
    return bool(ok), messages


def calc_for(dose: str, **kwargs: Any) -> Calculation:
    return calculate(packaged_catalog(), CalcRequest(dose, **kwargs))


def test_837p_loop_for_a_full_vial_is_the_documented_segments() -> None:
    text = export(calc_for("300 mg"), "837p", CHARGES, when=WHEN)
    assert text.splitlines() == [
        "LX*1~",
        "SV1*HC:J2323:JZ*1200.00*UN*300***1~",
        "DTP*472*D8*20260501~",
        "LIN**N4*64406000801~",
        "CTP****15*ML~",
    ]


def test_837i_uses_sv2_with_revenue_code_0636() -> None:
    text = export(calc_for("250 mg"), "837i", CHARGES, when=WHEN)
    assert "SV2*0636*HC:J2323*1000.00*UN*250~" in text.splitlines()
    assert "SV2*0636*HC:J2323:JW*200.00*UN*50~" in text.splitlines()
    assert text.count("LIN**N4*64406000801~") == 2 and "CTP****2.5*ML~" in text


@pytest.mark.parametrize("fmt", ["837p", "837i"])
@pytest.mark.parametrize("dose", ["300 mg", "250 mg"])
def test_the_export_inside_a_minimal_envelope_passes_pyx12(fmt: str, dose: str) -> None:
    calc = calc_for(dose)
    charges = (
        Decimal("4.00") * calc.billing.administered_units
        + Decimal("4.00") * calc.billing.discarded_units
    )
    total = f"{charges:.2f}"
    ok, errors = validate(envelope(export(calc, fmt, CHARGES, when=WHEN), fmt, total))
    assert ok, errors
    assert errors == []


def test_a_bad_unit_qualifier_fails_pyx12() -> None:
    good = export(calc_for("300 mg"), "837p", CHARGES, when=WHEN)
    ok, errors = validate(envelope(good.replace("*15*ML~", "*15*XX~"), "837p", "1200.00"))
    assert not ok
    assert any("CTP05" in message for message in errors), errors


def test_a_missing_charge_is_left_empty_so_the_claim_cannot_pass_unnoticed() -> None:
    result = render(calc_for("300 mg"), "837p", ExportSettings(), when=WHEN)
    assert "SV1*HC:J2323:JZ**UN*300***1~" in result.text.splitlines()
    assert [notice.code for notice in result.notices] == ["CHARGE_MISSING"]
    ok, errors = validate(envelope(result.text, "837p", "1200.00"))
    assert not ok and any("SV102" in message for message in errors), errors


def test_a_line_without_an_ndc_has_no_lin_segment() -> None:
    result = render(
        calc_for("300 mg", drug="tyruko"),
        "837p",
        ExportSettings(charges={"Q5134": Decimal("4.00")}),
        when=WHEN,
    )
    assert "LIN" not in result.text and "CTP" not in result.text
    assert [notice.code for notice in result.notices] == ["NDC_MISSING"]
    ok, errors = validate(envelope(result.text, "837p", "1200.00"))
    assert ok, errors  # valid X12; the notice is what tells the biller the NDC is still to add
