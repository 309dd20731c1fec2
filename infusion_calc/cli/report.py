"""`infusion-calc report`: waste and revenue from the
administration log, per drug and month, with what-ifs.

Thin: the log layer reads the entries as records (log/report_source.py), the core sums
them (core/report/report.py), infusion_calc/report/ draws them. matplotlib is imported only for
`--format html` and `png`.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infusion_calc.cli.common import describe_input_error, fail
from infusion_calc.cli.exits import one_line
from infusion_calc.cli.log_export import is_part_of_the_log
from infusion_calc.cli.options import CommandOptions
from infusion_calc.core.calculation.engine import parse_rounding_threshold
from infusion_calc.core.errors import InputError, SiteConfigError
from infusion_calc.core.record.safe_text import json_safe
from infusion_calc.core.report.report import Filters, Period, last_full_month
from infusion_calc.log import LogError
from infusion_calc.report.load import report_for
from infusion_calc.report.tables import write_csv
from infusion_calc.report.text import report_text

if TYPE_CHECKING:
    from infusion_calc.log.location import LogLocation

FORMATS = ("text", "json", "csv", "html", "png")


def _day(text: str) -> date:
    try:
        if len(text.strip()) != 10:
            raise ValueError
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-01-31"
        ) from None


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "report",
        help=(
            "waste and revenue from the administration log: per drug and month, risks and what-ifs"
        ),
        description="Waste and revenue from the administration log: per drug and per month, "
        "administrations, units given and discarded, the waste share, what the JW lines "
        "recovered, JZ attestations, the risks, and what-ifs (never applied). No patient "
        "identifier is shown.",
    )
    parser.add_argument(
        "--from",
        dest="first",
        type=_day,
        metavar="DATE",
        help="first day (YYYY-MM-DD); default: the last full month",
    )
    parser.add_argument(
        "--to",
        dest="last",
        type=_day,
        metavar="DATE",
        help=(
            "last day, included (YYYY-MM-DD); default: today "
            "with --from, else the last full month's end"
        ),
    )
    parser.add_argument(
        "--drug", metavar="DRUG", help="one drug: its HCPCS code or part of its name"
    )
    parser.add_argument(
        "--payer",
        metavar="PAYER",
        help="one payer type as saved with the encounter (e.g. medicare)",
    )
    parser.add_argument(
        "--round-within",
        metavar="PERCENT",
        help=(
            "whole-vial rounding threshold for the what-if; "
            "default: the site's [dosing] round_within"
        ),
    )
    parser.add_argument(
        "--details", action="store_true", help="list every entry each figure comes from"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text (default), json, csv, html or png (the charts)",
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="write to FILE (created readable by you only) instead of standard output",
    )
    parser.set_defaults(run=run_report)


@dataclass(frozen=True, kw_only=True)
class ReportOptions(CommandOptions):
    """`report`'s options (see `register` for their help)."""

    first: date | None = None
    last: date | None = None
    drug: str | None = None
    payer: str | None = None
    round_within: str | None = None
    details: bool = False
    format: str = "text"
    out: str | None = None


def _period(options: ReportOptions) -> Period:
    first, last = options.first, options.last
    if last is not None:  # --to alone starts on the first of its month
        return Period(first or last.replace(day=1), last)
    if first is not None:  # --from alone runs to today
        return Period(first, date.today())
    return last_full_month(date.today())


def _threshold(options: ReportOptions, context: Any) -> Decimal | None:
    text = options.round_within if options.round_within is not None else context.rounding_policy
    return parse_rounding_threshold(text)


def build(options: ReportOptions) -> tuple[dict[str, Any], int]:
    """The contract dictionary for the options, and how many entries could not be read."""
    context = options.context
    report, skipped, notices = report_for(
        context,
        _period(options),
        Filters(options.drug, options.payer),
        _threshold(options, context),
        options.details,
    )
    for notice in notices:
        sys.stderr.write(f"warning: {notice}\n")
    return report, skipped


def rendered(report: dict[str, Any], fmt: str, skipped: int) -> str | bytes:
    if fmt == "json":
        return json_safe(json.dumps(report, ensure_ascii=False, indent=2)) + "\n"
    if fmt == "csv":
        stream = io.StringIO()
        write_csv(report, stream)
        return stream.getvalue()
    if fmt == "html":
        from infusion_calc.report.page import (
            report_html,
        )  # lazy: matplotlib, never for json or text (test_report_imports)

        return report_html(report)
    if fmt == "png":
        from infusion_calc.report.charts import (
            charts_png,
        )  # lazy: matplotlib, never for json or text

        return charts_png(report)
    return "\n".join(one_line(line) for line in report_text(report, skipped).split("\n"))


def _write(target: Path, content: str | bytes, log_path: LogLocation) -> int:
    if isinstance(log_path, Path) and is_part_of_the_log(
        target, log_path
    ):  # a center log is no file here
        return fail("--out: that is the log file itself (or its journal); choose another file name")
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(descriptor, "wb") as stream:
            stream.write(content.encode("utf-8") if isinstance(content, str) else content)
    except OSError as error:
        return fail(f"--out: cannot write {target} ({error.strerror})")
    return 0


def run_report(namespace: argparse.Namespace) -> int:
    options = ReportOptions.read(namespace)
    if options.first and options.last and options.first > options.last:
        return fail(
            f"--from {options.first} is after --to {options.last}: give the earlier day first"
        )
    if options.format == "png" and options.out is None:
        return fail("--format png draws an image: give --out FILE (e.g. --out report.png)")
    try:
        report, skipped = build(options)
    except InputError as error:
        return fail(describe_input_error(error))
    except (LogError, SiteConfigError) as error:
        return fail(str(error))
    content = rendered(report, options.format, skipped)
    if skipped and options.format != "text":
        sys.stderr.write(f"warning: {skipped} log entries could not be read and are left out\n")
    if options.out is not None:
        return _write(Path(options.out), content, options.context.log_path)
    assert isinstance(content, str)  # png is refused without --out above
    sys.stdout.write(content)
    return 0
