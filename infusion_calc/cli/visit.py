"""`infusion-calc visit FILE`: every drug of one visit, its administration codes,
one claim and one note."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from infusion_calc.cli.common import add_catalog_option, fail
from infusion_calc.cli.exits import SavedThenFailed
from infusion_calc.cli.options import CommandOptions
from infusion_calc.cli.output_options import EXPORT_FORMATS
from infusion_calc.core.errors import (
    CatalogError,
    ClaimLineError,
    InputError,
    PlanError,
    SiteConfigError,
)
from infusion_calc.core.exports import ExportError
from infusion_calc.core.record.safe_text import json_safe, terminal_safe
from infusion_calc.core.visit.visit import (
    VisitResult,
    VisitTools,
    combined_checks,
    run_visit,
    visit_note,
    visit_to_dict,
)
from infusion_calc.core.visit.visit_exports import render_visit
from infusion_calc.core.visit.visit_file import VisitFileError, read_visit
from infusion_calc.core.words.labels import checks_text, line_brief
from infusion_calc.log import LogError
from infusion_calc.log.visit_record import save_visit

if TYPE_CHECKING:
    from infusion_calc.log.store import SavedEntry

SUMMARY = (
    "calculate every drug of one visit (a TOML file): "
    "drug lines, administration codes, one claim and note"
)
MAX_FILE_BYTES = 1_000_000


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "visit",
        help=SUMMARY,
        description=(
            "Read a visit file (the encounter once, then one [[administration]] table per drug), "
            "calculate each drug as calc does, and add the visit's administration codes (one "
            "initial service, then sequential, concurrent and additional hours). Prints the "
            "claim, the chart note and the checks."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="the visit file (TOML)")
    parser.add_argument("--json", action="store_true", help="print the visit as one JSON object")
    parser.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        metavar="F",
        default=None,
        help="print the visit's claim as F: " + ", ".join(EXPORT_FORMATS),
    )
    parser.add_argument(
        "--note", action="store_true", help="also print the chart note and the checks"
    )
    parser.add_argument(
        "--save",
        action="store_true",
        help="append the visit to the administration log as one entry",
    )
    add_catalog_option(parser)
    parser.set_defaults(run=run)


def _read(path: str) -> str:
    file = Path(path)
    if not file.is_file():
        raise VisitFileError(None, "no such file" if not file.exists() else "not a file")
    if file.stat().st_size > MAX_FILE_BYTES:
        raise VisitFileError(None, "larger than 1 MB: a visit file holds one patient's visit")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise VisitFileError(None, "not UTF-8 text") from None


@dataclass(frozen=True, kw_only=True)
class VisitOptions(CommandOptions):
    """`visit`'s options (see `register` for their help)."""

    file: str
    json: bool = False
    format: str | None = None
    note: bool = False
    save: bool = False


def run(namespace: argparse.Namespace) -> int:
    options = VisitOptions.read(namespace)
    path = options.file
    try:
        spec = read_visit(_read(path))
    except VisitFileError as error:
        where = f"{path}:{error.line}" if error.line else path
        return fail(f"{where}: {error}")
    context = options.context
    tools = VisitTools(context.site(), context.rounding_policy)
    try:
        result = run_visit(spec, tools)
    except InputError as error:
        return fail(f"{path}: {error.field}: {error.message}")
    except (CatalogError, PlanError, SiteConfigError) as error:
        return fail(f"{path}: {error}")
    if options.save and not result.drugs:
        return fail(f"{path}: a visit without a drug has nothing to save")
    saved = _save(result, options) if options.save else None
    if isinstance(saved, int):
        return saved
    try:
        return _write(result, options)
    except Exception as error:
        if saved is None:
            raise
        raise SavedThenFailed(
            saved
        ) from error  # the save happened: the status must say so (exit 3)


def _save(result: VisitResult, options: VisitOptions) -> SavedEntry | int:
    """The visit as one log entry; an exit status when it could not be saved."""
    context = options.context
    try:
        entry = save_visit(result, config=context.site_config, path=context.log_path)
    except ClaimLineError as error:
        return fail(f"{error}; nothing was saved")
    except LogError as error:
        sys.stderr.write(f"error: {error}\n")
        return 1
    sys.stderr.write(
        f"saved: administration log entry {entry.id} ({entry.path}), the whole visit\n"
    )
    return entry


def _write(result: VisitResult, options: VisitOptions) -> int:
    fmt = "json" if options.json else options.format
    if fmt == "json":
        sys.stdout.write(
            json_safe(json.dumps(visit_to_dict(result), ensure_ascii=False, indent=2)) + "\n"
        )
        return 0
    if fmt not in (None, "text"):
        try:
            rendered = render_visit(
                result,
                fmt,
                options.context.site_config.export_settings(
                    result.spec.encounter.get("payer")
                    if result.spec.encounter.get("payer") in options.context.site_config.payer
                    else None
                ),
            )
        except (ExportError, SiteConfigError) as error:
            return fail(str(error))
        for notice in rendered.notices:
            sys.stderr.write(f"warning: {notice.message}\n")
        sys.stdout.write(rendered.text)
        return 0
    sys.stdout.write(terminal_safe(visit_summary(result)))
    if options.note:
        sys.stdout.write(
            terminal_safe("\n" + visit_note(result) + "\n" + checks_text(combined_checks(result)))
        )
    return 0


def visit_summary(result: VisitResult) -> str:
    out = [
        f"Visit {result.spec.encounter['date']} ({result.spec.setting}): "
        f"{len(result.administrations)} administrations"
    ]
    out.append("  Drug lines")
    out += [
        f"    {line_brief(line.hcpcs, line.modifiers, line.units)}" for line in result.drug_lines
    ]
    out.append("  Administration lines")
    out += [
        f"    {line_brief(line.code, line.modifiers, line.units)}" for line in result.codes.lines
    ] or ["    none"]
    problems = [
        check for check in combined_checks(result) if check.severity in ("error", "warning")
    ]
    out += [
        f"  ! {check.code}: {check.message}"
        for check in problems
        if check.code.startswith("VISIT_")
    ]
    return "\n".join(out) + "\n"
