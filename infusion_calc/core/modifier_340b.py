"""The 340B modifier on drug lines: the site setting `[billing] acquired_340b = true`.

The CMS HCPCS Level II file (October 2025 quarterly update, `HCPC2025_OCT_ANWEB.xlsx`) lists
JG and TB with the same descriptor, "Drug or biological acquired with 340b drug pricing program
discount, reported for informational purposes"; JG has a termination date of 31 Dec 2024 and
TB none. So from 1 Jan 2025 TB marks every 340B-acquired drug line (VERIFIED: the CMS file).
Before 2025, which of the two applied depended on the type of covered entity (JG for most,
TB for rural sole community, children's and PPS-exempt cancer hospitals, critical access
hospitals and some others: secondary sources only, PARTIAL), so infusion-calc does not
choose it for those dates: a check asks for it instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from infusion_calc.core.billing import ClaimLine
from infusion_calc.core.check_types import ERROR, WARNING, Check, CheckSpec, SitePolicy, emits
from infusion_calc.core.engine import Calculation
from infusion_calc.core.notices import NoticeSpec
from infusion_calc.core.presentation import line_brief

MODIFIER_340B = NoticeSpec(
    "MODIFIER_340B", "calculation", "TB added to each drug line: the site buys its drugs under 340B"
)

TB_FROM = date(2025, 1, 1)
JG_LAST_DAY = date(2024, 12, 31)
STATUS = "CMS HCPCS file, October 2025: JG ended 31 Dec 2024, TB in effect (VERIFIED)"

JG_DISCONTINUED = CheckSpec("JG_DISCONTINUED", ERROR, "JG on a line for a service after 31 Dec 2024 (use TB)")
MODIFIER_340B_MISSING = CheckSpec("MODIFIER_340B_MISSING", ERROR, "a 340B site, service from 2025, a drug line without TB")
MODIFIER_340B_BY_HAND = CheckSpec(
    "MODIFIER_340B_BY_HAND", WARNING, "a 340B site, service before 2025: add JG or TB by hand"
)


def with_340b_modifier(calc: Calculation, service_date: date) -> Calculation:
    """The calculation with TB on each drug line, for a service on or after 1 Jan 2025."""
    if service_date < TB_FROM:
        return calc
    lines = tuple(
        line if "TB" in line.modifiers else replace(line, modifiers=(*line.modifiers, "TB"))
        for line in calc.lines
    )
    notice = MODIFIER_340B(
        f"TB added to each drug line: the site buys its drugs under 340B ([billing] acquired_340b). {STATUS}.",
    )
    return replace(calc, billing=replace(calc.billing, lines=lines), warnings=(*calc.warnings, notice))


def _has(line: ClaimLine, modifier: str) -> bool:
    return modifier in {m.strip().upper() for m in line.modifiers}


@emits(JG_DISCONTINUED, MODIFIER_340B_MISSING, MODIFIER_340B_BY_HAND)
def checks_340b(lines: Sequence[ClaimLine], policy: SitePolicy, day: date) -> list[Check]:
    found = []
    jg = [line for line in lines if _has(line, "JG")]
    if jg and day > JG_LAST_DAY:
        found.append(JG_DISCONTINUED(
            f"{line_brief(jg[0].hcpcs, jg[0].modifiers, jg[0].units)}: JG was discontinued after 31 Dec 2024; mark a 340B-acquired drug with TB "
            f"({STATUS}).",
        ))
    if not policy.acquired_340b:
        return found
    if day < TB_FROM:
        found.append(MODIFIER_340B_BY_HAND(
            "The site buys its drugs under 340B, and this service is before 1 Jan 2025, when the modifier was JG or TB "
            "depending on the type of covered entity (secondary sources only, PARTIAL): add the one that applies "
            "to each drug line.",
        ))
        return found
    bare = [line for line in lines if not _has(line, "TB") and not _has(line, "JG")]
    if bare:
        found.append(MODIFIER_340B_MISSING(
            f"{', '.join(line_brief(line.hcpcs, line.modifiers, line.units) for line in bare)}: the site buys its drugs under 340B "
            f"([billing] acquired_340b), so each drug line carries TB ({STATUS}).",
        ))
    return found
