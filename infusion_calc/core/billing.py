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

from infusion_calc.core import rounding
from infusion_calc.core.catalog import Product
from infusion_calc.core.notices import Notice, NoticeSpec
from infusion_calc.core.presentation import code_label
from infusion_calc.core.rounding import ceil_div, floor_div
from infusion_calc.core.steps import Step, StepKind
from infusion_calc.core.units import format_amount, unit_symbol

MULTI_DOSE = NoticeSpec(
    "MULTI_DOSE", "calculation", "a multi-dose container: no JW or JZ, and discarded drug is not billed"
)
JW_NOT_PERMITTED = NoticeSpec(
    "JW_NOT_PERMITTED", "calculation", "the administered units already cover every labeled unit opened: no JW line"
)
JW_CAPPED = NoticeSpec(
    "JW_CAPPED", "calculation", "JW units capped so that administered + discarded do not exceed the labeled units"
)
LEFTOVER_UNDER_ONE_UNIT = NoticeSpec(
    "LEFTOVER_UNDER_ONE_UNIT", "calculation", "less than one billing unit left over: no JW line, JZ on the administered line"
)
NDC_QUANTITY_IN_ME = NoticeSpec(
    "NDC_QUANTITY_IN_ME", "calculation", "an NDC quantity that would round to 0 at 3 decimals is given in ME (milligrams)"
)


@dataclass(frozen=True, slots=True)
class VialUse:
    product: Product
    count: int

    @property
    def labeled_mg(self) -> Decimal:
        return self.product.strength.value * self.count


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


@dataclass(frozen=True, slots=True)
class Billing:
    administered_units: int
    discarded_units: int
    labeled_units: int
    discarded_mg: Decimal
    lines: tuple[ClaimLine, ...]
    notices: tuple[Notice, ...]
    steps: tuple[Step, ...]


def _ndc_amount(product: Product, mg: Decimal) -> Decimal:
    """The NDC quantity for `mg` of this product, in its NDC unit: mL, mg (ME), g (GR) or vials (UN)."""
    unit = product.billing_ndc_unit
    if unit in ("ME", "F2"):  # mg, or international units for a product labeled in IU
        return mg
    if unit == "GR":
        return mg / 1000
    if unit == "ML" and product.volume is not None:
        return mg * product.volume.value / product.strength.value
    return mg / product.strength.value  # UN: vials, or a powder without a labeled volume


def bill(hcpcs: str, billing_unit: Decimal, dose: Decimal, uses: tuple[VialUse, ...], amount_unit: str = "mg") -> Billing:
    """`dose`, the billing unit and the vials' labeled amounts are all in `amount_unit` (mg, mL, or units)."""
    labeled = sum((use.labeled_mg for use in uses), Decimal(0))
    administered = ceil_div(dose, billing_unit)
    labeled_units = floor_div(labeled, billing_unit)
    u = None if amount_unit == "mg" else unit_symbol(amount_unit)  # the steps' unit; mg unless stated
    steps = [Step.of(StepKind.ADMINISTERED, dose=dose, unit=billing_unit, ratio=_ratio(dose, billing_unit), units=administered, u=u)]
    notices: list[Notice] = []
    single_dose = all(use.product.container == "single-dose" for use in uses)
    discarded_mg = labeled - dose

    if not single_dose:
        notices.append(MULTI_DOSE("Multi-dose container: no JW or JZ modifier, and discarded drug is not billed."))
        # What stays in a multi-dose vial is not this patient's: the NDC quantity is the dose drawn.
        lines = _split_lines(hcpcs, billing_unit, dose, uses, administered, 0, (), notices, whole_vials_billed=False, by_mass=amount_unit == "mg")
        return Billing(administered, 0, labeled_units, discarded_mg, lines, tuple(notices), tuple(steps))

    discarded = floor_div(discarded_mg, billing_unit)
    if amount_unit != "dose":  # a per-dose code: each container is one dose, so there is no waste arithmetic to show
        steps.append(Step.of(
            StepKind.DISCARDED, labeled=labeled, dose=dose, discarded=discarded_mg, unit=billing_unit,
            ratio=_ratio(discarded_mg, billing_unit), units=discarded, u=u,
        ))
    cap = max(labeled_units - administered, 0)
    if discarded > 0 and cap == 0:
        # No JW line when the administered units already pay for every labeled unit
        # opened (7 mg from a 10 mg vial billed per 10 mg): a JW unit would pay for drug twice.
        notices.append(JW_NOT_PERMITTED(
            f"The {administered} administered unit{'s' if administered != 1 else ''} already cover all "
            f"{labeled_units} labeled unit{'s' if labeled_units != 1 else ''} opened: no JW line (it would bill "
            f"drug twice); JZ on the one line. Document the {format_amount(discarded_mg, amount_unit)} discarded in the record.",
        ))
        steps.append(Step.of(StepKind.CAP, administered=administered, labeled_units=labeled_units, jw=0))
        discarded = 0
    elif discarded > cap:
        notices.append(JW_CAPPED(
            f"JW units capped at {cap} so that administered + discarded units do not exceed the "
            f"{labeled_units} units on the vial labels.",
        ))
        steps.append(Step.of(StepKind.CAP, administered=administered, labeled_units=labeled_units, jw=cap))
        discarded = cap
    elif discarded == 0 and discarded_mg > 0:
        notices.append(LEFTOVER_UNDER_ONE_UNIT(
            f"{format_amount(discarded_mg, amount_unit)} left over is less than one billing unit: no JW line, JZ on the "
            "administered line (the CMS FAQ wording for this case is not verified).",
        ))
    modifiers = ("JZ",) if discarded == 0 else ()
    lines = _split_lines(hcpcs, billing_unit, dose, uses, administered, discarded, modifiers, notices, by_mass=amount_unit == "mg")
    return Billing(administered, discarded, labeled_units, discarded_mg, lines, tuple(notices), tuple(steps))


