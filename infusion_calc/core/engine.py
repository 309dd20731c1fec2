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
from functools import lru_cache
from typing import TYPE_CHECKING

from infusion_calc.core import rounding
from infusion_calc.core.amounts import bind, bind_order, bind_vial, step_unit
from infusion_calc.core.billing import Billing, ClaimLine, VialUse, bill
from infusion_calc.core.catalog import NATALIZUMAB_CODES, NATALIZUMAB_J2326_MESSAGE, Catalog, Drug, Product, validate_drug
from infusion_calc.core.container import Container
from infusion_calc.core.dose_given import dose_given, partly_given_notice
from infusion_calc.core.dosing import PatientSize, resolve_dose
from infusion_calc.core.errors import InputError, PlanError, shown
from infusion_calc.core.notices import Notice
from infusion_calc.core.plan_notices import plan_notices
from infusion_calc.core.presentation import drug_choices
from infusion_calc.core.safe_text import acts
from infusion_calc.core.steps import Step, StepKind
from infusion_calc.core.units import DoseBasis, Kind, fits_typed_form, format_amount, parse_amount, parse_dose, parse_vial_size
from infusion_calc.core.vials import plan_vials

if TYPE_CHECKING:
    from infusion_calc.core.payment import Payment
    from infusion_calc.core.units import DoseOrder, Measure

DEFAULT_DRUG = "Tysabri"
HCPCS_PATTERN = re.compile(r"[A-Z][0-9]{4}")  # ASCII only: str.isalpha() would let "Ä1234" through
_PERCENT = re.compile(r"[0-9]{1,2}(?:\.[0-9]{1,2})?")
MAX_VIAL_SIZES = 8
"""More distinct vial sizes than this for one dose is a typing slip, and would slow the search."""


@dataclass(frozen=True, slots=True)
class CalcRequest:
    """What the user typed. Text in, so validation happens in exactly one place."""

    dose: str
    drug: str | None = None
    hcpcs: str | None = None
    vials: tuple[str, ...] = ()
    weight: str | None = None
    height: str | None = None
    bsa: str | None = None
    round_within: str | None = None
    """Whole-vial rounding threshold in percent ("10"); None or "" for no rounding option."""
    billing_unit: str | None = None
    dose_given: str | None = None
    """The amount actually given, when the infusion stopped short of the dose prepared; None or "" for all of it."""
    container: str | None = None
    """"single-dose" or "multi-dose" from the carton, for a vial the catalog has not verified; None or "" when not given."""


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
    """The arithmetic, step by step; `step.text` is the sentence, `step.kind` says which step it is."""
    warnings: tuple[Notice, ...] = field(default=())
    given_mg: Decimal | None = None
    """The amount actually given when it was entered (at most `dose_mg`, the dose ordered and
    prepared); None when it was not, and the whole dose prepared is taken as given."""
    payment: "Payment | None" = None
    """What Medicare allows for the lines (core/payment.py); None until priced, or when no quarter prices it."""

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
        """False while a vial's single-dose/multi-dose is neither verified nor answered (core/container.py)."""
        return all(use.product.container != "unconfirmed" for use in self.vials)


def _single_dose(uses: tuple[VialUse, ...]) -> bool:
    return all(use.product.container == "single-dose" for use in uses)


def _unlisted_code(request: CalcRequest) -> Drug:
    """A code the catalog does not have: the user supplies billing unit and vials."""
    code = (request.hcpcs or "").strip().upper()
    if not request.billing_unit or not request.vials:
        raise InputError(
            "hcpcs",
            f"{code} is not in the catalog: give its billing unit (e.g. 10 mg) and at least one vial size.",
        )
    name = request.drug.strip() if request.drug else ""
    acting = next((char for char in name if acts(char)), None)
    if acting is not None:  # the name goes into the chart note and the claim: one plain line
        raise InputError("drug", f"The drug name contains the control or line-break character U+{ord(acting):04X}: type it as plain text on one line.")
    try:
        return _unlisted_drug(code, request.drug, request.billing_unit, tuple(request.vials), Container.of(request.container, ()))
    except ValueError as error:  # pydantic's ValidationError: a typed value the catalog rules refuse
        first = error.errors()[0] if hasattr(error, "errors") else {"loc": (), "msg": str(error)}
        field_name = {"billing_unit": "billing_unit", "generic": "drug", "product": "vial"}.get(
            str(first["loc"][0]) if first["loc"] else "", "hcpcs")
        raise InputError(field_name, re.sub(r"^(Value|Assertion) error, ", "", str(first["msg"]))) from None


