"""The 340B modifier on drug lines: the site setting `[billing] acquired_340b = true`.

The CMS HCPCS Level II file (October 2025 quarterly update, `HCPC2025_OCT_ANWEB.xlsx`) lists
JG and TB with the same descriptor, "Drug or biological acquired with 340b drug pricing program
discount, reported for informational purposes"; JG has a termination date of 31 Dec 2024 and
TB none. So from 1 Jan 2025 TB marks every 340B-acquired drug line (VERIFIED: the CMS file).
Before 2025, which of the two applied depended on the type of covered entity (JG for most,
TB for rural sole community, children's and PPS-exempt cancer hospitals, critical access
hospitals and some others: secondary sources only, PARTIAL), so infusion-calc does not
choose it for those dates: a check asks for it instead.

JG and TB are Medicare's modifiers (the Part B inflation-rebate rules): they go on Medicare
claims (a claim with no payer given is Medicare's, as every claim this tool writes by
default), on another payer's claims only where the site's `[payer.NAME]` table says
`modifier_340b = true` (Medicare Advantage included: its plans set their own rules), and
only on the drugs the site buys under 340B (`[billing] drugs_340b`, or every drug).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from infusion_calc.core.calculation.billing import ClaimLine
from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.checks.check_input import CheckInput, producer
from infusion_calc.core.record.check_types import (
    ERROR,
    WARNING,
    Check,
    CheckSpec,
    SitePolicy,
    emits,
)
from infusion_calc.core.record.encounter_values import Payer
from infusion_calc.core.record.notices import NoticeSpec
from infusion_calc.core.words.labels import line_brief

MODIFIER_340B = NoticeSpec(
    "MODIFIER_340B",
    "calculation",
    "TB added to each drug line: the site buys the drug under 340B, "
    "and the claim is Medicare's (or its `[payer.NAME]` asks)",
)

TB_FROM = date(2025, 1, 1)
JG_LAST_DAY = date(2024, 12, 31)
STATUS = "CMS HCPCS file, October 2025: JG ended 31 Dec 2024, TB in effect (VERIFIED)"

JG_DISCONTINUED = CheckSpec(
    "JG_DISCONTINUED", ERROR, "JG on a line for a service after 31 Dec 2024 (use TB)"
)
MODIFIER_340B_MISSING = CheckSpec(
    "MODIFIER_340B_MISSING",
    ERROR,
    "a 340B drug on a claim that takes the modifier, service from 2025, a line without TB",
)
MODIFIER_340B_BY_HAND = CheckSpec(
    "MODIFIER_340B_BY_HAND",
    WARNING,
    "a 340B drug on a claim that takes the modifier, service before 2025: add JG or TB by hand",
)


def applies_340b(policy: SitePolicy, hcpcs: str, payer: Payer | None) -> bool:
    """Whether this claim's lines of `hcpcs` take the 340B modifier: a 340B drug,
    on a claim that wants it."""
    if not policy.buys_340b(hcpcs):
        return False
    return payer in (None, Payer.MEDICARE) or payer.value in policy.payers_340b


def with_340b_modifier(
    calc: Calculation,
    service_date: date,
    policy: SitePolicy | None = None,
    payer: Payer | None = None,
) -> Calculation:
    """The calculation with TB on each drug line, for a service on or after 1 Jan 2025.

    With the site's `policy`, only when `applies_340b` (its drug, and a payer that wants it)."""
    if service_date < TB_FROM or (
        policy is not None and not applies_340b(policy, calc.drug.hcpcs, payer)
    ):
        return calc
    lines = tuple(
        line if "TB" in line.modifiers else replace(line, modifiers=(*line.modifiers, "TB"))
        for line in calc.lines
    )
    if payer is None or payer is Payer.MEDICARE:
        claim = "a Medicare claim" + (" (no other payer given)" if payer is None else "")
    else:
        claim = f"a {payer.value} claim, and [payer.{payer.value}] says modifier_340b = true"
    notice = MODIFIER_340B(
        f"TB added to each drug line: the site buys {calc.drug.hcpcs} under 340B ([billing] "
        f"acquired_340b or drugs_340b), and this is {claim}. {STATUS}.",
    )
    return replace(
        calc, billing=replace(calc.billing, lines=lines), warnings=(*calc.warnings, notice)
    )


def _has(line: ClaimLine, modifier: str) -> bool:
    return modifier in {m.strip().upper() for m in line.modifiers}


@producer(40)
def _340b_findings(given: CheckInput) -> list[Check]:
    return checks_340b(given.lines, given.policy, given.day, given.encounter.payer)


@emits(JG_DISCONTINUED, MODIFIER_340B_MISSING, MODIFIER_340B_BY_HAND)
def checks_340b(
    lines: Sequence[ClaimLine], policy: SitePolicy, day: date, payer: Payer | None = None
) -> list[Check]:
    found = []
    jg = [line for line in lines if _has(line, "JG")]
    if jg and day > JG_LAST_DAY:
        found.append(
            JG_DISCONTINUED(
                f"{line_brief(jg[0].hcpcs, jg[0].modifiers, jg[0].units)}: JG was discontinued "
                f"after 31 Dec 2024; mark a 340B-acquired drug with TB ({STATUS}).",
            )
        )
    if not any(applies_340b(policy, line.hcpcs, payer) for line in lines):
        return found
    if day < TB_FROM:
        found.append(
            MODIFIER_340B_BY_HAND(
                "The site buys its drugs under 340B, and this service is before 1 Jan 2025, when "
                "the modifier was JG or TB depending on the type of covered entity (secondary "
                "sources only, PARTIAL): add the one that applies to each drug line.",
            )
        )
        return found
    bare = [
        line
        for line in lines
        if applies_340b(policy, line.hcpcs, payer) and not _has(line, "TB") and not _has(line, "JG")
    ]
    if bare:
        briefs = ", ".join(line_brief(line.hcpcs, line.modifiers, line.units) for line in bare)
        found.append(
            MODIFIER_340B_MISSING(
                f"{briefs}: "
                "the site buys its drugs under 340B ([billing] acquired_340b or drugs_340b), "
                f"so each drug line carries TB ({STATUS}).",
            )
        )
    return found
