"""`infusion-calc calc`: one calculation, as a readable summary or as the JSON contract."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from infusion_calc.cli.common import add_catalog_option, catalog_for, describe_input_error, fail, quarters_for
from infusion_calc.cli.encounter_options import add_encounter_arguments, encounter_extras, format_checks, with_site_policy
from infusion_calc.cli.output_options import add_output_options, export_or_save
from infusion_calc.core.check_types import SitePolicy
from infusion_calc.core.contract import calculation_to_dict
from infusion_calc.core.encounter import parse_date_time
from infusion_calc.core.engine import CalcRequest, Calculation, calculate
from infusion_calc.core.errors import CatalogError, InputError, PlanError, SiteConfigError
from infusion_calc.core.payment import with_payment
from infusion_calc.core.presentation import summary
from infusion_calc.core.safe_text import json_safe, terminal_safe


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "calc",
        help="calculate vials, volume, billing units and claim lines for one dose",
        description=(
            "Calculate vials to open, volume to draw, administered and discarded HCPCS units and the "
            "claim lines (JZ, or a JW line for discarded units). Without --drug or --hcpcs: natalizumab (Tysabri)."
        ),
    )
    parser.add_argument("--dose", required=True, help='ordered dose: "300 mg", "5 mg/kg", "375 mg/m2" or "15 mL"')
    parser.add_argument("--drug", help="generic or brand name, any case (e.g. natalizumab, Tyruko, infliximab)")
    parser.add_argument("--hcpcs", help="HCPCS code (e.g. J2323); one not in the catalog needs --billing-unit and --vial")
    parser.add_argument(
        "--vial", action="append", default=[], metavar="SIZE",
        help='vial size to plan with, repeatable: "300 mg/15 mL", or "100 mg" for a powder',
    )
    parser.add_argument("--weight", help='patient weight for a per-kg dose or BSA: "70 kg" or "154 lb"')
    parser.add_argument("--height", help='patient height for Mosteller BSA: "170 cm" or "67 in"')
    parser.add_argument("--bsa", help='body surface area: "1.9 m2", "1.9 m^2" or "1.9 m²"')
    parser.add_argument(
        "--round-within", metavar="PERCENT",
        help="also report the nearest whole-vial dose within this percent of the order (an option; never applied)",
    )
    parser.add_argument("--billing-unit", metavar="QTY", help='HCPCS billing unit, e.g. "10 mg" (must match the catalog)')
    parser.add_argument(
        "--dose-given", metavar="QTY",
        help='amount actually given when the infusion stopped short of the dose prepared, e.g. "200 mg" '
        "(billed administered units come from it; give the reason with --stop-reason)",
    )
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object (the stable contract)")
    add_catalog_option(parser)
    add_output_options(parser)
    add_encounter_arguments(parser)
    parser.set_defaults(run=run)


def request_from(options: argparse.Namespace) -> CalcRequest:
    return CalcRequest(
        dose=options.dose, drug=options.drug, hcpcs=options.hcpcs, vials=tuple(options.vial),
        weight=options.weight, height=options.height, bsa=options.bsa,
        round_within=options.round_within if options.round_within is not None else site_rounding_policy(),
        billing_unit=options.billing_unit, dose_given=options.dose_given,
    )


def site_rounding_policy() -> str | None:
    """The site's `[dosing] round_within` from config.toml, when the site has that file.

    Read only when the file exists: the config model needs pydantic (~60 ms), which a
    site without a config file should not pay on every calc.
    """
    from infusion_calc.core.files import present
    from infusion_calc.locations import site_config_path

    if not present(site_config_path()):
        return None
    from infusion_calc.core.site_config import site_rounding_policy as from_config

    return from_config()


def run(options: argparse.Namespace) -> int:
    try:
        catalog = catalog_for(options)
        calc, policy = with_site_policy(calculate(catalog, request_from(options)), options)
        calc = priced(calc, options)
        extras = build_extras(calc, options, policy)
    except InputError as error:
        return fail(describe_input_error(error))
    except (CatalogError, PlanError, SiteConfigError) as error:
        return fail(str(error))
    return write_output(calc, extras, options)


def priced(calc: Calculation, options: argparse.Namespace) -> Calculation:
    """The Medicare payment from the quarter holding the date given (--given-at), today without one."""
    given = parse_date_time(getattr(options, "given_at", None) or "")
    day = given.date() if given is not None else date.today()
    return with_payment(calc, quarters_for(options), day)


def build_extras(calc: Calculation, options: argparse.Namespace, policy: SitePolicy | None = None) -> dict:
    """Keys added to the JSON beyond the core contract (chart note, checks, ...)."""
    return encounter_extras(calc, options, policy)


def write_output(calc: Calculation, extras: dict, options: argparse.Namespace) -> int:
    handled = export_or_save(calc, extras, options)  # --format, --save (cli/output_options.py)
    if handled is not None:
        return handled
    if options.json:
        # json_safe: the same JSON value, with C1 controls, bidi overrides and U+2028 as \u escapes.
        sys.stdout.write(json_safe(json.dumps(calculation_to_dict(calc) | extras, ensure_ascii=False, indent=2)) + "\n")
    else:
        # A typed drug name or note may hold ESC or U+2028: printed as a visible escape, never acted on.
        sys.stdout.write(terminal_safe(summary(calc)))
        if options.note:  # the chart note and the checks (cli/encounter_options.py)
            sys.stdout.write(terminal_safe("\n" + extras["note"] + "\n" + format_checks(extras["checks"])))
    return 0
