"""`infusion-calc calc` encounter options: details for the chart note and the pre-submission checks.

Thin: the text typed goes to core.encounter's strict parsers unchanged, so a malformed date,
time or code is an InputError naming the field, shown as `error: --start: ...` (exit 2; the
field-to-option names are in cli/common.py OPTION_FOR_FIELD).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import date

from infusion_calc.cli.earlier_doses import earlier_doses
from infusion_calc.core.check_types import Check, SitePolicy
from infusion_calc.core.checks import run_checks
from infusion_calc.core.documentation import chart_note
from infusion_calc.core.encounter import CLOCK_FORMAT, DATE_TIME_FORMAT, EXPIRY_FORMAT, Encounter, EncounterText, parse_encounter
from infusion_calc.core.engine import Calculation
from infusion_calc.core.modifier_340b import with_340b_modifier
from infusion_calc.loading import Context


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


@dataclass(frozen=True)
class Entered:
    """The encounter as typed (kept in the log) and as parsed once (for the claim, the checks and the note)."""

    typed: EncounterText
    encounter: Encounter

    @property
    def details(self) -> dict[str, object] | None:
        """The fields typed, for the log; None when nothing was."""
        return {name: value for name, value in self.typed._asdict().items() if value} or None


@dataclass(frozen=True)
class Answer:
    """One `calc` call, parsed and calculated once, handed as it is to the output, the exports and the log."""

    calc: Calculation
    entered: Entered
    checks: tuple[Check, ...]
    note: str

    def extras(self) -> dict:
        """The JSON keys `calc` adds to the core contract."""
        return {"note": self.note, "checks": [check.to_dict() for check in self.checks]}


def read_entered(options: argparse.Namespace) -> Entered:
    """The encounter options, parsed once; InputError naming the field for a malformed one."""
    typed = encounter_text(options)
    return Entered(typed, parse_encounter(typed))


def with_site_rules(calc: Calculation, entered: Entered, policy: SitePolicy) -> Calculation:
    """The calculation with the site's claim-line rules applied (340B modifier from the service date)."""
    if policy.acquired_340b:
        calc = with_340b_modifier(calc, entered.encounter.service_date or date.today())
    return calc


def answer(calc: Calculation, entered: Entered, context: Context, options: argparse.Namespace) -> Answer:
    """The checks and the chart note for this calculation and encounter."""
    earlier = earlier_doses(calc.drug.hcpcs, getattr(options, "patient_id", None)) if calc.drug.generic == "nusinersen" else ()
    checks = run_checks(calc, entered.encounter, catalog=context.catalog, rules=context.rules,
                        policy=context.policy, earlier_doses=earlier)
    return Answer(calc, entered, checks, chart_note(calc, entered.encounter, rules=context.rules))


def format_checks(checks: tuple[Check, ...]) -> str:
    """The checks as plain lines for the readable output, errors first."""
    if not checks:
        return "Pre-submission checks: none\n"
    lines = ["Pre-submission checks:"]
    lines.extend(f"  {check.severity.value:<8}{check.code}: {check.message}" for check in checks)
    return "\n".join(lines) + "\n"
