"""The report over a context's log and catalog:
what `infusion-calc report` and the app's report screen both call."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from infusion_calc.core.report.report import Filters, Period, build_report, report_to_dict
from infusion_calc.loading import Context
from infusion_calc.log import AdministrationLog
from infusion_calc.log.report_source import catalog_strengths, read_records


def report_for(
    context: Context,
    period: Period,
    filters: Filters | None = None,
    round_within: Decimal | None = None,
    details: bool = False,
) -> tuple[dict[str, Any], int, list[str]]:
    """(the contract dictionary, how many entries could not be read,
    what reading the log had to say)."""
    filters = filters or Filters()
    catalog = context.catalog
    log = AdministrationLog(context.log_path)
    skipped: list[int] = []
    report = build_report(
        read_records(log, catalog, skipped),
        period,
        filters=filters,
        round_within=round_within,
        catalog_strengths=catalog_strengths(catalog),
        details=details,
    )
    return report_to_dict(report), len(skipped), list(log.notices)
