"""Claim lines as CSV: one row per line, a header row, money and quantities as exact text.

Written by core/record/csv_out.py, like every CSV the project writes.
"""

from __future__ import annotations

import io
from datetime import datetime

from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.exports.lines import money, prepare, quantity
from infusion_calc.core.pipeline.site_config import ExportSettings
from infusion_calc.core.record.csv_out import CsvWriter
from infusion_calc.core.record.notices import Notice

COLUMNS = ("line", "hcpcs", "modifiers", "units", "ndc", "ndc_unit", "ndc_quantity", "charge")


def write(
    calc: Calculation, fmt: str, settings: ExportSettings, when: datetime
) -> tuple[str, tuple[Notice, ...]]:
    lines, notices = prepare(calc, settings)
    buffer = io.StringIO()
    writer = CsvWriter(buffer)  # formula-like cells neutralised, CR/LF cells quoted
    writer.writerow(COLUMNS)
    for line in lines:
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
