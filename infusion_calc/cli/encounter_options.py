"""`infusion-calc calc` encounter options: details for the chart note and the pre-submission checks.

Thin: the text typed goes to core.encounter's strict parsers unchanged, so a malformed date,
time or code is an InputError naming the field, shown as `error: --start: ...` (exit 2; the
field-to-option names are in cli/common.py OPTION_FOR_FIELD).
"""

from __future__ import annotations

import argparse

from datetime import date

from infusion_calc.cli.common import catalog_for, site_policy
from infusion_calc.cli.earlier_doses import earlier_doses
from infusion_calc.core.check_types import SitePolicy
from infusion_calc.core.checks import checks_failed, run_checks
from infusion_calc.core.documentation import chart_note
from infusion_calc.core.encounter import CLOCK_FORMAT, DATE_TIME_FORMAT, EXPIRY_FORMAT, EncounterText, parse_encounter
from infusion_calc.core.engine import Calculation
from infusion_calc.core.modifier_340b import with_340b_modifier

def add_encounter_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "encounter (optional: for the chart note and the pre-submission checks; no patient identifier is needed)"
    )
    group.add_argument("--given-at", metavar="DATETIME", help=f"date and time given: {DATE_TIME_FORMAT}")
    group.add_argument("--site", help="site of care")
    group.add_argument("--nurse", help="administering nurse")
    group.add_argument("--provider", help="ordering/supervising provider")
    group.add_argument("--dx", metavar="ICD10", help="diagnosis, ICD-10-CM (e.g. G35.A, K50.00, G12.0)")
    group.add_argument("--payer", help="payer type: medicare, medicare-advantage, medicaid or commercial")
    group.add_argument("--pa", metavar="NUMBER", help="prior authorization number")
    group.add_argument("--step-therapy", action="store_true", help="step therapy attested (commercial plans)")
    group.add_argument(
        "--lot", action="append", default=[], metavar="LOT",
        help="lot of a vial opened; repeat once per vial, in the order the vials are listed",
    )
    group.add_argument(
        "--expires", action="append", default=[], metavar="DATE",
        help=f"expiration of a vial opened, {EXPIRY_FORMAT}; repeat once per vial, same order as --lot",
    )
    group.add_argument("--waste-reason", metavar="TEXT", help="why the drug left over was discarded")
    group.add_argument("--witness", metavar="NAME", help="who witnessed the waste")
    group.add_argument("--start", metavar="TIME", help=f"infusion start: {CLOCK_FORMAT}")
    group.add_argument("--stop", metavar="TIME", help=f"infusion stop: {CLOCK_FORMAT}")
    group.add_argument("--consent", action="store_true", help="consent is on file")
    group.add_argument(
        "--rems-checked", action="store_true",
        help="REMS confirmed before infusion (natalizumab: TOUCH authorization and checklist; Tyruko: its own REMS)",
    )
    group.add_argument("--events", metavar="TEXT", help="adverse events or deviations, free text")
    group.add_argument("--stop-reason", metavar="TEXT", help="why less than the dose prepared was given (with --dose-given)")
    group.add_argument("--iv-site", metavar="TEXT", help="IV site, e.g. left forearm, 22G")
    group.add_argument("--premeds", metavar="TEXT", help="premedications given, free text")
    group.add_argument("--rate-changes", metavar="TEXT", help="infusion rate changes as charted, free text")
    group.add_argument("--observation", metavar="TEXT", help="post-infusion observation: how long, and what was seen")
    group.add_argument("--diluent", metavar="TEXT", help="diluent and bag actually used, e.g. 100 mL 0.9%% NaCl")
    group.add_argument("--filter", metavar="TEXT", help="in-line filter used, if any")
    group.add_argument("--note", action="store_true", help="also print the chart note and the pre-submission checks")


def encounter_text(options: argparse.Namespace) -> EncounterText:
    def text(name: str) -> str:
        return getattr(options, name, None) or ""

    return EncounterText(
        given_at=text("given_at"), site=text("site"), nurse=text("nurse"), provider=text("provider"),
        dx=text("dx"), payer=text("payer"), prior_auth=text("pa"), step_therapy=bool(options.step_therapy),
        lots=tuple(options.lot), expires=tuple(options.expires), waste_reason=text("waste_reason"),
        waste_witness=text("witness"), start=text("start"), stop=text("stop"), consent=bool(options.consent),
        rems_checked=bool(options.rems_checked), events=text("events"), dose_given=text("dose_given"),
        stop_reason=text("stop_reason"), iv_site=text("iv_site"), premeds=text("premeds"),
        rate_changes=text("rate_changes"), observation=text("observation"), diluent=text("diluent"),
        filter=text("filter"),
    )


def with_site_policy(calc: Calculation, options: argparse.Namespace) -> tuple[Calculation, SitePolicy]:
    """The calculation with the site's claim-line rules applied (340B), and the policy the checks follow."""
    policy = site_policy()
    if policy.acquired_340b:
        encounter = parse_encounter(encounter_text(options))
        calc = with_340b_modifier(calc, encounter.service_date or date.today())
    return calc, policy


def encounter_extras(calc: Calculation, options: argparse.Namespace, policy: SitePolicy | None = None) -> dict:
    """The JSON keys `note` and `checks`; raises InputError for a malformed encounter field."""
    encounter = parse_encounter(encounter_text(options))
    earlier = earlier_doses(calc.drug.hcpcs, getattr(options, "patient_id", None)) if calc.drug.generic == "nusinersen" else ()
    catalog = catalog_for(options)  # a bad site catalog is the user's to fix: its error is not swallowed below
    try:
        checks = run_checks(calc, encounter, catalog=catalog, policy=policy, earlier_doses=earlier)
    except Exception as error:  # a bug in a check must not take the result down with it (as in the app)
        checks = (checks_failed(error),)
    return {"note": chart_note(calc, encounter), "checks": [check.to_dict() for check in checks]}


def format_checks(checks: list[dict]) -> str:
    """The checks as plain lines for the readable output, errors first."""
    if not checks:
        return "Pre-submission checks: none\n"
    lines = ["Pre-submission checks:"]
    lines.extend(f"  {check['severity']:<8}{check['code']}: {check['message']}" for check in checks)
    return "\n".join(lines) + "\n"