_RATIO_STEP = Decimal("0.001")  # built once: this runs twice per calculation


def _ratio(amount: Decimal, unit: Decimal) -> Decimal:
    return rounding.round_half_up(amount / unit, _RATIO_STEP)


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
    """One administered line per NDC (vials filled largest first), then the JW line.

    Larger vials are drawn completely first, so only the last product has a partly used
    vial; it carries the remainder of the administered units and the JW line. For
    single-dose vials the NDC quantities on the lines add up to what was opened: with no
    JW line the one line carries every vial, since its units pay for all of them. For a
    multi-dose vial (`whole_vials_billed` False) the quantity is what was drawn.
    """
    ordered = sorted(uses, key=lambda use: -use.product.strength.value)
    remaining_dose = dose
    remaining_units = administered
    lines: list[ClaimLine] = []
    for index, use in enumerate(ordered):
        last = index == len(ordered) - 1
        given_mg = use.labeled_mg if not last else remaining_dose
        units = remaining_units if last else floor_div(given_mg, billing_unit)
        remaining_dose -= given_mg
        remaining_units -= units
        carries_whole_vials = not last or (discarded == 0 and whole_vials_billed)
        given_mg = use.labeled_mg if carries_whole_vials else given_mg
        unit = use.product.billing_ndc_unit
        jw = last and discarded > 0
        given = _ndc_amount(use.product, given_mg)
        given_quantity = rounding.ndc_quantity(given)
        # The amount opened counts only on a JW line (opened - given is what was discarded).
        opened_quantity = rounding.ndc_quantity(_ndc_amount(use.product, use.labeled_mg)) if jw else given_quantity
        # ME is milligrams: only a drug measured by mass can fall back to it.
        if by_mass and (rounding.ndc_quantity_lost(given) or (jw and opened_quantity == given_quantity)):
            # 1 mg of a 5,000 mg vial is 0.0002 UN, 0 at the 3 decimals a claim carries: in mg (ME) the
            # lines of this NDC say exactly what was given and discarded, and no line claims 0.
            unit = "ME"
            given_quantity = rounding.ndc_quantity(given_mg)
            opened_quantity = rounding.ndc_quantity(use.labeled_mg) if jw else given_quantity
            if use.product.ndc11 is not None:
                notices.append(NDC_QUANTITY_IN_ME(
                    f"NDC {use.product.ndc11}: in {use.product.billing_ndc_unit} a line's NDC quantity would round to 0 "
                    "at the 3 decimals a claim carries, so this NDC's quantities are given in ME (milligrams).",
                ))
        lines.append(_line(hcpcs, modifiers, units, use.product, unit, given_quantity))
        if jw:
            lines.append(_line(hcpcs, ("JW",), discarded, use.product, unit, opened_quantity - given_quantity))
    return tuple(lines)


def _line(hcpcs: str, modifiers: tuple[str, ...], units: int, product: Product, unit: str, quantity: Decimal) -> ClaimLine:
    if product.ndc11 is None:
        return ClaimLine(hcpcs, modifiers, units, None, None, None)
    return ClaimLine(hcpcs, modifiers, units, product.ndc11, unit, quantity)
