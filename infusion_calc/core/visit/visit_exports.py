"""A visit's claim in the billers' formats: every drug line (each drug's lines as `calc --format`
writes them, exports/lines.py) then the administration lines, numbered as one claim.

The per-line writers are the single-drug exporters' own (x12.loop, the CMS-1500/UB-04 table, the
CSV columns); only the numbering across drugs and the administration lines are added here.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import datetime, time

from infusion_calc.core.exports import Export
from infusion_calc.core.exports.cms1500 import NO_CHARGE, NO_NDC
from infusion_calc.core.exports.csv_lines import COLUMNS
from infusion_calc.core.exports.lines import (
    CHARGE_MISSING,
    REVENUE_CODE,
    ExportError,
    ExportLine,
    money,
    ndc_field,
    prepare,
    quantity,
)
from infusion_calc.core.exports.noc import noc_description
from infusion_calc.core.exports.table import table
from infusion_calc.core.exports.x12 import COMPONENT, loop, segment
from infusion_calc.core.pipeline.site_config import ExportSettings
from infusion_calc.core.record.csv_out import CsvWriter
from infusion_calc.core.record.notices import Notice, NoticeSpec
from infusion_calc.core.record.safe_text import json_safe, terminal_safe
from infusion_calc.core.visit.visit import VisitResult
from infusion_calc.core.words.labels import code_for_claims

ADMIN_REVENUE_CODE = (
    "0260"  # NUBC 026X IV therapy; a site may bill chemotherapy administration under 033X
)
ADMIN_REVENUE = NoticeSpec(
    "ADMIN_REVENUE_CODE",
    "export",
    "administration lines on an institutional claim carry revenue code 0260: confirm it",
)


class _Line:
    """One claim line of the visit: an ExportLine,
    the NOC description of its drug, and its moment."""

    def __init__(
        self, line: ExportLine, description: str | None, when: datetime, administration: bool
    ) -> None:
        self.line, self.description, self.when, self.administration = (
            line,
            description,
            when,
            administration,
        )


def _moment(result: VisitResult, clock: str | None) -> datetime:
    hours, minutes = (int(part) for part in (clock or "00:00").split(":"))
    return datetime.combine(result.service_date, time(hours, minutes)).astimezone()


def claim_lines(result: VisitResult, settings: ExportSettings) -> tuple[list[_Line], list[Notice]]:
    """Drug lines in time order of their administration,
    then the administration lines; numbered 1..n."""
    out: list[_Line] = []
    notices: list[Notice] = []
    first_start = None
    for item in result.administrations:
        first_start = first_start or item.spec.text("start")
        if item.drug is None:
            continue
        lines, found = prepare(item.drug.calc, settings)
        notices += found
        when = _moment(result, item.spec.text("start"))
        out += [_Line(line, noc_description(item.drug.calc), when, False) for line in lines]
    uncharged: set[str] = set()
    for admin in result.codes.lines:
        rate = settings.charge_per_unit(admin.code)
        if rate is None and admin.code not in uncharged:
            uncharged.add(admin.code)
            notices.append(
                CHARGE_MISSING(
                    f"No charge for {admin.code} in the site chargemaster: "
                    "the charge is left blank."
                )
            )
        line = ExportLine(
            admin.code,
            admin.modifiers,
            admin.units,
            None,
            None,
            None,
            number=0,
            charge=rate * admin.units if rate is not None else None,
        )
        out.append(_Line(line, None, _moment(result, first_start), True))
    return [
        _Line(replace(item.line, number=number), item.description, item.when, item.administration)
        for number, item in enumerate(out, start=1)
    ], notices


def _table(result: VisitResult, fmt: str, settings: ExportSettings) -> tuple[str, list[Notice]]:
    lines, notices = claim_lines(result, settings)
    spacing = settings.rules.ndc_spacing
    charge = [
        money(item.line.charge) if item.line.charge is not None else NO_CHARGE for item in lines
    ]
    if fmt == "cms1500":
        rows: list[tuple[str, ...]] = [
            (
                str(item.line.number),
                ndc_field(item.line, spacing) or ("" if item.administration else NO_NDC),
                code_for_claims(item.line.hcpcs, item.line.modifiers),
                cost,
                str(item.line.units),
            )
            for item, cost in zip(lines, charge, strict=True)
        ]
        return table(
            ("Line", "24A shaded (NDC)", "24D code, modifiers", "24F charges", "24G units"),
            rows,
            right=(3, 4),
        ), notices
    rows = [
        (
            str(item.line.number),
            ADMIN_REVENUE_CODE if item.administration else REVENUE_CODE,
            ""
            if item.administration
            else " ".join(
                filter(None, (ndc_field(item.line, spacing) or NO_NDC, item.description))
            ),
            code_for_claims(item.line.hcpcs, item.line.modifiers),
            str(item.line.units),
            cost,
        )
        for item, cost in zip(lines, charge, strict=True)
    ]
    if any(item.administration for item in lines):
        notices.append(
            ADMIN_REVENUE(
                "Administration lines carry revenue code 0260 (IV therapy): a site that bills "
                "chemotherapy administration under 0335 changes FL42 for those lines."
            )
        )
    header = ("Line", "FL42", "FL43 description (NDC)", "FL44 HCPCS", "FL46 units", "FL47 charges")
    return table(header, rows, right=(4, 5)), notices


def _x12(result: VisitResult, fmt: str, settings: ExportSettings) -> tuple[str, list[Notice]]:
    lines, notices = claim_lines(result, settings)
    segments: list[str] = []
    for item in lines:
        if item.administration and fmt == "837i":
            line = item.line
            procedure = COMPONENT.join(("HC", line.hcpcs, *line.modifiers))
            charge = money(line.charge) if line.charge is not None else ""
            segments += [
                segment("LX", str(line.number)),
                segment("SV2", ADMIN_REVENUE_CODE, procedure, charge, "UN", str(line.units)),
                segment("DTP", "472", "D8", item.when.strftime("%Y%m%d")),
            ]
        else:
            segments += loop(item.line, fmt, item.when, item.description)
    return "\n".join(segments) + "\n", notices


def _csv(result: VisitResult, settings: ExportSettings) -> tuple[str, list[Notice]]:
    lines, notices = claim_lines(result, settings)
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow(COLUMNS)
    for item in lines:
        line = item.line
        writer.writerow(
            (
                line.number,
                line.hcpcs,
                " ".join(line.modifiers),
                line.units,
                line.ndc or "",
                line.ndc_unit or "",
                quantity(line.ndc_quantity) if line.ndc_quantity is not None else "",
                money(line.charge) if line.charge is not None else "",
            )
        )
    return buffer.getvalue(), notices


def _fhir(result: VisitResult) -> str:
    """A collection Bundle: each drug's MedicationAdministration,
    then one Procedure per administration line."""
    from infusion_calc.core.exports.fhir import (
        build,
    )  # fhir.resources (pydantic models): only a FHIR export pays

    entries = [
        {
            "resource": json.loads(
                build(item.drug.calc, _moment(result, item.spec.text("start"))).model_dump_json()
            )
        }
        for item in result.administrations
        if item.drug is not None
    ]
    day = result.service_date.isoformat()
    entries += [
        {
            "resource": {
                "resourceType": "Procedure",
                "status": "completed",
                "code": {
                    "coding": [{"system": "http://www.ama-assn.org/go/cpt", "code": line.code}]
                },
                "performedDateTime": day,
                "note": [
                    {
                        "text": f"units: {line.units}"
                        + (f"; modifiers: {' '.join(line.modifiers)}" if line.modifiers else "")
                    }
                ],
            }
        }
        for line in result.codes.lines
    ]
    return (
        json.dumps(
            {"resourceType": "Bundle", "type": "collection", "entry": entries},
            ensure_ascii=False,
            indent=2,
        )
        + "\n"
    )


def render_visit(result: VisitResult, fmt: str, settings: ExportSettings | None = None) -> Export:
    """The visit's claim in `fmt` (cms1500, ub04, 837p, 837i, fhir, csv)."""
    settings = settings or ExportSettings()
    notices: list[Notice] = []
    if fmt in ("cms1500", "ub04"):
        text, notices = _table(result, fmt, settings)
    elif fmt in ("837p", "837i"):
        text, notices = _x12(result, fmt, settings)
    elif fmt == "csv":
        text, notices = _csv(result, settings)
    elif fmt == "fhir":
        text = json_safe(_fhir(result))
    else:
        raise ExportError(
            f"'{fmt}' is not a visit export format; choose cms1500, ub04, 837p, 837i, fhir or csv."
        )
    if fmt not in ("csv", "fhir"):
        text = terminal_safe(text)
    return Export(text, tuple(notice.reworded(terminal_safe(notice.message)) for notice in notices))
