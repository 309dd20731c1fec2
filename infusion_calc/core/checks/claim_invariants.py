"""The last line of defence: claim lines that break an invariant never leave the building.

The billing arithmetic (core/calculation/billing.py) builds lines that hold these by construction
(domain-facts §8); this check does not trust that. Every export format, the batch
output and the log save call `require_valid_claim_lines` first, so a line a later change
breaks is refused with a sentence instead of reaching a claim:

1. every line bills at least 1 unit and, when it carries an NDC, an NDC quantity above 0;
2. per NDC, the quantities on its lines never exceed what was opened from that NDC;
3. administered + JW units never exceed the labeled units opened (rule 7); the
   administered units alone may round up past them (rule 2), and then no JW line is allowed;
4. no JW or JZ on a line drawn from a multi-dose container (rule 9).
"""

from __future__ import annotations

from decimal import Decimal

from infusion_calc.core.calculation.billing import ClaimLine, VialUse
from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.calculation.kept import Kept
from infusion_calc.core.calculation.ndc_amounts import mg_per_ndc_unit
from infusion_calc.core.catalog.container import UNCONFIRMED, unconfirmed_message
from infusion_calc.core.errors import ClaimLineError
from infusion_calc.core.numbers.rounding import ceil_div, floor_div, plain
from infusion_calc.core.words.labels import readable_ndc

_HALF_CLAIM_STEP = Decimal("0.0005")
"""A claim states NDC quantities to 3 decimals: an opened amount may round up by half a step."""
WASTE_MODIFIERS = frozenset({"JW", "JZ"})
PASSED: Kept[bool] = Kept(2048)
"""Claims whose lines passed, by everything the check reads (the key `require_valid_claim_lines`
makes): a batch checks every row's lines, and its rows repeat the same lines. Only a pass is
kept; a refusal is worked out, with its sentence, every time."""


def claim_line_problems(calc: Calculation) -> tuple[str, ...]:
    """Every broken invariant of `calc`'s lines, one sentence each; () when the lines hold.

    One pass over the lines gathers what the invariants read (batch checks every row's lines)."""
    problems = []
    by_ndc: dict[str, list[ClaimLine]] = {}  # in the order the NDCs first appear
    jw = administered = 0
    waste_modifier = False
    for number, line in enumerate(calc.lines, start=1):
        if (problem := _line_problem(number, line)) is not None:
            problems.append(problem)
        if line.ndc is not None:
            by_ndc.setdefault(line.ndc, []).append(line)
        if "JW" in line.modifiers:
            jw += line.units
        else:
            administered += line.units
        waste_modifier = waste_modifier or not WASTE_MODIFIERS.isdisjoint(line.modifiers)
    problems.extend(_opened_problems(by_ndc, calc.vials))
    problems.extend(_unit_problems(jw, administered, waste_modifier, calc))
    return tuple(problems)


def require_valid_claim_lines(
    calc: Calculation, what: str = "exported", *, claim: bool = True
) -> None:
    """Raise ClaimLineError naming every broken invariant;
    `what` says what was refused (exported, saved).

    `claim`: the output is a claim (a claim format, a batch row, the log billers export from), so a
    container nobody confirmed is refused too: its lines attest neither JW nor JZ.
    Lines that passed before with the same inputs pass at once (`PASSED`).
    """
    # Everything the check reads, by identity (see the end of this function); written out, not
    # a call: this runs for every batch row, and a call costs about what the look-up does.
    key = (id(calc.billing), id(calc.vials), id(calc.drug), claim)
    if PASSED.get(key):
        return
    unconfirmed = [use.product.label for use in calc.vials if use.product.container == UNCONFIRMED]
    if claim and unconfirmed:
        raise ClaimLineError(
            f"Nothing was {what}: {unconfirmed_message(calc.drug.hcpcs, unconfirmed)}"
        )
    problems = claim_line_problems(calc)
    if problems:
        raise ClaimLineError(
            f"These claim lines are not valid, so nothing was {what}: {' '.join(problems)} "
            "This is a fault in the calculation, not in what was typed: please report it, "
            "and bill this dose by hand."
        )
    PASSED.keep(key, True, calc.billing, calc.vials, calc.drug)
    # The key is everything the check reads, by identity (the objects are frozen, and held by
    # `PASSED`): the billing (its lines), the vials opened (their products' NDC, container,
    # label, strength and volume: whether the container is single-dose too), the drug (its
    # billing unit and code), and `claim`. The engine keeps one billing and one vials tuple per
    # plan, so a batch's rows that share a dose share a key.


def _line_problem(number: int, line: ClaimLine) -> str | None:
    if not isinstance(line.units, int) or line.units < 1:
        return (
            f"Line {number} ({line.code}) bills {line.units} "
            "units; a claim line bills at least 1 unit."
        )
    if line.ndc is not None and (line.ndc_quantity is None or line.ndc_quantity <= 0):
        quantity = plain(line.ndc_quantity) if line.ndc_quantity is not None else "no"
        return f"Line {number} ({line.code}) states NDC quantity {quantity}; it must be above 0."
    return None


def _opened_problems(by_ndc: dict[str, list[ClaimLine]], uses: tuple[VialUse, ...]) -> list[str]:
    problems = []
    opened: dict[str, VialUse] = {
        use.product.ndc11: use for use in uses if use.product.ndc11 is not None
    }
    for ndc, lines in by_ndc.items():
        use = opened.get(ndc)
        if use is None:
            problems.append(f"NDC {readable_ndc(ndc)} is on a line but no vial of it was opened.")
            continue
        stated = Decimal(0)
        allowance = Decimal(0)
        for line in lines:
            mg_per = mg_per_ndc_unit(line.ndc_unit or "", use.product)
            if mg_per is not None and line.ndc_quantity is not None:
                stated += line.ndc_quantity * mg_per
                allowance = max(allowance, _HALF_CLAIM_STEP * mg_per)
        if stated > use.labeled_mg + allowance:
            problems.append(
                f"The lines of NDC {readable_ndc(ndc)} state {plain(stated)} mg, more than the "
                f"{plain(use.labeled_mg)} mg opened from it."
            )
    return problems


def _unit_problems(
    jw: int, administered: int, waste_modifier: bool, calc: Calculation
) -> list[str]:
    """`jw` and `administered`: the units of the JW lines and of the others; `waste_modifier`:
    a line has JW or JZ."""
    unit = calc.drug.billing_unit.value
    labeled = sum((use.labeled_mg for use in calc.vials), Decimal(0))
    labeled_units = floor_div(labeled, unit)
    problems = []
    if administered > ceil_div(labeled, unit):
        problems.append(
            f"{administered} administered units are more than the {plain(labeled)} mg opened holds."
        )
    if jw and administered + jw > labeled_units:
        problems.append(
            f"{administered} administered + {jw} JW units "
            f"exceed the {labeled_units} labeled units opened."
        )
    if waste_modifier and not calc.single_dose:
        problems.append("A multi-dose container takes no JW or JZ modifier.")
    return problems
