"""Billing units and claim lines from a dose and the vials opened.

- administered units = dose ÷ billing unit, rounded up;
- discarded units = (labeled amount opened − dose) ÷ billing unit, rounded down;
- administered + discarded never exceeds the labeled units: the JW count is capped;
  this cap is also the whole of the rule "no JW when one unit covers the dose plus the waste",
  so a dose under one unit from a vial of many units still bills its discarded units on JW;
- a JW line only for at least one whole discarded unit, otherwise JZ on the one line;
- no JW/JZ at all for multi-dose containers; overfill is never counted,
  because only labeled amounts enter the sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from infusion_calc.core.calculation.ndc_amounts import ndc_amount
from infusion_calc.core.catalog.catalog import Product
from infusion_calc.core.catalog.container import (
    CONTAINER_UNCONFIRMED,
    UNCONFIRMED,
    unconfirmed_message,
)
from infusion_calc.core.numbers import rounding
from infusion_calc.core.numbers.amounts import step_unit
from infusion_calc.core.numbers.frozen import quick_init
from infusion_calc.core.numbers.rounding import ceil_div, floor_div
from infusion_calc.core.numbers.units import format_amount
from infusion_calc.core.record.claim_code import code_label
from infusion_calc.core.record.notices import Notice, NoticeSpec
from infusion_calc.core.record.steps import Step, StepKind

MULTI_DOSE = NoticeSpec(
    "MULTI_DOSE",
    "calculation",
    "a multi-dose container: no JW or JZ, and discarded drug is not billed",
)
JW_NOT_PERMITTED = NoticeSpec(
    "JW_NOT_PERMITTED",
    "calculation",
    "the administered units already cover every labeled unit opened: no JW line",
)
JW_CAPPED = NoticeSpec(
    "JW_CAPPED",
    "calculation",
    "JW units capped so that administered + discarded do not exceed the labeled units",
)
LEFTOVER_UNDER_ONE_UNIT = NoticeSpec(
    "LEFTOVER_UNDER_ONE_UNIT",
    "calculation",
    "less than one billing unit left over: no JW line, JZ on the administered line",
)
NDC_QUANTITY_IN_ME = NoticeSpec(
    "NDC_QUANTITY_IN_ME",
    "calculation",
    "an NDC quantity that would round to 0 at 3 decimals is given in ME (milligrams)",
)


@quick_init
@dataclass(frozen=True, slots=True)
class VialUse:
    product: Product
    count: int

    @property
    def labeled_mg(self) -> Decimal:
        return self.product.strength.value * self.count


@quick_init
@dataclass(frozen=True, slots=True)
class ClaimLine:
    hcpcs: str
    modifiers: tuple[str, ...]
    units: int
    ndc: str | None
    """11 digits, no hyphens, as the claim wants it; None when not verified."""
    ndc_unit: str | None
    ndc_quantity: Decimal | None

    @property
    def code(self) -> str:
        """'J2323-JW': the code with its modifiers, as billers write it."""
        return code_label(self.hcpcs, self.modifiers)


@quick_init
@dataclass(frozen=True, slots=True)
class Billing:
    administered_units: int
    discarded_units: int
    labeled_units: int
    discarded_mg: Decimal
    lines: tuple[ClaimLine, ...]
    notices: tuple[Notice, ...]
    steps: tuple[Step, ...]


def bill(
    hcpcs: str,
    billing_unit: Decimal,
    dose: Decimal,
    uses: tuple[VialUse, ...],
    amount_unit: str = "mg",
) -> Billing:
    """`dose`, the billing unit and the vials' labeled
    amounts are all in `amount_unit` (mg, mL, or units)."""
    labeled = Decimal(0)
    single_dose = True
    for use in uses:  # one pass, no generator: this runs for every dose
        labeled += use.labeled_mg
        single_dose = single_dose and use.product.container == "single-dose"
    administered = ceil_div(dose, billing_unit)
    labeled_units = floor_div(labeled, billing_unit)
    u = step_unit(amount_unit)
    by_mass = amount_unit == "mg"
    steps = [
        Step.of(
            StepKind.ADMINISTERED,
            ("dose", dose),
            ("unit", billing_unit),
            ("ratio", rounding.ratio(dose, billing_unit)),
            ("units", administered),
            ("u", u),
        )
    ]
    notices: list[Notice] = []
    discarded_mg = labeled - dose

    if not single_dose:
        unconfirmed = [use.product.label for use in uses if use.product.container == UNCONFIRMED]
        if unconfirmed:  # neither JW nor JZ is attested for a container nobody has confirmed
            notices.append(CONTAINER_UNCONFIRMED(unconfirmed_message(hcpcs, unconfirmed)))
        else:
            notices.append(
                MULTI_DOSE(
                    "Multi-dose container: no JW or JZ modifier, and discarded drug is not billed."
                )
            )
        # What stays in a multi-dose vial is not this patient's: the NDC quantity is the dose drawn.
        lines = _split_lines(
            hcpcs,
            billing_unit,
            dose,
            uses,
            administered,
            0,
            (),
            notices,
            whole_vials_billed=False,
            by_mass=by_mass,
        )
        return Billing(
            administered, 0, labeled_units, discarded_mg, lines, tuple(notices), tuple(steps)
        )

    discarded = floor_div(discarded_mg, billing_unit)
    if (
        amount_unit != "dose"
    ):  # a per-dose code: each container is one dose, so there is no waste arithmetic to show
        steps.append(
            Step.of(
                StepKind.DISCARDED,
                ("labeled", labeled),
                ("dose", dose),
                ("discarded", discarded_mg),
                ("unit", billing_unit),
                ("ratio", rounding.ratio(discarded_mg, billing_unit)),
                ("units", discarded),
                ("u", u),
            )
        )
    cap = max(labeled_units - administered, 0)
    if discarded > 0 and cap == 0:
        # No JW line when the administered units already pay for every labeled unit
        # opened (7 mg from a 10 mg vial billed per 10 mg): a JW unit would pay for drug twice.
        notices.append(
            JW_NOT_PERMITTED(
                f"The {administered} administered unit{'s' if administered != 1 else ''} already "
                f"cover all {labeled_units} labeled unit{'s' if labeled_units != 1 else ''} "
                "opened: no JW line (it would bill drug twice); JZ on the one line. Document the "
                f"{format_amount(discarded_mg, amount_unit)} discarded in the record.",
            )
        )
        steps.append(
            Step.of(
                StepKind.CAP,
                ("administered", administered),
                ("labeled_units", labeled_units),
                ("jw", 0),
            )
        )
        discarded = 0
    elif discarded > cap:
        notices.append(
            JW_CAPPED(
                f"JW units capped at {cap} so that administered + discarded units do not exceed "
                f"the {labeled_units} units on the vial labels.",
            )
        )
        steps.append(
            Step.of(
                StepKind.CAP,
                ("administered", administered),
                ("labeled_units", labeled_units),
                ("jw", cap),
            )
        )
        discarded = cap
    elif discarded == 0 and discarded_mg > 0:
        notices.append(
            LEFTOVER_UNDER_ONE_UNIT(
                f"{format_amount(discarded_mg, amount_unit)} left over is less "
                "than one billing unit: no JW line, JZ on the administered "
                "line (the CMS FAQ wording for this case is not verified).",
            )
        )
    modifiers = ("JZ",) if discarded == 0 else ()
    lines = _split_lines(
        hcpcs,
        billing_unit,
        dose,
        uses,
        administered,
        discarded,
        modifiers,
        notices,
        by_mass=by_mass,
    )
    return Billing(
        administered, discarded, labeled_units, discarded_mg, lines, tuple(notices), tuple(steps)
    )


def given_from(uses: tuple[VialUse, ...], given_mg: Decimal) -> tuple[tuple[VialUse, Decimal], ...]:
    """How much of the amount given came from each product's vials, in the order they are drawn.

    The vials are drawn as listed (largest first, as prepared), so an infusion stopped short
    used the first ones and left the remainder on the last: what was not given sits on the
    vials drawn last, and a product none of the amount given came from gets 0.
    """
    remaining = given_mg
    shares = []
    for use in _drawing_order(uses):
        labeled = use.labeled_mg
        taken = labeled if labeled < remaining else remaining  # min(), without the call
        shares.append((use, taken))
        remaining -= taken
    return tuple(shares)


def _drawing_order(uses: tuple[VialUse, ...]) -> tuple[VialUse, ...]:
    if len(uses) < 2:  # most plans open one size: nothing to order
        return uses
    return tuple(sorted(uses, key=lambda use: -use.product.strength.value))


def _apportion(total: int, amounts: list[Decimal], unit: Decimal) -> list[int]:
    """`total` whole units over `amounts` (mg): each amount its own units rounded down, in order,
    the rest on the last; then every amount at least one unit while another has one to spare.

    No share is ever negative: the running count only grows, and is capped at `total`. An
    amount left with 0 units (fewer units than amounts) gets no line of its own.
    """
    if len(amounts) < 2:  # one amount takes every unit (what the loops below come to, without them)
        return [total] * len(amounts)
    shares: list[int] = []
    through = 0
    running = Decimal(0)
    for index, amount in enumerate(amounts):
        running += amount
        upto = total if index == len(amounts) - 1 else min(floor_div(running, unit), total)
        shares.append(upto - through)
        through = upto
    for index in [i for i, share in enumerate(shares) if share == 0]:
        donor = max(range(len(shares)), key=lambda i: (shares[i], i))
        if shares[donor] < 2:
            break
        shares[donor] -= 1
        shares[index] += 1
    return shares


def _split_lines(
    hcpcs: str,
    billing_unit: Decimal,
    dose: Decimal,
    uses: tuple[VialUse, ...],
    administered: int,
    discarded: int,
    modifiers: tuple[str, ...],
    notices: list[Notice],
    whole_vials_billed: bool = True,
    by_mass: bool = True,
) -> tuple[ClaimLine, ...]:
    """Per NDC, in drawing order: its administered line, then its JW line.

    `dose` (the amount given) is taken from the vials in drawing order (`given_from`); the
    administered units are shared over the NDCs it came from, the JW units over the NDCs
    with something left, so no line is ever below one unit and no NDC carries more than was
    opened from it. For single-dose vials an NDC without a JW line carries its whole opened
    amount on its administered line (its units pay for all of it); for a multi-dose vial
    (`whole_vials_billed` False) a line's quantity is what was drawn.
    """
    shares = given_from(uses, dose)
    given, left, labeled = [], [], []
    for use, given_mg in shares:  # loops, not comprehensions: each of those is a call
        opened = use.labeled_mg
        given.append(given_mg)
        left.append(opened - given_mg)  # never below 0
        labeled.append(opened)
    units = _apportioned(administered, given, billing_unit)
    jw_units = _apportioned(discarded, left, billing_unit)
    lines: list[ClaimLine] = []
    for (use, given_mg), opened, line_units, jw in zip(shares, labeled, units, jw_units):
        carried_mg = opened if (whole_vials_billed and jw == 0) else given_mg
        unit, given_quantity, opened_quantity = _quantities(
            use.product, opened, carried_mg, jw > 0, notices, by_mass
        )
        if line_units > 0:
            lines.append(_line(hcpcs, modifiers, line_units, use.product, unit, given_quantity))
        if jw > 0:
            lines.append(
                _line(hcpcs, ("JW",), jw, use.product, unit, opened_quantity - given_quantity)
            )
    return tuple(lines)


def _apportioned(total: int, amounts: list[Decimal], unit: Decimal) -> list[int]:
    """`_apportion` over the amounts above 0, as a list beside `amounts` (0 units for the rest)."""
    if len(amounts) == 1:  # most plans open one size (what the lines below come to, without them)
        return [total if amounts[0] > 0 else 0]
    present = [index for index, amount in enumerate(amounts) if amount > 0]
    shares = [0] * len(amounts)
    for index, share in zip(present, _apportion(total, [amounts[i] for i in present], unit)):
        shares[index] = share
    return shares


def _quantities(
    product: Product,
    opened_mg: Decimal,
    given_mg: Decimal,
    jw_line: bool,
    notices: list[Notice],
    by_mass: bool = True,
) -> tuple[str, Decimal, Decimal]:
    """This NDC's unit, and the NDC quantities of what was given and of what was opened
    (`opened_mg`: the product's vials, labeled).

    The JW line's quantity is opened − given at claim precision, so an NDC's lines add up
    to what was opened. A quantity that would round to 0 (1 mg of a 5,000 mg vial is
    0.0002 UN) moves the NDC's lines to mg (ME), where they say exactly what was given and
    discarded, and no line claims 0.
    """
    unit = product.billing_ndc_unit
    given = ndc_amount(product, given_mg)
    given_quantity = rounding.ndc_quantity(given)
    # The opened quantity counts only on a JW line (opened - given is what was discarded).
    opened_quantity = (
        rounding.ndc_quantity(ndc_amount(product, opened_mg)) if jw_line else given_quantity
    )
    # ME is milligrams: only a drug measured by mass can fall back to it.
    # Lost only when it rounded to 0, so the rule in rounding.py is asked only then.
    if by_mass and (
        (not given_quantity and rounding.ndc_quantity_lost(given))
        or (jw_line and opened_quantity == given_quantity)
    ):
        unit = "ME"
        given_quantity = rounding.ndc_quantity(given_mg)
        opened_quantity = rounding.ndc_quantity(opened_mg) if jw_line else given_quantity
        if product.ndc11 is not None:
            notices.append(
                NDC_QUANTITY_IN_ME(
                    f"NDC {product.ndc11}: in {product.billing_ndc_unit} a line's NDC quantity "
                    "would round to 0 at the 3 decimals a claim carries, so this NDC's "
                    "quantities are given in ME (milligrams).",
                )
            )
    return unit, given_quantity, opened_quantity


def _line(
    hcpcs: str,
    modifiers: tuple[str, ...],
    units: int,
    product: Product,
    unit: str,
    quantity: Decimal,
) -> ClaimLine:
    if product.ndc11 is None:
        return ClaimLine(hcpcs, modifiers, units, None, None, None)
    return ClaimLine(hcpcs, modifiers, units, product.ndc11, unit, quantity)
