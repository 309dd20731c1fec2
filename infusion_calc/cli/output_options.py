"""`calc --format F`, `--payer-rules NAME`, `--save` and `--patient-id`:
exports and the log from the CLI.

Kept apart from calc.py so that the calculator stays one screen long; calc.py calls
`add_output_options` when it builds its parser and `export_or_save` first thing in
`write_output`. Imports are lazy: `calc` without these options loads none of it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from infusion_calc.cli.common import fail
from infusion_calc.cli.exits import SavedThenFailed
from infusion_calc.core.checks.claim_invariants import require_valid_claim_lines
from infusion_calc.core.errors import ClaimLineError, SiteConfigError
from infusion_calc.log import LogError, save

if TYPE_CHECKING:
    from infusion_calc.cli.calc_options import CalcOptions
    from infusion_calc.cli.encounter_options import Entered
    from infusion_calc.core.exports import Export
    from infusion_calc.core.pipeline.administration import Administration
    from infusion_calc.core.pipeline.site_config import SiteConfig
    from infusion_calc.loading import Context
    from infusion_calc.log import SavedEntry

EXPORT_FORMATS = ("cms1500", "ub04", "837p", "837i", "fhir", "csv", "json", "text")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("claim exports and the administration log")
    group.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        metavar="F",
        default=None,
        help="print the claim lines as F: "
        + ", ".join(EXPORT_FORMATS)
        + " (json is the same as --json)",
    )
    group.add_argument(
        "--payer-rules",
        metavar="NAME",
        default=None,
        help=(
            "apply [payer.NAME] from the site config (NDC spacing, accepted NDC units) to "
            "--format; default: the --payer type's table, when the site config has one"
        ),
    )
    group.add_argument(
        "--save", action="store_true", help="append this calculation to the administration log"
    )
    group.add_argument(
        "--corrects",
        metavar="ENTRY",
        type=int,
        default=None,
        help=(
            "with --save: this entry corrects log entry ENTRY "
            "(the log is append-only; 'log show' shows the chain)"
        ),
    )
    group.add_argument(
        "--patient-id",
        metavar="ID",
        default=None,
        help="store a patient identifier with --save (refused unless the site config allows it)",
    )


def _payer_rules(
    options: CalcOptions, payer: str | None, defined: Mapping[str, object]
) -> str | None:
    """The [payer.NAME] table to apply: --payer-rules, else --payer when the site config has its
    table (as the app does: one flag, one meaning)."""
    if options.payer_rules is not None:
        return options.payer_rules
    return payer if payer in defined else None


@dataclass(frozen=True, slots=True)
class Printing:
    """The options leave the printing to `calc` (the summary or the JSON); `saved`: the log entry
    written first, if any, so a failure to print can say the save happened."""

    saved: SavedEntry | None = None


def export_or_save(
    result: Administration, entered: Entered, options: CalcOptions, context: Context
) -> int | Printing:
    """Handle --format/--save; an exit status when the output is done,
    or Printing to print as usual."""
    fmt = options.format
    if options.json and fmt not in (None, "json"):
        return fail(f"--json and --format {fmt} ask for two outputs; give one of them")
    if options.corrects is not None and not options.save:
        return fail("--corrects makes a correction in the administration log: add --save")
    if options.patient_id is not None and not options.save:
        return fail("--patient-id is only kept in the administration log: add --save")
    patient_id = None
    if options.patient_id is not None:
        from infusion_calc.log.record import (
            clean_patient_id,
        )  # lazy: the record's code, for --patient-id only (calc's budget)

        try:
            patient_id = clean_patient_id(options.patient_id)
        except ValueError as error:
            return fail(f"--patient-id: {error}; nothing was saved")
    if fmt in (None, "json") and not options.save and options.payer_rules is None:
        return Printing()
    try:
        # Exit 2 before a format or the log sees a broken line (or a container nobody confirmed).
        require_valid_claim_lines(
            result.calculation,
            "exported or saved",
            claim=options.save or fmt not in (None, "json", "text"),
        )
    except ClaimLineError as error:
        return fail(str(error))
    found = _config_and_export(result, options, context)
    if isinstance(found, str):
        return fail(found)
    config, rendered = found
    if patient_id is not None and (config is None or not config.log.store_patient_id):
        return fail(
            "--patient-id: the site config does not allow a patient identifier in the log "
            "([log] store_patient_id = true in config.toml turns it on); nothing was saved"
        )
    saved: SavedEntry | None = None
    if options.save:
        entry = _save(result, entered, patient_id, config, context, options.corrects)
        if isinstance(entry, int):
            return entry
        saved = entry
    if rendered is None:
        return Printing(saved)
    try:
        for notice in rendered.notices:
            sys.stderr.write(f"warning: {notice.message}\n")
        sys.stdout.write(rendered.text)
    except Exception as error:
        if saved is None:
            raise
        raise SavedThenFailed(saved) from error
    return 0


def _config_and_export(
    result: Administration,
    options: CalcOptions,
    context: Context,
) -> tuple[SiteConfig | None, Export | None] | str:
    """The site config (None without config.toml when no export needs it: pydantic is not loaded
    for a plain --save, as loading.py promises) and the export asked for; or why not."""
    fmt, encounter = options.format, result.encounter
    if fmt in (None, "json") and options.payer_rules is None and not context.has_site_config:
        return None, None
    from infusion_calc.core.exports import (
        ExportError,
        export_moment,
        render,
    )  # lazy: the exports need pydantic

    try:
        config = context.site_config
        payer = encounter.payer.value if encounter.payer is not None else None
        settings = config.export_settings(_payer_rules(options, payer, config.payer))
        given_at = export_moment(encounter)  # a date alone stays a date
        rendered = (
            render(result.calculation, fmt, settings, when=given_at)
            if fmt not in (None, "json")
            else None
        )
    except (SiteConfigError, ExportError) as error:
        return str(error)
    return config, rendered


def _save(
    result: Administration,
    entered: Entered,
    patient_id: str | None,
    config: SiteConfig | None,
    context: Context,
    corrects: int | None,
) -> SavedEntry | int:
    """The log entry written, or exit status 1 when the log refused it (nothing saved)."""
    try:
        entry = save(
            result.calculation,
            note=result.note,
            checks=result.checks,
            encounter=entered.details,
            patient_id=patient_id,
            config=config,
            path=context.log_path,
            corrects=corrects,
        )
    except LogError as error:
        sys.stderr.write(f"error: {error}\n")
        return 1
    for notice in entry.notices:  # e.g. a log folder others could read, made private
        sys.stderr.write(f"warning: {notice}\n")
    sys.stderr.write(f"saved: administration log entry {entry.id} ({entry.path})\n")
    return entry
