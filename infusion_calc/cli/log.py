"""`infusion-calc log`: list, show and export the administration log (see infusion_calc/log/).

Everything streams row by row from the log (a SQLite file, or a center's PostgreSQL log), so `log list --all` and `log export`
start printing at once and stay in flat memory on a log of a million rows.
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import re
import sys
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from infusion_calc.cli.common import fail
from infusion_calc.core.errors import InputError
from infusion_calc.loading import context_for

if TYPE_CHECKING:
    from decimal import Decimal

    from infusion_calc.log import AdministrationLog
    from infusion_calc.log.reader import Summary

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
            f"'{text}' is not an entry number; give one that 'infusion-calc log list' shows, such as 12 (at most {LARGEST_ID})"
        )
    return number


def _limit(text: str) -> int:
    number = _whole_number(text, LARGEST_LIMIT)
    if number is None:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a count; give a whole number from 1 to {LARGEST_LIMIT:,}, such as 20, or use --all"
        )
    return number


def _shown(text: str) -> str:
    """`text` safe to print on a terminal: control and invisible characters written as escapes.

    New saves refuse them, but a log written by an older version, or edited, may hold
    them, and an escape sequence printed raw could rewrite the screen.
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii") for char in text)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "log",
        help="the administration log: list, show and export calculations saved with --save",
        description="The administration log: calculations saved with 'infusion-calc calc ... --save' (or the app's save).",
    )
    actions = parser.add_subparsers(dest="log_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the most recent entries, oldest first")
    count = listing.add_mutually_exclusive_group()
    count.add_argument("--limit", type=_limit, default=20, metavar="N", help="how many recent entries (default 20)")
    count.add_argument("--all", action="store_true", help="every entry, streamed")
    listing.set_defaults(run=run_list)

    show = actions.add_parser("show", help="everything saved for one entry")
    show.add_argument("id", type=_entry_id, metavar="ID", help="the entry number from 'log list'")
    show.add_argument("--json", action="store_true", help="print the stored record as JSON")
    show.set_defaults(run=run_show)

    export = actions.add_parser("export", help="the whole log as CSV (one row per claim line) or JSON Lines (one object per entry)")
    export.add_argument("--format", choices=("csv", "json"), default="csv", help="csv (default) or json (JSON Lines)")
    export.add_argument("--out", metavar="FILE", help="write to FILE (created readable by you only) instead of standard output")
    export.set_defaults(run=run_export)

    where = actions.add_parser("path", help="print where the log file is (or the center log's URL)")
    where.set_defaults(run=run_path)

    migrate = actions.add_parser(
        "migrate", help="copy this workstation's log into a center's PostgreSQL log (safe to run again)",
        description="Copy this workstation's SQLite log into a center log, creating or updating its tables first. "
        "Entries already there (by their identifier) are not copied again. The password comes from PGPASSWORD, "
        "~/.pgpass or a service file, never from the URL.",
    )
    migrate.add_argument("--to", required=True, metavar="URL", help="the center log, e.g. postgresql://loghost/infusions")
    migrate.add_argument("--from", dest="source", metavar="FILE", help="the SQLite log to copy (default: this workstation's)")
    migrate.set_defaults(run=run_migrate)


_current: list[AdministrationLog] = []
"""The log the running command reads (set by `_guarded`), so its notices are shown once."""


def _log(options: argparse.Namespace) -> AdministrationLog:
    """The log the command's context names (`Context.log_path`: the data folder's unless it says otherwise)."""
    from infusion_calc.log import AdministrationLog

    return _current[-1] if _current else AdministrationLog(context_for(options).log_path)


def _local(saved_at: str) -> str:
    """'2026-12-06 17:43', this machine's time, from a stored '2026-12-06T16:43:12+00:00'."""
    if len(saved_at) == 25 and saved_at[16] == ":" and saved_at[19] in "+-":  # the seconds do not change the minute shown: dropped, so
        return _local_minute(saved_at[:16] + saved_at[19:])  # saves of one minute are converted once
    return _local_minute(saved_at)


@lru_cache(maxsize=1024)
def _local_minute(saved_at: str) -> str:
    return datetime.fromisoformat(saved_at).astimezone().isoformat(" ", "minutes")[:16]


def _guarded(options: argparse.Namespace, action: Callable[[], int]) -> int:
    from infusion_calc.log import LogError

    try:
        _current.append(_log(options))
    except LogError as error:  # e.g. a center log URL holding a password
        return fail(str(error))
    try:
        return action()
    except LogError as error:
        return fail(str(error))
    finally:
        for notice in _current.pop().notices:  # privacy fixed, or a read-only disk: said on stderr
            sys.stderr.write(f"warning: {notice}\n")


