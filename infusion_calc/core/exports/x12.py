"""X12 005010 service-line loops for the 837P (SV1) and the 837I (SV2), one loop per claim line.

Loop 2400: LX (line number), SV1 or SV2, DTP*472 (service date); loop 2410 (drug
identification, X12 RFI 2151): LIN with N4 and the 11-digit NDC, CTP with the NDC
quantity and its unit. These are the segments a biller adds to a claim; the
envelope (ISA/GS/ST, provider, subscriber, CLM) belongs to the billing system.
A line without a verified NDC gets no LIN/CTP (the biller adds them from the carton),
and a code without a charge leaves SV102/SV203 empty: never an invented number. A
not-otherwise-classified code (J3490, J3590, J9999) carries the drug's name, dose and
route in SV101-7 / SV202-7 (exports/noc.py).
"""

from __future__ import annotations

from datetime import date

from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.exports.lines import REVENUE_CODE, ExportLine, money, prepare, quantity
from infusion_calc.core.exports.noc import noc_description
from infusion_calc.core.pipeline.site_config import ExportSettings
from infusion_calc.core.record.notices import Notice

ELEMENT = "*"
COMPONENT = ":"
TERMINATOR = "~"
DIAGNOSIS_POINTER = "1"  # SV107: the line points at the claim's first diagnosis (HI)


def segment(*elements: str) -> str:
    """'SV1', 'HC:J2323', '' ... -> 'SV1*HC:J2323~', trailing empty elements dropped."""
    parts = list(elements)
    while parts and parts[-1] == "":
        parts.pop()
    return ELEMENT.join(parts) + TERMINATOR


MODIFIER_SLOTS = 4  # SV101-3..6 / SV202-3..6; the description is component 7


def _procedure(line: ExportLine, description: str | None) -> str:
    if description is None:
        return COMPONENT.join(("HC", line.hcpcs, *line.modifiers))
    modifiers = (*line.modifiers, *[""] * (MODIFIER_SLOTS - len(line.modifiers)))
    return COMPONENT.join(("HC", line.hcpcs, *modifiers, description))


def _charge(line: ExportLine) -> str:
    return money(line.charge) if line.charge is not None else ""


def _service(line: ExportLine, fmt: str, description: str | None) -> str:
    procedure = _procedure(line, description)
    if fmt == "837p":
        return segment(
            "SV1", procedure, _charge(line), "UN", str(line.units), "", "", DIAGNOSIS_POINTER
        )
    return segment("SV2", REVENUE_CODE, procedure, _charge(line), "UN", str(line.units))


def loop(line: ExportLine, fmt: str, when: date, description: str | None = None) -> list[str]:
    """Loop 2400 (and 2410 when the NDC is known) for one claim line;
    `description` for a NOC code."""
    segments = [
        segment("LX", str(line.number)),
        _service(line, fmt, description),
        segment("DTP", "472", "D8", when.strftime("%Y%m%d")),
    ]
    if line.ndc is not None and line.ndc_unit is not None and line.ndc_quantity is not None:
        segments.append(segment("LIN", "", "N4", line.ndc))
        segments.append(segment("CTP", "", "", "", quantity(line.ndc_quantity), line.ndc_unit))
    return segments


def service_segments(
    calc: Calculation, fmt: str, settings: ExportSettings, when: date
) -> tuple[list[str], tuple[Notice, ...]]:
    description = noc_description(
        calc
    )  # SV101-7 / SV202-7: required for a not-otherwise-classified code
    lines, notices = prepare(calc, settings)
    return [text for line in lines for text in loop(line, fmt, when, description)], notices


def write(
    calc: Calculation, fmt: str, settings: ExportSettings, when: date
) -> tuple[str, tuple[Notice, ...]]:
    segments, notices = service_segments(calc, fmt, settings, when)
    return "\n".join(segments) + "\n", notices
