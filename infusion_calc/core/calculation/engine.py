"""The calculation, end to end: order + drug + vials + patient -> vials, volumes, units, lines.

`calculate()` is the one entry point the CLI, the TUI, batch and exports call. It takes
the text the user typed (so every field goes through the strict parser) and returns a
frozen `Calculation`, or raises `InputError` naming the field at fault, or `PlanError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from infusion_calc.core.calculation.billing import Billing, ClaimLine, VialUse
from infusion_calc.core.calculation.dose_plan import (
    Preparation,
    RoundingOption,
    planned,
    plans_key,
    single_dose,
)
from infusion_calc.core.calculation.dosing import PatientSize, resolve_dose
from infusion_calc.core.calculation.kept import Kept
from infusion_calc.core.calculation.plan_notices import dose_rounded
from infusion_calc.core.catalog.catalog import Catalog, Drug, Product
from infusion_calc.core.catalog.container import Container
from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers.amounts import bind, bind_order
from infusion_calc.core.numbers.units import DoseBasis, parse_amount, parse_dose
from infusion_calc.core.record.notices import Notice
from infusion_calc.core.record.steps import Step

if TYPE_CHECKING:
    from infusion_calc.core.calculation.payment import Payment
    from infusion_calc.core.numbers.units import DoseOrder

from infusion_calc.core.calculation.drug_lookup import (
    concentration,
    find_drug,
    in_effect,
    one_kind_of_container,
    presentations,
)
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.numbers.frozen import quick_init

_PERCENT = re.compile(r"[0-9]{1,2}(?:\.[0-9]{1,2})?")


@quick_init
@dataclass(frozen=True, slots=True)
class Calculation:
    request: CalcRequest
    drug: Drug
    order: DoseOrder
    dose_mg: Decimal
    patient: PatientSize
    vials: tuple[VialUse, ...]
    labeled_mg: Decimal
    preparation: Preparation
    billing: Billing
    rounding_option: RoundingOption | None
    rounding_threshold: Decimal | None
    steps: tuple[Step, ...]
    """The arithmetic, step by step; `words.step_text.step_text(step)` is the sentence,
    `step.kind` says which step it is."""
    warnings: tuple[Notice, ...] = field(default=())
    given_mg: Decimal | None = None
    """The amount actually given when it was entered (at most `dose_mg`, the dose ordered and
    prepared); None when it was not, and the whole dose prepared is taken as given."""
    payment: "Payment | None" = None
    """What Medicare allows for the lines (core/calculation/payment.py); None until priced,
    or when no quarter prices it."""

    @property
    def administered_mg(self) -> Decimal:
        """What the administered units are billed from: the amount given, else the dose prepared."""
        return self.given_mg if self.given_mg is not None else self.dose_mg

    @property
    def lines(self) -> tuple[ClaimLine, ...]:
        return self.billing.lines

    @property
    def single_dose(self) -> bool:
        return single_dose(self.vials)

    @property
    def container_confirmed(self) -> bool:
        """False while a vial's single-dose/multi-dose is neither verified nor answered
        (core/catalog/container.py)."""
        return all(use.product.container != "unconfirmed" for use in self.vials)


def parse_rounding_threshold(text: str | None) -> Decimal | None:
    """A whole-vial rounding threshold in percent, or None;
    the rule for --round-within and the site config alike."""
    if text is None or not str(text).strip():
        return None
    raw = str(text).strip().rstrip("%").strip()
    value = Decimal(raw) if _PERCENT.fullmatch(raw) else None
    if value is None or not value <= 50:
        raise InputError(
            "round_within", "Enter the rounding threshold as a percent from 0 to 50, e.g. 10."
        )
    return value


def calculate(
    catalog: Catalog, request: CalcRequest, service_date: date | None = None
) -> Calculation:
    """Everything the chair and the billing desk need for one dose,
    with the codes in effect on `service_date` (None: newest)."""
    drug, order, products, threshold, plans = ordered(catalog, request, service_date)
    # Not kept: a batch's patients seldom repeat their measures with an order (the benchmark
    # file found 3 doses in 10 again in 512 kept), and keeping each one cost more than it saved.
    resolved = resolve_dose(
        order,
        weight=request.weight,
        height=request.height,
        bsa=request.bsa,
        concentration_mg_per_ml=concentration(products)
        if order.basis is DoseBasis.VOLUME
        else None,
        unit=drug.amount_unit,
    )
    dose = resolved.dose_mg
    plan = planned(drug, products, dose, threshold, request.dose_given, plans)
    warnings = plan.notices
    if resolved.rounded_from is not None:  # the patient's own notice, in its place among the plan's
        at = plan.rounded_at
        warnings = (*warnings[:at], dose_rounded(resolved.rounded_from), *warnings[at:])
    return Calculation(  # by position, in field order: fourteen keywords cost a third more
        request,
        drug,
        order,
        dose,  # dose_mg
        resolved.patient,
        plan.uses,  # vials
        plan.labeled_mg,
        plan.preparation,
        plan.billing,
        plan.option,  # rounding_option
        threshold,  # rounding_threshold
        resolved.steps + plan.steps,
        warnings,
        plan.given_mg,
    )


class Ordered(NamedTuple):
    """What `calculate` reads of an order before the patient: the drug, the dose order bound to
    its unit, the products to plan with and the rounding threshold."""

    drug: Drug
    order: DoseOrder
    products: tuple[Product, ...]
    threshold: Decimal | None
    plans: str
    """What its plans are kept under but the dose and the dose given (`dose_plan.plans_key`),
    made once per order rather than once per row."""


ORDERS_KEPT = 1024
"""Orders kept per catalog: a batch repeats its orders with other patients, and the drug, its
products and the order's unit do not change with them."""
CATALOGS_KEPT = 4
"""Catalogs whose orders are kept. A process works under one; an app that reloads its catalog (or
a test suite making one per example) under a few. Each catalog's orders are kept apart and let go
with it: one store of 1,024 orders held a catalog per order, up to 1,024 whole catalogs."""
KEPT_ORDERS: Kept[Kept[Ordered]] = Kept(CATALOGS_KEPT)
"""Per catalog (by identity, held), its orders by the fields they read (kept.py)."""