@lru_cache(maxsize=256)  # validated by the catalog's schema once per typed order, not per batch row
def _unlisted_drug(code: str, drug: str | None, billing_unit: str, vials: tuple[str, ...], container: Container) -> Drug:
    products = tuple(_typed_product(text, None, "unlisted product", container) for text in vials)
    return validate_drug({
        "hcpcs": code,
        "descriptor": f"{code} (not in the catalog; billing unit as entered)",
        "generic": (drug or "").strip() or f"unlisted drug ({code})",
        "billing_unit": _billing_unit(billing_unit),
        "route": "as ordered",
        "sources": ["entered by the user"],
        "product": products,
    })


def _billing_unit(text: str) -> Measure:
    # The parsed measure goes to the catalog model as it is (the model takes a Measure), not back to text;
    # the catalog holds a billing unit in its canonical unit, so it must fit a number the catalog could hold.
    # "1 unit" or "1 IU" binds the code to the generic activity kind: this code's own units.
    measure = parse_amount(text, "billing_unit")
    if not fits_typed_form(measure.value):
        raise InputError("billing_unit", f"That number has too many digits. Enter {Kind.MASS.example}.")
    return measure


def _in_effect(catalog: Catalog, code: str, day: date | None, field_name: str) -> None:  # else: naming the code that is
    if (why := catalog.out_of_effect(code, day)) is not None:
        raise InputError(field_name, why)


def find_drug(catalog: Catalog, request: CalcRequest, service_date: date | None = None) -> Drug:
    """The catalog entry for --drug / --hcpcs, refusing inconsistent pairs and ambiguous names."""
    for field_name, given in (("drug", request.drug), ("hcpcs", request.hcpcs)):
        if given is not None and not given.strip():
            # An empty value from a script is a slip, not a request for the default drug.
            what = "drug name" if field_name == "drug" else "HCPCS code"
            raise InputError(field_name, f"The {what} is empty: give one, or leave the option out for Tysabri.")
    name = (request.drug or "").strip()
    typed_code = (request.hcpcs or "").strip()
    code = typed_code.upper()
    # ASCII before upper(): 'ſ2323'.upper() is 'S2323', a code nobody typed.
    if code and (not typed_code.isascii() or not HCPCS_PATTERN.fullmatch(code)):
        raise InputError("hcpcs", f"'{shown(request.hcpcs or '')}' is not a HCPCS code: one letter and four digits, e.g. J2323.")
    named = catalog.lookup(name) if name else ()
    if name and not named and not code:
        raise InputError(
            "drug",
            f"'{shown(name)}' is not in the catalog: no generic name, brand or HCPCS code matches it. "
            "Check the spelling, or give a HCPCS code with its billing unit and vial size.",
        )
    if code:
        natalizumab = "natalizumab" in name.lower() or any(drug.generic == "natalizumab" for drug in named)
        if code == "J2326" and natalizumab:
            raise InputError("hcpcs", NATALIZUMAB_J2326_MESSAGE)
        _in_effect(catalog, code, service_date, "hcpcs")
        by_code = catalog.by_code(code)
        if by_code is None:
            if natalizumab:
                raise InputError("hcpcs", f"Natalizumab is billed as {' or '.join(NATALIZUMAB_CODES)}, not {code}.")
            if named:
                raise InputError("hcpcs", f"{name} is billed as {' or '.join(d.hcpcs for d in named)} in the catalog, not {code}.")
            return _unlisted_code(request)
        if name and not named:
            raise InputError("drug", f"{code} is {by_code.generic} ({by_code.descriptor}); '{shown(name)}' is not in the catalog.")
        if named and by_code.hcpcs not in {drug.hcpcs for drug in named}:
            if all(drug.generic != by_code.generic for drug in named):
                raise InputError("hcpcs", f"{code} is {by_code.descriptor} ({by_code.generic}), not {name}.")
            # e.g. --drug tyruko --hcpcs J2323: same generic, but the brand has its own code
            raise InputError("hcpcs", f"{name} is billed as {' or '.join(d.hcpcs for d in named)}, not {code}.")
        return by_code
    if len(named) > 1:
        raise InputError(
            "drug",
            f"'{shown(name)}' names {len(named)} codes: {drug_choices(named)}. "
            "Give the brand (--drug) or the code (--hcpcs).",
        )
    if named:
        return named[0]
    drug = next(iter(catalog.lookup(DEFAULT_DRUG)), None)
    if drug is None:
        raise InputError("drug", "No drug given and the catalog has no default (Tysabri).")
    return drug


