"""Pre-submission checks: what a biller should fix or confirm before the claim goes out.

`run_checks(calc, encounter)` returns every finding, errors first, each with a stable code,
a severity and a message that says what to fix. The claim lines checked default to the
calculation's; pass `lines=` to check lines that were edited or imported.

Severities: an error means the claim would be returned or denied, or is wrong; a warning is
a likely denial or a documentation gap; info is a suggestion or something infusion-calc has
no verified rule for (prior authorization and step therapy differ by plan: info only).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from infusion_calc.core.calculation.billing import ClaimLine
from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.catalog.indications import ClinicalRules
from infusion_calc.core.checks.check_input import CheckInput, producer, producers
from infusion_calc.core.record.check_types import (
    ERROR,
    INFO,
    REGISTRY,
    SEVERITY_ORDER,
    WARNING,
    Check,
    CheckSpec,
    Registered,
    Severity,
    SitePolicy,
    emits,
)
from infusion_calc.core.record.encounter import Encounter
from infusion_calc.core.record.encounter_values import Payer
from infusion_calc.core.record.notices import import_every_core_module

__all__ = ["Check", "Severity", "SitePolicy", "checks_failed", "registry", "run_checks"]

DX_MISSING = CheckSpec("DX_MISSING", WARNING, "no diagnosis entered")
DX_NOT_YET_VALID = CheckSpec(
    "DX_NOT_YET_VALID", ERROR, "a diagnosis code not yet valid on the date of service"
)
DX_NOT_BILLABLE = CheckSpec(
    "DX_NOT_BILLABLE", ERROR, "a header code, or any code with listed subcodes"
)
DX_NOT_CHECKED = CheckSpec("DX_NOT_CHECKED", INFO, "no verified indication list for this drug")
DX_NOT_INDICATED = CheckSpec(
    "DX_NOT_INDICATED",
    WARNING,
    "not among the drug's diagnoses (an error where a Medicare rule binds)",
    also=(ERROR,),
)
DX_SUPPORT_NEEDED = CheckSpec(
    "DX_SUPPORT_NEEDED", WARNING, "a listed diagnosis that needs documented support"
)
PAYER_MISSING = CheckSpec(
    "PAYER_MISSING", INFO, "no payer type: prior authorization and step therapy not checked"
)
PA_MISSING = CheckSpec(
    "PA_MISSING", INFO, "a payer that may need prior authorization, without its number"
)
STEP_THERAPY_NOT_ATTESTED = CheckSpec(
    "STEP_THERAPY_NOT_ATTESTED", INFO, "commercial payer, step therapy not attested"
)
CHECKS_FAILED = CheckSpec(
    "CHECKS_FAILED", ERROR, "the checks themselves could not run: check the claim by hand"
)


def registry() -> dict[str, Registered]:
    """Every check code, declared once with its severity, summary and producer
    (every core module imported first)."""
    import_every_core_module()
    return dict(REGISTRY)


@emits(CHECKS_FAILED)
def checks_failed(error: Exception) -> Check:
    """The one finding shown when a check raised:
    a bug in a check must not take the result down with it."""
    return CHECKS_FAILED(
        f"The pre-submission checks could not run ({type(error).__name__}): check this claim by "
        "hand, and please report it."
    )


def run_checks(
    calc: Calculation,
    encounter: Encounter | None = None,
    *,
    catalog: Catalog,
    rules: ClinicalRules,
    lines: Sequence[ClaimLine] | None = None,
    today: date | None = None,
    policy: SitePolicy | None = None,
    earlier_doses: Sequence[date] = (),
) -> tuple[Check, ...]:
    """Every finding for this calculation, encounter
    and claim lines: errors, then warnings, then info.

    The service date is the encounter's (date given, or a dated start), else `today`
    (default: the system date); it decides which diagnosis codes are valid. `catalog` and
    `rules` are the ones the caller loaded (the core reads no file). `policy` is the
    site's (config.toml; defaults when None). `earlier_doses` are the dates of this patient's
    earlier doses of the same drug, read from the administration log by the caller.
    """
    encounter = encounter or Encounter()
    day = encounter.service_date or today or date.today()
    claim_lines = calc.lines if lines is None else tuple(lines)
    given = CheckInput(
        calc, encounter, claim_lines, day, catalog, rules, policy or SitePolicy(), earlier_doses
    )
    found = [
        check for produce in producers() for check in produce(given)
    ]  # each producer, in rank order
    return tuple(sorted(found, key=lambda check: SEVERITY_ORDER[check.severity]))


@producer(10)
def _encounter_findings(given: CheckInput) -> list[Check]:
    """The diagnosis and the payer: first, as a biller reads a claim."""
    return [
        *_diagnosis(given.calc, given.encounter, given.day, given.rules),
        *_payer(given.encounter),
    ]


@emits(
    DX_MISSING,
    DX_NOT_YET_VALID,
    DX_NOT_BILLABLE,
    DX_NOT_CHECKED,
    DX_NOT_INDICATED,
    DX_SUPPORT_NEEDED,
)
def _diagnosis(
    calc: Calculation, encounter: Encounter, day: date, rules: ClinicalRules
) -> list[Check]:
    dx = encounter.dx
    if dx is None:
        return [DX_MISSING("No diagnosis: enter the ICD-10-CM code the order is for.")]
    indications = rules.for_drug(calc.drug.generic)
    usable: tuple[str, ...] = ()
    if indications is not None:
        usable = tuple(
            code
            for code in indications.listed_codes
            if rules.not_yet_valid(code, day) is None and rules.header_problem(code, day) is None
        )
    problem = rules.not_yet_valid(dx, day)
    if problem:
        return [DX_NOT_YET_VALID(f"{problem} Use the code valid on the date of service.")]
    problem = rules.header_problem(dx, day)
    if problem:
        subcodes = ", ".join(rules.subcodes(dx, day))
        advice = (
            f" Code the documented type: {subcodes}."
            if subcodes
            else " Code the documented, more specific subcode."
        )
        related = [code for code in usable if code.startswith(dx)]
        if related:
            advice += f" For {calc.drug.generic}: {' or '.join(related)}."
        return [DX_NOT_BILLABLE(problem + advice)]
    if indications is None:
        return [
            DX_NOT_CHECKED(
                f"infusion-calc has no verified indication list for {calc.drug.generic}: check "
                f"{dx} against the payer's policy.",
            )
        ]
    rule = indications.rule_for(dx)
    if rule is None:
        fact = rules.code(dx)
        named = f"{dx} ({fact.title})" if fact and fact.title else dx
        message = (
            f"{named} is not among the diagnoses {calc.drug.generic} is billed for "
            f"({indications.basis}): use {', '.join(usable)} if the record supports it, or "
            "document the payer's coverage for this use."
        )
        if indications.note:
            message += f" {indications.note}"
        severity = Severity(indications.unlisted)
        if severity is Severity.ERROR and encounter.payer is not Payer.MEDICARE:
            # The list is a Medicare contractor's billing article: binding for Medicare claims only.
            severity = Severity.WARNING
            message += " That list is a Medicare contractor's rule; " + (
                "this payer's own policy decides."
                if encounter.payer
                else "for Medicare it is an error."
            )
        return [DX_NOT_INDICATED(message, severity)]
    if rule.condition:
        return [DX_SUPPORT_NEEDED(f"{dx}: {rule.condition}.")]
    return []


@emits(PAYER_MISSING, PA_MISSING, STEP_THERAPY_NOT_ATTESTED)
def _payer(encounter: Encounter) -> list[Check]:
    payer = encounter.payer
    if payer is None:
        return [
            PAYER_MISSING("No payer type: prior authorization and step therapy were not checked.")
        ]
    found = []
    if (
        payer in (Payer.COMMERCIAL, Payer.MEDICAID, Payer.MEDICARE_ADVANTAGE)
        and not encounter.prior_auth
    ):
        found.append(
            PA_MISSING(
                f"No prior authorization number for a {payer.value.replace('-', ' ')} payer: if "
                "the plan requires prior authorization for this drug, record the number before "
                "submitting (infusion-calc has no verified payer rule).",
            )
        )
    if payer is Payer.COMMERCIAL and not encounter.step_therapy:
        found.append(
            STEP_THERAPY_NOT_ATTESTED(
                "Step therapy not attested for a commercial payer: if the plan's policy requires "
                "other therapies to have been tried first, document them and attest it "
                "(infusion-calc has no verified payer rule).",
            )
        )
    return found
