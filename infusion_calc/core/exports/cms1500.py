"""CMS-1500 (02/12) item 24, one row per claim line (NUCC's layout of item 24).

24A shaded: N4, the 11-digit NDC, the payer's spacing, unit qualifier, quantity.
24D: HCPCS and modifiers. 24F: charges. 24G: units (whole HCPCS billing units).
Item 19, for a not-otherwise-classified code: the drug's name and dose (exports/noc.py).
"""

from __future__ import annotations

from datetime import datetime

from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.exports.lines import money, ndc_field, prepare
from infusion_calc.core.exports.noc import noc_description
from infusion_calc.core.exports.table import table
from infusion_calc.core.pipeline.site_config import ExportSettings
from infusion_calc.core.record.notices import Notice
from infusion_calc.core.words.labels import code_for_claims

NO_NDC = "(NDC from carton)"
NO_CHARGE = "(not in CDM)"


def write(
    calc: Calculation, fmt: str, settings: ExportSettings, when: datetime
) -> tuple[str, tuple[Notice, ...]]:
    description = noc_description(calc)
    lines, notices = prepare(calc, settings)
    rows = [
        (
            str(line.number),
            ndc_field(line, settings.rules.ndc_spacing) or NO_NDC,
            code_for_claims(line.hcpcs, line.modifiers),
            money(line.charge) if line.charge is not None else NO_CHARGE,
            str(line.units),
        )
        for line in lines
    ]
    header = ("Line", "24A shaded (NDC)", "24D code, modifiers", "24F charges", "24G units")
    text = table(header, rows, right=(3, 4))
    if description is not None:  # CMS: item 19 carries the name and dosage of a NOC drug
        text += f"Item 19 (not otherwise classified {calc.drug.hcpcs}): {description}\n"
    return text, notices