def ordered(catalog: Catalog, request: CalcRequest, service_date: date | None) -> Ordered:
    """`order_of(...)`, kept under the catalog (by identity, held), the day and every field of
    the request it reads: all but the patient's measures and the dose given."""
    orders = KEPT_ORDERS.get(id(catalog))
    if orders is None:
        orders = KEPT_ORDERS.keep(id(catalog), Kept(ORDERS_KEPT), catalog)
    key = (
        service_date,
        request.drug,
        request.hcpcs,
        request.vials,
        request.billing_unit,
        request.dose,
        request.container,
        request.round_within,
    )
    found = orders.get(key)
    if found is not None:
        return found
    return orders.keep(key, order_of(catalog, request, service_date))


def order_of(catalog: Catalog, request: CalcRequest, service_date: date | None) -> Ordered:
    """The drug in effect on `service_date`, the order, the products and the threshold, each
    checked (InputError naming the field at fault)."""
    catalog = catalog.on(service_date)
    drug = find_drug(catalog, request, service_date)
    in_effect(catalog, drug.hcpcs, service_date, "drug" if request.drug else "hcpcs")
    if request.billing_unit and catalog.by_code(drug.hcpcs) is drug:
        typed_unit = bind(
            parse_amount(request.billing_unit, "billing_unit"),
            drug.amount_unit,
            "billing_unit",
            drug.with_code,
        )
        if typed_unit.value != drug.billing_unit.value:
            raise InputError(
                "billing_unit",
                f"{drug.hcpcs} bills in units of {drug.billing_unit} ({drug.descriptor}), "
                f"not {typed_unit}.",
            )
    order = bind_order(parse_dose(request.dose), drug.amount_unit, drug.with_code)
    container = Container.of(request.container, catalog.containers)
    products = presentations(drug, request, container)
    container.agrees_with(drug, products)
    one_kind_of_container(drug, products)
    threshold = parse_rounding_threshold(request.round_within)
    return Ordered(drug, order, products, threshold, plans_key(drug, products, threshold))
