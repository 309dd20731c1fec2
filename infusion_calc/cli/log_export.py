"""`infusion-calc log export`: the whole log as CSV (one row per claim
line) or JSON Lines (one object per entry), streamed in chunks in flat
memory, to standard output or a private file that is never the log."""

from __future__ import annotations

import argparse
import io
import itertools
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from infusion_calc.cli.common import fail
from infusion_calc.cli.log_common import guarded, open_log
from infusion_calc.cli.options import CommandOptions
from infusion_calc.core.record.safe_text import json_safe
from infusion_calc.log import CSV_COLUMNS, AdministrationLog, LogError

EXPORT_CHUNK = 500


def _write_export(log: AdministrationLog, stream: IO[str], fmt: str) -> int:
    # Rows are written to the output EXPORT_CHUNK at a time: one guarded write per chunk rather than
    # per row, still in flat memory (the cursor is consumed lazily).
    if fmt == "csv":
        # lazy: `log list` and `log path` import this module for the parser
        from infusion_calc.core.record.csv_out import CsvWriter

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
        lines = log.json_lines()
        # The same JSON value; C1 controls, bidi marks as \u escapes.
        while block := [json_safe(line) for line in itertools.islice(lines, EXPORT_CHUNK)]:
            block.append("")
            stream.write("\n".join(block))
    return 0


def is_part_of_the_log(target: Path, log_path: Path) -> bool:
    """The log file or one of SQLite's companions to it: overwriting the -wal file loses saves
    already reported done, and the -shm and -journal files are SQLite's to write."""
    parts = [
        log_path.with_name(log_path.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")
    ]
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


@dataclass(frozen=True, kw_only=True)
class ExportOptions(CommandOptions):
    """`log export`'s options: the format, and the file to write instead of standard output."""

    format: str = "csv"
    out: str | None = None


def run_export(namespace: argparse.Namespace) -> int:
    options = ExportOptions.read(namespace)
    if options.out is None:
        return guarded(
            options, lambda: _write_export(open_log(options), sys.stdout, options.format)
        )
    target = Path(options.out)
    try:
        location = open_log(options).path
    except LogError as error:
        return fail(str(error))
    if isinstance(location, Path) and is_part_of_the_log(target, location):
        return fail("--out: that is the log file itself (or its journal); choose another file name")
    try:
        descriptor = os.open(
            target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600
        )  # the log is private: so is a copy
    except OSError as error:
        return fail(f"--out: cannot write {target} ({error.strerror})")
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as stream:
            return guarded(
                options, lambda: _write_export(open_log(options), stream, options.format)
            )
    except OSError as error:  # a full disk: the copy is cut short; the log itself is untouched
        return fail(
            f"--out: cannot write {target} ({error.strerror}); "
            "the export there is incomplete, the log is unchanged"
        )