def _typed_product(text: str, drug: Drug | None, brand: str, container: Container | None = None) -> Product:
    size = parse_vial_size(text)
    size = bind_vial(size, drug.amount_unit, drug.with_code) if drug is not None else bind_vial(size, size.strength.unit, brand)
    if drug is not None:
        for product in drug.products:
            same_volume = size.volume is None or (product.volume is not None and product.volume.value == size.volume.value)
            if product.strength.value == size.strength.value and same_volume:
                return product
    kind, source = container.for_typed(drug, size.strength.value) if container is not None else ("single-dose", None)
    note: str | None
    ndc, note, sources = None, f"Vial size {text.strip()} was entered by hand: take its 11-digit NDC from the carton.", ["entered by the user"]
    listed = [item for item in (drug.cms_items if drug is not None else ()) if item.strength.value == size.strength.value]
    if len({item.ndc for item in listed}) == 1:
        ndc, note, brand = listed[0].ndc, None, listed[0].brand
        sources = [*sources, f"NDC from CMS's crosswalk ({listed[0].labeler})"]
    elif listed and drug is not None:  # listed comes from the drug's CMS items
        # Several packages hold this amount per item: the carton says which one was opened.
        note = (
            f"{len(listed)} NDCs under {drug.hcpcs} hold {size.strength} per item "
            f"({', '.join(item.ndc for item in listed[:6])}{', ...' if len(listed) > 6 else ''}): take the NDC from the carton."
        )
    return Product(
        brand=brand,
        ndc=ndc,
        ndc_note=note,
        strength=size.strength,
        volume=size.volume,
        form="solution" if size.volume is not None else "lyophilized",
        container=kind,  # single-dose, multi-dose or unconfirmed (core/container.py)
        sources=[*sources, source] if source else sources,
    )


def _cms_sizes(drug: Drug) -> str:
    sizes = sorted({item.strength.value for item in drug.cms_items})
    shown_sizes = ", ".join(format_amount(size, drug.amount_unit) for size in sizes[:8])
    return f"CMS lists items of {shown_sizes}{', ...' if len(sizes) > 8 else ''}" if sizes else "CMS lists no NDC for it"


def _presentations(drug: Drug, request: CalcRequest, container: Container) -> tuple[Product, ...]:
    if not request.vials and not drug.products:
        raise InputError(
            "vial",
            f"{drug.hcpcs} ({drug.generic}) is known only from CMS's files, which do not say which items are "
            "single-dose vials: give the size on the carton with --vial (strength/volume, e.g. \"100 mg/4 mL\", "
            f"or the strength alone for a powder; {_cms_sizes(drug)}).",
        )
    if not request.vials:
        return drug.products
    brand = drug.brands[0] if drug.brands else drug.generic
    chosen: dict[Decimal, Product] = {}
    for text in request.vials:
        product = _typed_product(text, drug, brand, container)
        same_strength = chosen.setdefault(product.strength.value, product)
        if same_strength.label != product.label:
            raise InputError(
                "vial", f"Two vial sizes with the same strength ({same_strength.label} and {product.label}): keep the one on the carton."
            )
    if len(chosen) > MAX_VIAL_SIZES:
        raise InputError("vial", f"{len(chosen)} different vial sizes for one dose: give at most {MAX_VIAL_SIZES}.")
    return tuple(chosen.values())


def _one_kind_of_container(drug: Drug, products: tuple[Product, ...]) -> None:
    """JW/JZ apply to single-dose containers only, so one plan never mixes the two kinds."""
    if len({product.container for product in products}) > 1:
        raise InputError(
            "vial",
            f"{drug.display_name} lists single-dose and multi-dose vials, which are billed differently "
            "(JW/JZ or neither): choose the vial sizes of one kind.",
        )


def _concentration(products: tuple[Product, ...]) -> Decimal | None:
    values = {product.concentration for product in products}
    return values.pop() if len(values) == 1 else None


def parse_rounding_threshold(text: str | None) -> Decimal | None:
    """A whole-vial rounding threshold in percent, or None; the rule for --round-within and the site config alike."""
    if text is None or not str(text).strip():
        return None
    raw = str(text).strip().rstrip("%").strip()
    value = Decimal(raw) if _PERCENT.fullmatch(raw) else None
    if value is None or not value <= 50:
        raise InputError("round_within", "Enter the rounding threshold as a percent from 0 to 50, e.g. 10.")
    return value


