"""What the record of the preparation must show before the claim goes out: the REMS confirmation
for a REMS drug, each vial's lot and expiration, and
the waste documented (date, time, amount, reason)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from infusion_calc.core.calculation.billing import ClaimLine
from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.catalog.indications import ClinicalRules, long_date
from infusion_calc.core.checks.check_input import CheckInput, producer
from infusion_calc.core.checks.claim_checks import label
from infusion_calc.core.numbers.units import format_amount
from infusion_calc.core.record.check_types import (
    ERROR,
    WARNING,
    Check,
    CheckSpec,
    SitePolicy,
    emits,
)
from infusion_calc.core.record.encounter import Encounter

REMS_NOT_CONFIRMED = CheckSpec(
    "REMS_NOT_CONFIRMED", ERROR, "a REMS drug without the REMS confirmation"
)
LOT_MISSING = CheckSpec("LOT_MISSING", WARNING, "a vial opened without lot or expiration")
LOT_COUNT = CheckSpec("LOT_COUNT", WARNING, "more lots than vials opened")
VIAL_EXPIRED = CheckSpec("VIAL_EXPIRED", ERROR, "a vial's expiration is before the date of service")
WASTE_UNDOCUMENTED = CheckSpec(
    "WASTE_UNDOCUMENTED", WARNING, "discarded drug without date, time, amount or reason"
)
WASTE_TIME_MISSING = CheckSpec(
    "WASTE_TIME_MISSING", WARNING, "a JW line without the date and time given"
)


@producer(60)
def _record_findings(given: CheckInput) -> list[Check]:
    """REMS, the vials' lots and the waste's documentation."""
    return [
        *_rems(given.calc, given.encounter, given.rules),
        *_vials(given.calc, given.encounter, given.day),
        *_waste(given.calc, given.encounter, given.lines, given.policy),
    ]


@emits(REMS_NOT_CONFIRMED)
def _rems(calc: Calculation, encounter: Encounter, rules: ClinicalRules) -> list[Check]:
    program = rules.rems_for(calc.drug.hcpcs)
    if encounter.rems_checked or (program is None and calc.drug.generic != "natalizumab"):
        return []
    name = program.program if program else "its REMS program"
    requires = program.requires if program else "the program's requirements"
    return [
        REMS_NOT_CONFIRMED(
            f"{calc.drug.display_name} may be given only under the {name}: confirm {requires} "
            "before infusing, and record it.",
        )
    ]


@emits(LOT_MISSING, LOT_COUNT, VIAL_EXPIRED)
def _vials(calc: Calculation, encounter: Encounter, day: date) -> list[Check]:
    opened = sum(use.count for use in calc.vials)
    records = encounter.vials
    found = []
    missing = [
        number
        for number in range(1, opened + 1)
        if number > len(records)
        or records[number - 1].lot is None
        or records[number - 1].expires is None
    ]
    if missing:
        if len(missing) == opened:
            which = "the vial opened" if opened == 1 else f"any of the {opened} vials opened"
        else:
            which = (
                ("vial " if len(missing) == 1 else "vials ")
                + ", ".join(str(n) for n in missing)
                + f" of {opened}"
            )
        found.append(
            LOT_MISSING(
                f"Lot or expiration not recorded for {which}: record both for each vial, in the "
                "order the vials are listed.",
            )
        )
    if len(records) > opened:
        found.append(
            LOT_COUNT(
                f"{len(records)} lots/expirations entered for {opened} "
                f"vial{'s' if opened != 1 else ''} opened: enter one per vial opened (repeat a "
                "lot shared by several vials).",
            )
        )
    for number, record in enumerate(records, start=1):
        if record.expires is not None and record.expires.last_day < day:
            found.append(
                VIAL_EXPIRED(
                    f"Vial {number} expired ({record.expires}, last usable day "
                    f"{long_date(record.expires.last_day)}) before the date of service "
                    f"{long_date(day)}: check the expiration entered, or do not use the vial.",
                )
            )
    return found


@emits(WASTE_UNDOCUMENTED, WASTE_TIME_MISSING)
def _waste(
    calc: Calculation, encounter: Encounter, lines: Sequence[ClaimLine], policy: SitePolicy
) -> list[Check]:
    """The record of discarded drug: date, time, amount and reason (Palmetto's list).

    The amount is in the chart note already. A witness is asked for only when the site's policy
    says so: no Medicare source requires one for a drug that is not a controlled substance.
    """
    jw = [line for line in lines if "JW" in {m.strip().upper() for m in line.modifiers}]
    missing = [] if encounter.waste_reason else ["the reason"]
    if policy.require_waste_witness and not encounter.waste_witness:
        missing.append("the witness (site policy)")
    if not jw:
        return _unbilled_waste(
            calc,
            lines,
            missing
            if isinstance(encounter.given_at, datetime)
            else ["the date and time", *missing],
        )
    found = []
    if missing:
        found.append(
            WASTE_UNDOCUMENTED(
                f"{label(jw[0])} bills discarded drug: the record must show the date, time, amount "
                "and reason of the waste (the amount, "
                f"{format_amount(calc.billing.discarded_mg, calc.drug.amount_unit)}, is in the "
                f"chart note). Not recorded: {' and '.join(missing)}.",
            )
        )
    if not isinstance(encounter.given_at, datetime):  # a date alone does not time the waste
        found.append(
            WASTE_TIME_MISSING(
                "Discarded drug is billed: the record must show the date, time and quantity wasted "
                "(Palmetto); enter the date and time given.",
            )
        )
    return found


def _unbilled_waste(
    calc: Calculation, lines: Sequence[ClaimLine], missing: list[str]
) -> list[Check]:
    """Drug discarded with no JW line (under one billing unit, say): the record must still show it.

    The discarded amount is documented, and JZ needs a record that either shows the whole
    container given or documents the waste.
    """
    discarded = calc.billing.discarded_mg
    if (
        discarded <= 0 or not missing or not calc.single_dose
    ):  # multi-dose: no JW/JZ, waste not billed
        return []
    jz = next((line for line in lines if "JZ" in {m.strip().upper() for m in line.modifiers}), None)
    opened = sum(use.count for use in calc.vials)
    billed = f"{label(jz)}" if jz else "no JW line"
    return [
        WASTE_UNDOCUMENTED(
            f"{format_amount(discarded, calc.drug.amount_unit)} of the "
            f"{'vials' if opened > 1 else 'vial'} opened is discarded but not "
            f"billed ({billed}): the record must still show the date, time, amount "
            f"and reason of that waste, or {'the JZ' if jz else 'the claim'} is "
            f"unsupported. Not recorded: {' and '.join(missing)}.",
        )
    ]
