"""`calc --format F`, `--payer-rules NAME`, `--save` and `--patient-id`: exports and the log from the CLI.

Kept apart from calc.py so that the calculator stays one screen long; calc.py calls
`add_output_options` when it builds its parser and `export_or_save` first thing in
`write_output`. Imports are lazy: `calc` without these options loads none of it.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from infusion_calc.cli.common import fail

if TYPE_CHECKING:
    from infusion_calc.cli.encounter_options import Entered
    from infusion_calc.core.administration import Administration

EXPORT_FORMATS = ("cms1500", "ub04", "837p", "837i", "fhir", "csv", "json", "text")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("claim exports and the administration log")
    group.add_argument(
        "--format", choices=EXPORT_FORMATS, metavar="F", default=None,
        help="print the claim lines as F: " + ", ".join(EXPORT_FORMATS) + " (json is the same as --json)",
    )
    group.add_argument(
        "--payer-rules", metavar="NAME", default=None,
        help=(
            "apply [payer.NAME] from the site config (NDC spacing, accepted NDC units) to --format; "
            "default: the --payer type's table, when the site config has one"
        ),
    )
    group.add_argument("--save", action="store_true", help="append this calculation to the administration log")
    group.add_argument(
        "--corrects", metavar="ENTRY", type=int, default=None,
        help="with --save: this entry corrects log entry ENTRY (the log is append-only; 'log show' shows the chain)",
    )
    group.add_argument(
        "--patient-id", metavar="ID", default=None,
        help="store a patient identifier with --save (refused unless the site config allows it)",
    )


def _payer_rules(options: argparse.Namespace, payer: str | None, defined: Any) -> str | None:
    """The [payer.NAME] table to apply: --payer-rules, else --payer when the site config has its table
    (as the app does: one flag, one meaning)."""
    if options.payer_rules is not None:
        return options.payer_rules
    return payer if payer in defined else None


def export_or_save(result: Administration, entered: Entered, options: argparse.Namespace) -> int | None:
    """Handle --format/--save; an exit status when the output is done, None to print as usual."""
    calc, encounter = result.calculation, result.encounter
    fmt = options.format
    if options.json and fmt not in (None, "json"):
        return fail(f"--json and --format {fmt} ask for two outputs; give one of them")
    if getattr(options, "corrects", None) is not None and not options.save:
        return fail("--corrects makes a correction in the administration log: add --save")
    if options.patient_id is not None and not options.save:
        return fail("--patient-id is only kept in the administration log: add --save")
    if options.patient_id is not None:
        from infusion_calc.log.record import clean_patient_id

        try:
            options.patient_id = clean_patient_id(options.patient_id)
        except ValueError as error:
            return fail(f"--patient-id: {error}; nothing was saved")
    if fmt == "json":  # the engine's JSON, with every key calc adds to it: the --json path
        options.json = True
    if fmt in (None, "json") and not options.save and options.payer_rules is None:
        return None

    from infusion_calc.core.claim_invariants import require_valid_claim_lines
    from infusion_calc.core.errors import ClaimLineError
    from infusion_calc.core.exports import ExportError, render
    from infusion_calc.core.site_config import SiteConfigError
    from infusion_calc.loading import context_for

    given_at = encounter.given_at.astimezone() if encounter.given_at is not None else None
    payer = encounter.payer.value if encounter.payer is not None else None
    try:
        # Exit 2 before a format or the log sees a broken line (or a container nobody confirmed).
        require_valid_claim_lines(calc, "exported or saved", claim=options.save or fmt not in (None, "json", "text"))
        context = context_for(options)
        config = context.site_config
        settings = config.export_settings(_payer_rules(options, payer, config.payer))
        rendered = render(calc, fmt, settings, when=given_at) if fmt not in (None, "json") else None
    except (SiteConfigError, ExportError, ClaimLineError) as error:
        return fail(str(error))

    if options.patient_id is not None and not config.log.store_patient_id:
        return fail(
            "--patient-id: the site config does not allow a patient identifier in the log "
            "([log] store_patient_id = true in config.toml turns it on); nothing was saved"
        )
    if options.save:
        from infusion_calc.log import LogError, save

        try:
            entry = save(
                calc, note=result.note, checks=result.checks,
                encounter=entered.details, patient_id=options.patient_id, config=config,
                path=context.log_path, corrects=getattr(options, "corrects", None),
            )
        except LogError as error:
            sys.stderr.write(f"error: {error}\n")
            return 1
        from infusion_calc.cli import exits

        exits.saved_entry = entry  # from here on, a failure must say the save happened (exit 3)
        for notice in entry.notices:  # e.g. a log folder others could read, made private
            sys.stderr.write(f"warning: {notice}\n")
        sys.stderr.write(f"saved: administration log entry {entry.id} ({entry.path})\n")

    if rendered is None:
        return None
    for notice in rendered.notices:
        sys.stderr.write(f"warning: {notice.message}\n")
    sys.stdout.write(rendered.text)
    return 0