def _uses(products: tuple[Product, ...], counts: tuple[int, ...]) -> tuple[VialUse, ...]:
    uses = [VialUse(product, count) for product, count in zip(products, counts) if count]
    return tuple(sorted(uses, key=lambda use: -use.product.strength.value))


def calculate(catalog: Catalog, request: CalcRequest, service_date: date | None = None) -> Calculation:
    """Everything the chair and the billing desk need for one dose, with the codes in effect on `service_date` (None: newest)."""
    catalog = catalog.on(service_date)
    drug = find_drug(catalog, request, service_date)
    _in_effect(catalog, drug.hcpcs, service_date, "drug" if request.drug else "hcpcs")
    if request.billing_unit and catalog.by_code(drug.hcpcs) is drug:
        typed_unit = bind(parse_amount(request.billing_unit, "billing_unit"), drug.amount_unit, "billing_unit", drug.with_code)
        if typed_unit.value != drug.billing_unit.value:
            raise InputError(
                "billing_unit",
                f"{drug.hcpcs} bills in units of {drug.billing_unit} ({drug.descriptor}), not {typed_unit}.",
            )
    order = bind_order(parse_dose(request.dose), drug.amount_unit, drug.with_code)
    container = Container.of(request.container, catalog.containers)
    products = _presentations(drug, request, container)
    container.agrees_with(drug, products)
    _one_kind_of_container(drug, products)
    threshold = parse_rounding_threshold(request.round_within)
    resolved = resolve_dose(
        order, weight=request.weight, height=request.height, bsa=request.bsa,
        concentration_mg_per_ml=_concentration(products) if order.basis is DoseBasis.VOLUME else None,
        unit=drug.amount_unit,
    )
    dose = resolved.dose_mg
    strengths = [product.strength.value for product in products]
    ceiling = dose * (1 + threshold / 100) if threshold is not None else None
    combination, search = plan_vials(strengths, dose, ceiling)
    uses = _uses(products, combination.counts)
    if drug.max_vials is not None and combination.vial_count > drug.max_vials:
        raise PlanError(
            f"{format_amount(dose, drug.amount_unit)} of {drug.display_name} needs {combination.vial_count} vials; it is given from "
            f"at most {drug.max_vials} vial per dose (labeled dose "
            f"{drug.labeled_dose if drug.labeled_dose else 'per the label'}). Check the dose."
        )

    option = None
    if threshold is not None:
        low, high = dose * (1 - threshold / 100), dose * (1 + threshold / 100)
        if search is None:
            raise PlanError("internal: rounding needs the vial search")  # plan_vials builds it when ceiling is set
        nearest = search.nearest(low, high, dose)
        if nearest is not None:
            change = rounding.percent((nearest.total - dose) / dose * 100)
            option = RoundingOption(nearest.total, change, _uses(products, nearest.counts), threshold)

    given = dose_given(request.dose_given, dose, drug.amount_unit, drug.with_code)
    # Billed from what reached the patient: the part prepared but not infused is left in the
    # opened amount, so it is counted with the rest of what was discarded.
    billing = bill(drug.hcpcs, drug.billing_unit.value, given if given is not None else dose, uses, drug.amount_unit)
    preparation = _prepare(uses, dose)
    warnings = plan_notices(drug, uses, resolved.rounded_from, preparation.draw_volume_ml) + billing.notices
    partly = partly_given_notice(dose, given, single_dose=_single_dose(uses), uses=uses, unit=drug.amount_unit) if given is not None else None
    if partly is not None:
        warnings += (partly,)
    u = step_unit(drug.amount_unit)
    vials = Step.of(StepKind.VIALS, vials=tuple((use.count, use.product.label) for use in uses), labeled=combination.total, u=u)
    given_step = (Step.of(StepKind.DOSE_GIVEN, given=given, dose=dose, u=u),) if partly is not None else ()
    steps = resolved.steps + (vials,) + given_step + billing.steps
    return Calculation(
        request=request, drug=drug, order=order, dose_mg=dose, patient=resolved.patient,
        vials=uses, labeled_mg=combination.total, preparation=preparation, billing=billing,
        rounding_option=option, rounding_threshold=threshold, steps=steps, warnings=warnings,
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
