"""From a dose in mg to what is opened and billed: the vials, the whole-vial option, the amount
given, the claim lines and the preparation. The half of `calculate` that comes after the dose.

It reads only the drug, its products, the dose, the rounding threshold and the `dose_given`
text, never the patient: two patients whose doses round to the same 0.01 mg (or whose BSA
rounds to the same 0.01 m²) open the same vials and bill the same lines. So `planned` keeps
its answers (a batch's weights repeat their doses far more than its whole orders repeat),
keyed on everything `plan_dose` reads. A refusal
(PlanError, InputError) raises every time and is never kept.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from decimal import Decimal

from infusion_calc.core.calculation.billing import Billing, VialUse, bill
from infusion_calc.core.calculation.dose_given import dose_given, partly_given_notice
from infusion_calc.core.calculation.kept import Kept
from infusion_calc.core.calculation.plan_notices import plan_notices
from infusion_calc.core.calculation.vials import plan_vials
from infusion_calc.core.catalog.catalog import Drug, Product
from infusion_calc.core.errors import PlanError
from infusion_calc.core.numbers import rounding
from infusion_calc.core.numbers.amounts import step_unit
from infusion_calc.core.numbers.frozen import quick_init
from infusion_calc.core.numbers.units import format_amount
from infusion_calc.core.record.notices import Notice
from infusion_calc.core.record.steps import Step, StepKind

PLANS_KEPT = 2048
"""Plans kept (least recently used out first; about 3 KB each, so about 6 MB): enough for the
doses of a month's weight-based orders of a few drugs, bounded whatever the file's length."""


@quick_init
@dataclass(frozen=True, slots=True)
class RoundingOption:
    """The nearest whole-vial dose within the site's threshold. An option, never applied."""

    dose_mg: Decimal
    change_percent: Decimal
    vials: tuple[VialUse, ...]
    threshold_percent: Decimal


@quick_init
@dataclass(frozen=True, slots=True)
class Preparation:
    draw_volume_ml: Decimal | None
    reconstitution: tuple[tuple[VialUse, Decimal], ...]
    """(vials, diluent mL per vial) for each powder opened."""


@quick_init
@dataclass(frozen=True, slots=True)
class DosePlan:
    """What a dose comes to in vials and claim lines (the steps from the vials on)."""

    uses: tuple[VialUse, ...]
    labeled_mg: Decimal
    option: RoundingOption | None
    given_mg: Decimal | None
    billing: Billing
    preparation: Preparation
    partly_given: Notice | None
    steps: tuple[Step, ...]
    """The vials, the dose given (when less than prepared) and the billing, in words."""
    notices: tuple[Notice, ...]
    """What a calculation with this plan states, in order (`plan_notices`, the billing's, the
    dose given's), when its dose was not rounded; a rounded dose's notice goes in at
    `rounded_at`. One tuple per plan, so the rows whose doses share a plan share it."""
    rounded_at: int


def single_dose(uses: tuple[VialUse, ...]) -> bool:
    return all(use.product.container == "single-dose" for use in uses)


def _uses(products: tuple[Product, ...], counts: tuple[int, ...]) -> tuple[VialUse, ...]:
    uses = []
    for product, count in zip(products, counts):  # a loop: a comprehension is a call of its own
        if count:
            uses.append(VialUse(product, count))
    if len(uses) < 2:  # most plans open one size: nothing to order
        return tuple(uses)
    return tuple(sorted(uses, key=_largest_first))


def _largest_first(use: VialUse) -> Decimal:
    return -use.product.strength.value


