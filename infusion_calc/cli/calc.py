"""`infusion-calc calc`: one calculation, as a readable summary or as the JSON contract."""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial

from infusion_calc.cli.calc_options import CalcOptions
from infusion_calc.cli.common import add_catalog_option, describe_input_error, fail
from infusion_calc.cli.earlier_doses import earlier_doses
from infusion_calc.cli.encounter_options import (
    Entered,
    add_encounter_arguments,
    add_field_option,
    read_entered,
)
from infusion_calc.cli.exits import SavedThenFailed
from infusion_calc.cli.output_options import Printing, add_output_options, export_or_save
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.errors import CatalogError, InputError, PlanError, SiteConfigError
from infusion_calc.core.pipeline.administration import Administration, administer
from infusion_calc.core.pipeline.summary import summary
from infusion_calc.core.record.encounter_fields import FIELD
from infusion_calc.core.record.safe_text import json_safe, terminal_safe
from infusion_calc.core.words.labels import checks_text
from infusion_calc.loading import Context


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "calc",
        help="calculate vials, volume, billing units and claim lines for one dose",
        description=(
            "Calculate vials to open, volume to draw, administered and "
            "discarded HCPCS units and the claim lines (JZ, or a JW line for "
            "discarded units). Without --drug or --hcpcs: natalizumab (Tysabri)."
        ),
    )
    parser.add_argument(
        "--dose",
        required=True,
        help='ordered dose: "300 mg", "5 mg/kg", "375 mg/m2", "15 mL", "60 units" or "50 IU/kg"',
    )
    parser.add_argument(
        "--drug", help="generic or brand name, any case (e.g. Tysabri, Tyruko, Remicade, botox)"
    )
    parser.add_argument(
        "--hcpcs",
        help="HCPCS code (e.g. J2323); one not in the catalog needs --billing-unit and --vial",
    )
    parser.add_argument(
        "--vial",
        action="append",
        default=[],
        metavar="SIZE",
        help=(
            'vial size to plan with, repeatable: "300 mg/15 mL", "100 mg" for a powder, '
            '"100 units", "1040 IU" (the carton\'s assayed potency)'
        ),
    )
    parser.add_argument(
        "--weight", help='patient weight for a per-kg dose or BSA: "70 kg" or "154 lb"'
    )
    parser.add_argument("--height", help='patient height for Mosteller BSA: "170 cm" or "67 in"')
    parser.add_argument("--bsa", help='body surface area: "1.9 m2", "1.9 m^2" or "1.9 m²"')
    parser.add_argument(
        "--round-within",
        metavar="PERCENT",
        help=(
            "also report the nearest whole-vial dose within this "
            "percent of the order (an option; never applied)"
        ),
    )
    parser.add_argument(
        "--billing-unit",
        metavar="QTY",
        help='HCPCS billing unit, e.g. "10 mg" or "5 units" (must match the catalog)',
    )
    add_field_option(parser, FIELD["dose_given"])
    parser.add_argument(
        "--container",
        metavar="KIND",
        help="single-dose or multi-dose, as the carton says, for a vial the catalog has not "
        "verified (a code known only from CMS's files): decides JW/JZ",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the result as one JSON object (the stable contract)",
    )
    add_catalog_option(parser)
    add_output_options(parser)
    add_encounter_arguments(parser)
    parser.set_defaults(run=run)


def request_from(options: CalcOptions, context: Context) -> CalcRequest:
    return CalcRequest(
        dose=options.dose,
        drug=options.drug,
        hcpcs=options.hcpcs,
        vials=options.vials,
        weight=options.weight,
        height=options.height,
        bsa=options.bsa,
        round_within=options.round_within
        if options.round_within is not None
        else context.rounding_policy,
        billing_unit=options.billing_unit,
        dose_given=options.encounter.dose_given or None,
        container=options.container,
    )


def run(namespace: argparse.Namespace) -> int:
    options = CalcOptions.read(namespace)
    context = options.context
    try:
        entered = read_entered(
            options.encounter
        )  # parsed once for the claim, the price, the checks and the log
        result = administer(
            request_from(options, context),
            entered.encounter,
            context.site(),
            earlier_doses=partial(
                earlier_doses, patient_id=options.patient_id, log_path=context.log_path
            ),
        )
    except InputError as error:
        return fail(describe_input_error(error))
    except (CatalogError, PlanError, SiteConfigError) as error:
        return fail(str(error))
    return write_output(result, entered, options, context)


def write_output(
    result: Administration, entered: Entered, options: CalcOptions, context: Context
) -> int:
    handled = export_or_save(
        result, entered, options, context
    )  # --format, --save (cli/output_options.py)
    if not isinstance(handled, Printing):
        return handled
    try:
        print_result(result, options)
    except Exception as error:
        if handled.saved is None:
            raise
        raise SavedThenFailed(
            handled.saved
        ) from error  # the save happened: the status must say so (exit 3)
    return 0


def print_result(result: Administration, options: CalcOptions) -> None:
    if options.wants_json:
        # json_safe: the same JSON value, with C1 controls, bidi overrides and U+2028 as \u escapes.
        sys.stdout.write(
            json_safe(json.dumps(result.to_dict(), ensure_ascii=False, indent=2)) + "\n"
        )
    else:
        # A typed drug name or note may hold ESC or U+2028:
        # printed as a visible escape, never acted on.
        sys.stdout.write(terminal_safe(summary(result.calculation)))
        if options.note:  # the chart note and the checks
            sys.stdout.write(terminal_safe("\n" + result.note + "\n" + checks_text(result.checks)))
