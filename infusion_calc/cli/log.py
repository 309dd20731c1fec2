"""`infusion-calc log`: list, show and export the administration log (see infusion_calc/log/).

Everything streams row by row from SQLite, so `log list --all` and `log export`
start printing at once and stay in flat memory on a log of a million rows.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from infusion_calc.cli.common import fail

LARGEST_ID = 2**63 - 1
"""SQLite's largest row id: no entry number is above it, and a bigger one overflows the query."""
LARGEST_LIMIT = 1_000_000_000


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


def register(commands: argparse._SubParsersAction) -> None:
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

    where = actions.add_parser("path", help="print where the log file is")
    where.set_defaults(run=run_path)


_current: list = []
"""The log the running command reads (set by `_guarded`), so its notices are shown once."""


def _log(options: argparse.Namespace):
    """The log the command's context names (`Context.log_path`: the data folder's unless it says otherwise)."""
    from infusion_calc.loading import context_for
    from infusion_calc.log import AdministrationLog

    return _current[-1] if _current else AdministrationLog(context_for(options).log_path)


def _local(saved_at: str) -> str:
    return datetime.fromisoformat(saved_at).astimezone().strftime("%Y-%m-%d %H:%M")


def _guarded(options: argparse.Namespace, action) -> int:
    from infusion_calc.log import LogError

    _current.append(_log(options))
    try:
        return action()
    except LogError as error:
        return fail(str(error))
    finally:
        for notice in _current.pop().notices:  # privacy fixed, or a read-only disk: said on stderr
            sys.stderr.write(f"warning: {notice}\n")


def run_path(options: argparse.Namespace) -> int:
    sys.stdout.write(f"{_log(options).path}\n")
    return 0


def run_list(options: argparse.Namespace) -> int:
    def action() -> int:
        log = _log(options)
        printed = 0
        for summary in log.recent(None if options.all else options.limit):
            if not printed:
                sys.stdout.write(f"{'ID':>7}  {'Saved':<16}  {'Drug':<28}  {'Dose':<12}  Claim lines\n")
            patient = f"  (patient {summary.patient_id})" if summary.patient_id else ""
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
    """The entry's details around the summary `calc` printed for it (core/presentation.py)."""
    from infusion_calc.core.presentation import checks_text, result_summary

    result = entry["result"]
    out = [f"Entry {entry['id']}, saved {_local(entry['saved_at'])} by infusion-calc {entry['tool_version']}"]
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


def _rounding_threshold(inputs: dict[str, Any]):
    """The whole-vial threshold the calculation was made with (the summary says "none within N%")."""
    from infusion_calc.core.engine import parse_rounding_threshold
    from infusion_calc.core.errors import InputError

    try:
        return parse_rounding_threshold(inputs.get("round_within"))
    except InputError:  # an entry edited by hand: the summary then says only "none"
        return None


def _saved_checks(saved: list[Any]) -> tuple[list[Any], list[str]]:
    """The stored checks as the core's `Check`; anything else a hand-edited log holds, as text."""
    from infusion_calc.core.check_types import Check

    checks, unreadable = [], []
    for item in saved:
        try:
            checks.append(Check.from_dict(item))
        except (TypeError, KeyError, ValueError):
            unreadable.append(str(item))
    return checks, unreadable


def run_show(options: argparse.Namespace) -> int:
    def action() -> int:
        entry = _log(options).entry(options.id)
        if entry is None:
            return fail(f"no entry {options.id} in the administration log (see 'infusion-calc log list')")
        if options.json:
            from infusion_calc.core.safe_text import json_safe

            # The same JSON value, with C1 controls, bidi overrides and U+2028 as \u escapes.
            sys.stdout.write(json_safe(json.dumps(entry, ensure_ascii=False, indent=2)) + "\n")
        else:
            sys.stdout.write(_show_text(entry))
        return 0

    return _guarded(options, action)


def _write_export(log, stream: IO[str], fmt: str) -> int:
    from infusion_calc.log import CSV_COLUMNS

    if fmt == "csv":
        from infusion_calc.core.csv_out import CsvWriter

        writer = CsvWriter(stream)  # a patient id "=1+1" is text to a spreadsheet, not a formula
        writer.writerow(CSV_COLUMNS)
        writer.writerows(log.csv_rows())  # consumes the cursor lazily, row by row
    else:
        from infusion_calc.core.safe_text import json_safe

        for line in log.json_lines():
            stream.write(json_safe(line))  # the same JSON value; C1 controls, bidi marks as \u escapes
            stream.write("\n")
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
    if _is_part_of_the_log(target, _log(options).path):
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