def run_path(options: argparse.Namespace) -> int:
    from infusion_calc.log.errors import LogError
    from infusion_calc.log.location import CenterLog

    location = context_for(options).log_path  # where the log is, without opening it
    try:
        sys.stdout.write(f"{location.checked() if isinstance(location, CenterLog) else location}\n")
    except LogError as error:
        return fail(str(error))
    return 0


def run_migrate(options: argparse.Namespace) -> int:
    from infusion_calc.loading import context_for
    from infusion_calc.log import LogError, default_log_path
    from infusion_calc.log.location import center_log, workstation_name
    from infusion_calc.log.migrate import copy_log

    source = Path(options.source) if options.source else default_log_path()
    try:
        target = center_log(options.to, "--to")
        context = context_for(options)
        workstation = workstation_name(context.site_config.log.workstation if context.has_site_config else None)
        copied = copy_log(source, target, workstation)
    except LogError as error:
        return fail(str(error))
    sys.stdout.write(
        f"Copied {copied.entries} entries from {source} to {target}; {copied.already_there} were there already.\n"
    )
    return 0


def _corrections(summary: Summary) -> str:
    """'  (corrects #3)', '  (corrected by #9)': the chain, one link each way."""
    marks = ([f"corrects #{summary.corrects}"] if summary.corrects is not None else []) + (
        [f"corrected by #{summary.corrected_by}"] if summary.corrected_by is not None else []
    )
    return f"  ({'; '.join(marks)})" if marks else ""


def run_list(options: argparse.Namespace) -> int:
    def action() -> int:
        log = _log(options)
        printed = 0
        for summary in log.recent(None if options.all else options.limit):
            if not printed:
                sys.stdout.write(f"{'ID':>7}  {'Saved':<16}  {'Drug':<28}  {'Dose':<12}  Claim lines\n")
            patient = (f"  (patient {summary.patient_id})" if summary.patient_id else "") + _corrections(summary)
            sys.stdout.write(
                _shown(f"{summary.id:>7}  {_local(summary.saved_at):<16}  {summary.drug:<28}  {summary.dose:<12}  {summary.lines}{patient}")
                + "\n"
            )
            printed += 1
        if not printed:
            sys.stdout.write(f"The administration log is empty ({log.path}). Save a calculation with 'infusion-calc calc ... --save'.\n")
        return 0

    return _guarded(options, action)


def _show_text(entry: dict[str, Any]) -> str:
    """The entry's details around the summary `calc` printed for it (core/words/summary_text.py)."""
    from infusion_calc.core.words.labels import checks_text
    from infusion_calc.core.words.summary_text import result_summary

    result = entry["result"]
    where = f" on {entry['workstation']}" if entry.get("workstation") else ""
    out = [f"Entry {entry['id']}, saved {_local(entry['saved_at'])}{where} by infusion-calc {entry['tool_version']}"]
    if entry.get("corrects") is not None:
        out.append(f"Corrects       entry {entry['corrects']}")
    if entry.get("corrected_by"):
        out.append(f"Corrected by   entry {', '.join(str(later) for later in entry['corrected_by'])}: see the latest")
    if len(entry.get("chain", ())) > 1:
        out.append("Chain          " + " → ".join(f"[{step}]" if step == entry["id"] else str(step) for step in entry["chain"]))
    if entry["patient_id"]:
        out.append(f"Patient ID     {entry['patient_id']}")
    if "administration_lines" in result:  # a whole visit saved by `visit --save` (log/visit_record.py)
        out.extend(_visit_lines(result))
    else:
        patient = {key: value for key, value in result["patient"].items() if value and key != "bsa_method"}
        if patient:
            out.append("Patient size   " + ", ".join(f"{key} {value}" for key, value in patient.items()))
        out.extend(result_summary(result, _rounding_threshold(entry["inputs"])).splitlines())
    if entry["checks"] is not None:
        checks, unreadable = _saved_checks(entry["checks"])
        out.extend(checks_text(checks).splitlines())
        out.extend(f"  {item}" for item in unreadable)
    if entry["note"]:
        out.append("Chart note")
        out.extend(f"  {line}" for line in entry["note"].rstrip("\n").splitlines())
    typed = ", ".join(f"{key} {value!r}" for key, value in entry["inputs"].items() if value)
    out.append(f"Typed          {typed}")
    return "\n".join(_shown(line) for line in out) + "\n"