def plan_dose(
    drug: Drug,
    products: tuple[Product, ...],
    dose: Decimal,
    threshold: Decimal | None,
    given_text: str | None,
) -> DosePlan:
    """The vials for `dose` (and the whole-vial option within `threshold` percent), billed from
    the amount given (`given_text`, else the whole dose)."""
    strengths = [product.strength.value for product in products]
    ceiling = dose * (1 + threshold / 100) if threshold is not None else None
    combination, search = plan_vials(strengths, dose, ceiling)
    uses = _uses(products, combination.counts)
    if drug.max_vials is not None and combination.vial_count > drug.max_vials:
        raise PlanError(
            f"{format_amount(dose, drug.amount_unit)} of {drug.display_name} needs "
            f"{combination.vial_count} vials; it is given from "
            f"at most {drug.max_vials} vial per dose (labeled dose "
            f"{drug.labeled_dose if drug.labeled_dose else 'per the label'}). Check the dose."
        )
    option = None
    if threshold is not None:
        low, high = dose * (1 - threshold / 100), dose * (1 + threshold / 100)
        if search is None:  # plan_vials builds it when ceiling is set
            raise PlanError("internal: rounding needs the vial search")
        nearest = search.nearest(low, high, dose)
        if nearest is not None:
            change = rounding.percent((nearest.total - dose) / dose * 100)
            option = RoundingOption(
                nearest.total, change, _uses(products, nearest.counts), threshold
            )
    # (`with_code` is worded only for a dose given: most orders have none)
    given = dose_given(given_text, dose, drug.amount_unit, drug.with_code) if given_text else None
    # Billed from what reached the patient: the part prepared but not infused is left in the
    # opened amount, so it is counted with the rest of what was discarded.
    billing = bill(
        drug.hcpcs,
        drug.billing_unit.value,
        given if given is not None else dose,
        uses,
        drug.amount_unit,
    )
    partly = (
        partly_given_notice(
            dose, given, single_dose=single_dose(uses), uses=uses, unit=drug.amount_unit
        )
        if given is not None
        else None
    )
    u = step_unit(drug.amount_unit)
    vials = Step.of(
        StepKind.VIALS,
        ("vials", tuple([(use.count, use.product.label) for use in uses])),
        ("labeled", combination.total),
        ("u", u),
    )
    given_step = (
        (Step.of(StepKind.DOSE_GIVEN, ("given", given), ("dose", dose), ("u", u)),)
        if partly is not None
        else ()
    )
    preparation = _prepare(uses, dose)
    first, later = plan_notices(drug, uses, preparation.draw_volume_ml)
    return DosePlan(
        uses,
        combination.total,
        option,
        given,
        billing,
        preparation,
        partly,
        (vials, *given_step, *billing.steps),
        (*first, *later, *billing.notices, *((partly,) if partly is not None else ())),
        len(first),
    )


def _prepare(uses: tuple[VialUse, ...], dose: Decimal) -> Preparation:
    concentrations = set()
    reconstitution = []
    for use in uses:  # one loop, no comprehensions: each of those is a call of its own
        product = use.product
        concentrations.add(product.concentration)
        if product.form == "lyophilized" and product.reconstitute_with is not None:
            reconstitution.append((use, product.reconstitute_with.value))
    concentration = concentrations.pop() if len(concentrations) == 1 else None
    draw = rounding.volume(dose / concentration) if concentration is not None else None
    return Preparation(draw, tuple(reconstitution))


KEPT_PLANS: Kept[DosePlan] = Kept(PLANS_KEPT)


def plans_key(drug: Drug, products: tuple[Product, ...], threshold: Decimal | None) -> str:
    """What a plan is kept under but its dose and dose given: the drug's and the products' identity
    (a Product holds lists, so it has no hash) and the threshold's exact text, as one text. The
    engine makes it once per order: a row's key is then three items, two of them texts whose hash
    is kept (a key of ids and a tuple of ids cost a row more than the plan's look-up itself).
    Interned: the same order on other days makes the same text, and a key found compares it by
    identity, without reading the kept one."""
    ids = " ".join([str(id(product)) for product in products])
    return sys.intern(f"{id(drug)} {ids} {threshold}")


def planned(
    drug: Drug,
    products: tuple[Product, ...],
    dose: Decimal,
    threshold: Decimal | None,
    given_text: str | None,
    plans: str | None = None,
) -> DosePlan:
    """`plan_dose(...)`, kept: one answer per drug, products, dose, threshold and text given.

    Keyed on the drug's and products' identity (`plans_key`, or `plans` when the caller made it;
    the catalog hands out the same objects for every order): each entry holds them, so no id in a
    key can be reused by another object while the entry lives. The dose and the threshold key by
    their exact text, not their value: 365.0 and 365.00 are equal, but a step or an amount
    derived from them may keep the spelling."""
    key = (
        plans if plans is not None else plans_key(drug, products, threshold),
        str(dose),
        given_text,
    )
    found = KEPT_PLANS.get(key)
    if found is not None:
        return found
    return KEPT_PLANS.keep(
        key, plan_dose(drug, products, dose, threshold, given_text), drug, products
    )
