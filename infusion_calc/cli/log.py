"""`infusion-calc log`: list, show and export the administration log (see infusion_calc/log/).

Everything streams row by row from the log (a SQLite file, or a center's
PostgreSQL log), so `log list --all` and `log export` start printing at once and
stay in flat memory on a log of a million rows. `log show` is in log_show.py,
`log export` in log_export.py, what every action shares in log_common.py.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from infusion_calc.cli.common import fail
from infusion_calc.cli.exits import one_line
from infusion_calc.cli.log_common import guarded, local_time, open_log
from infusion_calc.cli.options import CommandOptions
from infusion_calc.log import LogError, default_log_path
from infusion_calc.log.location import CenterLog, center_log, workstation_name

if TYPE_CHECKING:  # `log path` loads no reader
    from infusion_calc.log import Summary

LARGEST_ID = 2**63 - 1
"""SQLite's largest row id: no entry number is above it, and a bigger one overflows the query."""
LARGEST_LIMIT = 1_000_000_000
EXPORT_CHUNK = 500


def _whole_number(text: str, largest: int) -> int | None:
    """The number typed, when it is plain digits (no other script's digits) from 1 to `largest`."""
    digits = text.strip()
    if not re.fullmatch(r"[0-9]{1,19}", digits) or not 1 <= int(digits) <= largest:
        return None
    return int(digits)


def _entry_id(text: str) -> int:
    number = _whole_number(text, LARGEST_ID)
    if number is None:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not an entry number; give one that 'infusion-calc log list' shows, "
            f"such as 12 (at most {LARGEST_ID})"
        )
    return number


def _limit(text: str) -> int:
    number = _whole_number(text, LARGEST_LIMIT)
    if number is None:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a count; give a whole number from "
            f"1 to {LARGEST_LIMIT:,}, such as 20, or use --all"
        )
    return number


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "log",
        help="the administration log: list, show and export calculations saved with --save",
        description=(
            "The administration log: calculations saved with "
            "'infusion-calc calc ... --save' (or the app's save)."
        ),
    )
    actions = parser.add_subparsers(dest="log_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the most recent entries, oldest first")
    count = listing.add_mutually_exclusive_group()
    count.add_argument(
        "--limit", type=_limit, default=20, metavar="N", help="how many recent entries (default 20)"
    )
    count.add_argument("--all", action="store_true", help="every entry, streamed")
    listing.set_defaults(run=run_list)

    show = actions.add_parser("show", help="everything saved for one entry")
    show.add_argument("id", type=_entry_id, metavar="ID", help="the entry number from 'log list'")
    show.add_argument("--json", action="store_true", help="print the stored record as JSON")
    show.set_defaults(run=run_show)

    export = actions.add_parser(
        "export",
        help="the whole log as CSV (one row per claim line) or JSON Lines (one object per entry)",
    )
    export.add_argument(
        "--format",
        choices=("csv", "json"),
        default="csv",
        help="csv (default) or json (JSON Lines)",
    )
    export.add_argument(
        "--out",
        metavar="FILE",
        help="write to FILE (created readable by you only) instead of standard output",
    )
    export.set_defaults(run=run_export)

    where = actions.add_parser("path", help="print where the log file is (or the center log's URL)")
    where.set_defaults(run=run_path)

    migrate = actions.add_parser(
        "migrate",
        help="copy this workstation's log into a center's PostgreSQL log (safe to run again)",
        description="Copy this workstation's SQLite log into a center log, creating or updating "
        "its tables first. Entries already there (by their identifier) are not copied again. The "
        "password comes from PGPASSWORD, ~/.pgpass or a service file, never from the URL.",
    )
    migrate.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="the center log, e.g. postgresql://loghost/infusions",
    )
    migrate.add_argument(
        "--from",
        dest="source",
        metavar="FILE",
        help="the SQLite log to copy (default: this workstation's)",
    )
    migrate.set_defaults(run=run_migrate)


def run_show(options: argparse.Namespace) -> int:
    # lazy: `log list` and `log path` start without the renderers `log show` needs
    from infusion_calc.cli.log_show import run_show as show

    return show(options)


def run_export(options: argparse.Namespace) -> int:
    # lazy: as above, for the export's writers
    from infusion_calc.cli.log_export import run_export as export

    return export(options)


def run_path(namespace: argparse.Namespace) -> int:
    location = CommandOptions.read(
        namespace
    ).context.log_path  # where the log is, without opening it
    try:
        sys.stdout.write(f"{location.checked() if isinstance(location, CenterLog) else location}\n")
    except LogError as error:
        return fail(str(error))
    return 0


@dataclass(frozen=True, kw_only=True)
class MigrateOptions(CommandOptions):
    """`log migrate`'s options: the center log's URL and the SQLite log to copy."""

    to: str
    source: str | None = None


def run_migrate(namespace: argparse.Namespace) -> int:
    options = MigrateOptions.read(namespace)
    from infusion_calc.log.migrate import (
        copy_log,
    )  # lazy: ~35 ms (the record, hashes) `log list` and `log path` skip

    source = Path(options.source) if options.source else default_log_path()
    try:
        target = center_log(options.to, "--to")
        context = options.context
        workstation = workstation_name(
            context.site_config.log.workstation if context.has_site_config else None
        )
        copied = copy_log(source, target, workstation)
    except LogError as error:
        return fail(str(error))
    sys.stdout.write(
        f"Copied {copied.entries} entries from {source} to {target}; "
        f"{copied.already_there} were there already.\n"
    )
    return 0


def _corrections(summary: Summary) -> str:
    """'  (corrects #3)', '  (corrected by #9)': the chain, one link each way."""
    marks = ([f"corrects #{summary.corrects}"] if summary.corrects is not None else []) + (
        [f"corrected by #{summary.corrected_by}"] if summary.corrected_by is not None else []
    )
    return f"  ({'; '.join(marks)})" if marks else ""


@dataclass(frozen=True, kw_only=True)
class LogListOptions(CommandOptions):
    """`log list`'s options: how many recent entries, or all of them."""

    limit: int = 20
    all: bool = False


def run_list(namespace: argparse.Namespace) -> int:
    options = LogListOptions.read(namespace)

    def action() -> int:
        log = open_log(options)
        printed = 0
        for summary in log.recent(None if options.all else options.limit):
            if not printed:
                sys.stdout.write(
                    f"{'ID':>7}  {'Saved':<16}  {'Drug':<28}  {'Dose':<12}  Claim lines\n"
                )
            patient = (
                f"  (patient {summary.patient_id})" if summary.patient_id else ""
            ) + _corrections(summary)
            sys.stdout.write(
                one_line(
                    f"{summary.id:>7}  {local_time(summary.saved_at):<16}  {summary.drug:<28}  "
                    f"{summary.dose:<12}  {summary.lines}{patient}"
                )
                + "\n"
            )
            printed += 1
        if not printed:
            sys.stdout.write(
                f"The administration log is empty ({log.path}). Save a calculation with "
                "'infusion-calc calc ... --save'.\n"
            )
        return 0

    return guarded(options, action)
