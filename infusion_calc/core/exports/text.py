"""Claim lines as plain text a person reads or pastes into a message."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.exports.cms1500 import NO_CHARGE, NO_NDC
from infusion_calc.core.exports.lines import money, ndc_field, prepare
from infusion_calc.core.exports.table import table
from infusion_calc.core.pipeline.site_config import ExportSettings
from infusion_calc.core.record.notices import Notice
from infusion_calc.core.words.labels import amount


def write(
    calc: Calculation, fmt: str, settings: ExportSettings, when: datetime
) -> tuple[str, tuple[Notice, ...]]:
    lines, notices = prepare(calc, settings)
    drug = calc.drug
    title = (
        f"{drug.display_name} {amount(calc.dose_mg, calc.drug.amount_unit)}: "
        f"{drug.hcpcs} {drug.descriptor}"
    )
    rows = [
        (
            line.code,
            str(line.units),
            # The claim syntax, spaced as this payer's form wants it: what the biller keys in.
            ndc_field(line, settings.rules.ndc_spacing) or NO_NDC,
            money(line.charge) if line.charge is not None else NO_CHARGE,
        )
        for line in lines
    ]
    out = title + "\n" + table(("Code", "Units", "NDC", "Charge"), rows, right=(1, 3))
    charges = [line.charge for line in lines if line.charge is not None]
    if lines and len(charges) == len(lines):  # a total only when every line has its charge
        out += f"Total charge {money(sum(charges, Decimal(0)))}\n"
    return out, notices
