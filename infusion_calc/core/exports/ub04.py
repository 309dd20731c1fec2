"""UB-04 / CMS-1450 service lines, form locators 42-47.

FL42 revenue code 0636; FL43 the NDC in N4 form (same spacing rule as 24A), then, for a
not-otherwise-classified code, the drug's name and dose (exports/noc.py); FL44 HCPCS
and modifiers; FL46 service units; FL47 total charges.
"""

from __future__ import annotations

from datetime import datetime

from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.exports.cms1500 import NO_CHARGE, NO_NDC
from infusion_calc.core.exports.lines import REVENUE_CODE, money, ndc_field, prepare
from infusion_calc.core.exports.noc import noc_description
from infusion_calc.core.exports.table import table
from infusion_calc.core.pipeline.site_config import ExportSettings
from infusion_calc.core.record.notices import Notice
from infusion_calc.core.words.labels import code_for_claims


def write(
    calc: Calculation, fmt: str, settings: ExportSettings, when: datetime
) -> tuple[str, tuple[Notice, ...]]:
    description = noc_description(calc)  # a NOC code's FL43 also names the drug and dose
    lines, notices = prepare(calc, settings)
    rows = [
        (
            str(line.number),
            REVENUE_CODE,
            " ".join(
                part
                for part in (ndc_field(line, settings.rules.ndc_spacing) or NO_NDC, description)
                if part
            ),
            code_for_claims(line.hcpcs, line.modifiers),
            str(line.units),
            money(line.charge) if line.charge is not None else NO_CHARGE,
        )
        for line in lines
    ]
    header = ("Line", "FL42", "FL43 description (NDC)", "FL44 HCPCS", "FL46 units", "FL47 charges")
    return table(header, rows, right=(4, 5)), notices
