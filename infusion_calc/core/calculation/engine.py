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
from typing import TYPE_CHECKING

from infusion_calc.core.calculation.billing import Billing, ClaimLine, VialUse, bill
from infusion_calc.core.calculation.dose_given import dose_given, partly_given_notice
from infusion_calc.core.calculation.dosing import PatientSize, resolve_dose
from infusion_calc.core.calculation.plan_notices import plan_notices
from infusion_calc.core.calculation.vials import plan_vials
from infusion_calc.core.catalog.catalog import Catalog, Drug, Product
from infusion_calc.core.catalog.container import Container
from infusion_calc.core.errors import InputError, PlanError
from infusion_calc.core.numbers import rounding
from infusion_calc.core.numbers.amounts import bind, bind_order, step_unit
from infusion_calc.core.numbers.units import DoseBasis, format_amount, parse_amount, parse_dose
from infusion_calc.core.record.notices import Notice
from infusion_calc.core.record.steps import Step, StepKind

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

_PERCENT = re.compile(r"[0-9]{1,2}(?:\.[0-9]{1,2})?")


@dataclass(frozen=True, slots=True)
class RoundingOption:
    """The nearest whole-vial dose within the site's threshold. An option, never applied."""

    dose_mg: Decimal
    change_percent: Decimal
    vials: tuple[VialUse, ...]
    threshold_percent: Decimal


@dataclass(frozen=True, slots=True)
class Preparation:
    draw_volume_ml: Decimal | None
    reconstitution: tuple[tuple[VialUse, Decimal], ...]
    """(vials, diluent mL per vial) for each powder opened."""


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
        return _single_dose(self.vials)

    @property
    def container_confirmed(self) -> bool:
        """False while a vial's single-dose/multi-dose is neither verified nor answered
        (core/catalog/container.py)."""
        return all(use.product.container != "unconfirmed" for use in self.vials)


def _single_dose(uses: tuple[VialUse, ...]) -> bool:
    return all(use.product.container == "single-dose" for use in uses)


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


def _uses(products: tuple[Product, ...], counts: tuple[int, ...]) -> tuple[VialUse, ...]:
    uses = [VialUse(product, count) for product, count in zip(products, counts) if count]
    return tuple(sorted(uses, key=lambda use: -use.product.strength.value))


def calculate(
    catalog: Catalog, request: CalcRequest, service_date: date | None = None
) -> Calculation:
    """Everything the chair and the billing desk need for one dose,
    with the codes in effect on `service_date` (None: newest)."""
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
                f"{drug.hcpcs} bills in units of {drug.billing_unit} "
                f"({drug.descriptor}), not {typed_unit}.",
            )
    order = bind_order(parse_dose(request.dose), drug.amount_unit, drug.with_code)
    container = Container.of(request.container, catalog.containers)
    products = presentations(drug, request, container)
    container.agrees_with(drug, products)
    one_kind_of_container(drug, products)
    threshold = parse_rounding_threshold(request.round_within)
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
    strengths = [product.strength.value for product in products]
    ceiling = dose * (1 + threshold / 100) if threshold is not None else None
    combination, search = plan_vials(strengths, dose, ceiling)
    uses = _uses(products, combination.counts)
    if drug.max_vials is not None and combination.vial_count > drug.max_vials:
        raise PlanError(
            f"{format_amount(dose, drug.amount_unit)} of {drug.display_name} "
            f"needs {combination.vial_count} vials; it is given from at most "
            f"{drug.max_vials} vial per dose (labeled dose "
            f"{drug.labeled_dose if drug.labeled_dose else 'per the label'}). Check the dose."
        )

    option = None
    if threshold is not None:
        low, high = dose * (1 - threshold / 100), dose * (1 + threshold / 100)
        if search is None:
            raise PlanError(
                "internal: rounding needs the vial search"
            )  # plan_vials builds it when ceiling is set
        nearest = search.nearest(low, high, dose)
        if nearest is not None:
            change = rounding.percent((nearest.total - dose) / dose * 100)
            option = RoundingOption(
                nearest.total, change, _uses(products, nearest.counts), threshold
            )

    given = dose_given(request.dose_given, dose, drug.amount_unit, drug.with_code)
    # Billed from what reached the patient: the part prepared but not infused is left in the
    # opened amount, so it is counted with the rest of what was discarded.
    billing = bill(
        drug.hcpcs,
        drug.billing_unit.value,
        given if given is not None else dose,
        uses,
        drug.amount_unit,
    )
    preparation = _prepare(uses, dose)
    warnings = (
        plan_notices(drug, uses, resolved.rounded_from, preparation.draw_volume_ml)
        + billing.notices
    )
    partly = (
        partly_given_notice(
            dose, given, single_dose=_single_dose(uses), uses=uses, unit=drug.amount_unit
        )
        if given is not None
        else None
    )
    if partly is not None:
        warnings += (partly,)
    u = step_unit(drug.amount_unit)
    vials = Step.of(
        StepKind.VIALS,
        vials=tuple((use.count, use.product.label) for use in uses),
        labeled=combination.total,
        u=u,
    )
    given_step = (
        (Step.of(StepKind.DOSE_GIVEN, given=given, dose=dose, u=u),) if partly is not None else ()
    )
    steps = resolved.steps + (vials,) + given_step + billing.steps
    return Calculation(
        request=request,
        drug=drug,
        order=order,
        dose_mg=dose,
        patient=resolved.patient,
        vials=uses,
        labeled_mg=combination.total,
        preparation=preparation,
        billing=billing,
        rounding_option=option,
        rounding_threshold=threshold,
        steps=steps,
        warnings=warnings,
        given_mg=given,
    )


def _prepare(uses: tuple[VialUse, ...], dose: Decimal) -> Preparation:
    concentrations = {use.product.concentration for use in uses}
    concentration = concentrations.pop() if len(concentrations) == 1 else None
    draw = rounding.volume(dose / concentration) if concentration is not None else None
    reconstitution = tuple(
        (use, use.product.reconstitute_with.value)
        for use in uses
        if use.product.form == "lyophilized" and use.product.reconstitute_with is not None
    )
    return Preparation(draw, reconstitution)