def _visit_lines(result: dict[str, Any]) -> list[str]:
    visit = result["visit"]
    out = [f"Visit          {visit['date']}, {visit['setting']}, {len(result['administrations'])} administrations"]
    out += [f"  {line['hcpcs']}{''.join('-' + m for m in line['modifiers'])} × {line['units']}" for line in result["lines"]]
    out += [f"  {line['code']}{''.join('-' + m for m in line['modifiers'])} × {line['units']}" for line in result["administration_lines"]]
    return out


def _rounding_threshold(inputs: dict[str, Any]) -> Decimal | None:
    """The whole-vial threshold the calculation was made with (the summary says "none within N%")."""
    from infusion_calc.core.calculation.engine import parse_rounding_threshold

    try:
        return parse_rounding_threshold(inputs.get("round_within"))
    except InputError:  # an entry edited by hand: the summary then says only "none"
        return None


def _saved_checks(saved: list[Any]) -> tuple[list[Any], list[str]]:
    """The stored checks as the core's `Check`; anything else a hand-edited log holds, as text."""
    from infusion_calc.core.record.check_types import Check  # `log show` only: `log list` starts without it

    checks, unreadable = [], []
    for item in saved:
        try:
            checks.append(Check.from_dict(item))
        except (TypeError, KeyError, ValueError):
            unreadable.append(str(item))
    return checks, unreadable


def run_show(options: argparse.Namespace) -> int:
    def action() -> int:
        log = _log(options)
        entry = log.entry(options.id)
        if entry is None:
            return fail(f"no entry {options.id} in the administration log (see 'infusion-calc log list')")
        entry["chain"] = log.correction_chain(options.id)
        if options.json:
            import json

            from infusion_calc.core.record.safe_text import json_safe

            # The same JSON value, with C1 controls, bidi overrides and U+2028 as \u escapes.
            sys.stdout.write(json_safe(json.dumps(entry, ensure_ascii=False, indent=2)) + "\n")
        else:
            sys.stdout.write(_show_text(entry))
        return 0

    return _guarded(options, action)


def _write_export(log: AdministrationLog, stream: IO[str], fmt: str) -> int:
    from infusion_calc.log import CSV_COLUMNS

    # Rows are written to the output EXPORT_CHUNK at a time: one guarded write per chunk rather than
    # per row, still in flat memory (the cursor is consumed lazily).
    if fmt == "csv":
        from infusion_calc.core.exports.csv_out import CsvWriter

        chunk = io.StringIO()
        writer = CsvWriter(chunk)  # a patient id "=1+1" is text to a spreadsheet, not a formula
        writer.writerow(CSV_COLUMNS)
        rows = log.csv_rows()
        while True:
            writer.writerows(itertools.islice(rows, EXPORT_CHUNK))
            if not chunk.tell():
                break
            stream.write(chunk.getvalue())
            chunk.seek(0)
            chunk.truncate()
    else:
        from infusion_calc.core.record.safe_text import json_safe

        lines = log.json_lines()
        # The same JSON value; C1 controls, bidi marks as \u escapes.
        while block := [json_safe(line) for line in itertools.islice(lines, EXPORT_CHUNK)]:
            block.append("")
            stream.write("\n".join(block))
    return 0


def _is_part_of_the_log(target: Path, log_path: Path) -> bool:
    """The log file or one of SQLite's companions to it: overwriting the -wal file loses saves
    already reported done, and the -shm and -journal files are SQLite's to write."""
    parts = [log_path.with_name(log_path.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")]
    resolved = target.resolve()
    for part in parts:
        if resolved == part.resolve():
            return True
        try:
            if os.path.samefile(target, part):  # a hard link to it, under another name
                return True
        except OSError:  # one of the two does not exist: not the same file
            continue
    return False


def run_export(options: argparse.Namespace) -> int:
    if options.out is None:
        return _guarded(options, lambda: _write_export(_log(options), sys.stdout, options.format))
    target = Path(options.out)
    from infusion_calc.log import LogError

    try:
        location = _log(options).path
    except LogError as error:
        return fail(str(error))
    if isinstance(location, Path) and _is_part_of_the_log(target, location):
        return fail("--out: that is the log file itself (or its journal); choose another file name")
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # the log is private: so is a copy
    except OSError as error:
        return fail(f"--out: cannot write {target} ({error.strerror})")
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as stream:
            return _guarded(options, lambda: _write_export(_log(options), stream, options.format))
    except OSError as error:  # a full disk: the copy is cut short; the log itself is untouched
        return fail(f"--out: cannot write {target} ({error.strerror}); the export there is incomplete, the log is unchanged")
