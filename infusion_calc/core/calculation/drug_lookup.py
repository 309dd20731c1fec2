"""Which drug and which vials an order names: a catalog code or name, an unlisted code with its
billing unit and vial sizes, the presentations typed or listed, one kind of container."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from infusion_calc.core.catalog.catalog import (
    NATALIZUMAB_CODES,
    NATALIZUMAB_J2326_MESSAGE,
    Catalog,
    Drug,
    Product,
    validate_drug,
)
from infusion_calc.core.catalog.code_choices import drug_choices
from infusion_calc.core.catalog.container import Container
from infusion_calc.core.errors import InputError, shown
from infusion_calc.core.numbers.amounts import bind_vial
from infusion_calc.core.numbers.units import (
    Kind,
    fits_typed_form,
    format_amount,
    parse_amount,
    parse_vial_size,
)
from infusion_calc.core.record.safe_text import acts

if TYPE_CHECKING:
    from infusion_calc.core.numbers.units import Measure

from infusion_calc.core.calculation.request import DEFAULT_DRUG, CalcRequest

HCPCS_PATTERN = re.compile(r"[A-Z][0-9]{4}")  # ASCII only: str.isalpha() would let "Ä1234" through
MAX_VIAL_SIZES = 8
"""More distinct vial sizes than this for one dose is a typing slip, and would slow the search."""


def _unlisted_code(request: CalcRequest) -> Drug:
    """A code the catalog does not have: the user supplies billing unit and vials."""
    code = (request.hcpcs or "").strip().upper()
    if not request.billing_unit or not request.vials:
        raise InputError(
            "hcpcs",
            f"{code} is not in the catalog: give its billing "
            "unit (e.g. 10 mg) and at least one vial size.",
        )
    name = request.drug.strip() if request.drug else ""
    acting = next((char for char in name if acts(char)), None)
    if acting is not None:  # the name goes into the chart note and the claim: one plain line
        raise InputError(
            "drug",
            f"The drug name contains the control or line-break character U+{ord(acting):04X}: "
            "type it as plain text on one line.",
        )
    try:
        return _unlisted_drug(
            code,
            request.drug,
            request.billing_unit,
            tuple(request.vials),
            Container.of(request.container, ()),
        )
    except (
        ValueError
    ) as error:  # pydantic's ValidationError: a typed value the catalog rules refuse
        first = error.errors()[0] if hasattr(error, "errors") else {"loc": (), "msg": str(error)}
        field_name = {"billing_unit": "billing_unit", "generic": "drug", "product": "vial"}.get(
            str(first["loc"][0]) if first["loc"] else "", "hcpcs"
        )
        raise InputError(
            field_name, re.sub(r"^(Value|Assertion) error, ", "", str(first["msg"]))
        ) from None


@lru_cache(maxsize=256)  # validated by the catalog's schema once per typed order, not per batch row
def _unlisted_drug(
    code: str, drug: str | None, billing_unit: str, vials: tuple[str, ...], container: Container
) -> Drug:
    products = tuple(_typed_product(text, None, "unlisted product", container) for text in vials)
    return validate_drug(
        {
            "hcpcs": code,
            "descriptor": f"{code} (not in the catalog; billing unit as entered)",
            "generic": (drug or "").strip() or f"unlisted drug ({code})",
            "billing_unit": _billing_unit(billing_unit),
            "route": "as ordered",
            "sources": ["entered by the user"],
            "product": products,
        }
    )


def _billing_unit(text: str) -> Measure:
    # The parsed measure goes to the catalog model as it is (the model takes a
    # Measure), not back to text; the catalog holds a billing unit in its
    # canonical unit, so it must fit a number the catalog could hold. "1 unit" or
    # "1 IU" binds the code to the generic activity kind: this code's own units.
    measure = parse_amount(text, "billing_unit")
    if not fits_typed_form(measure.value):
        raise InputError(
            "billing_unit", f"That number has too many digits. Enter {Kind.MASS.example}."
        )
    return measure


def in_effect(
    catalog: Catalog, code: str, day: date | None, field_name: str
) -> None:  # else: naming the code that is
    if (why := catalog.out_of_effect(code, day)) is not None:
        raise InputError(field_name, why)


def find_drug(catalog: Catalog, request: CalcRequest, service_date: date | None = None) -> Drug:
    """The catalog entry for --drug / --hcpcs, refusing inconsistent pairs and ambiguous names."""
    for field_name, given in (("drug", request.drug), ("hcpcs", request.hcpcs)):
        if given is not None and not given.strip():
            # An empty value from a script is a slip, not a request for the default drug.
            what = "drug name" if field_name == "drug" else "HCPCS code"
            raise InputError(
                field_name, f"The {what} is empty: give one, or leave the option out for Tysabri."
            )
    name = (request.drug or "").strip()
    typed_code = (request.hcpcs or "").strip()
    code = typed_code.upper()
    # ASCII before upper(): 'ſ2323'.upper() is 'S2323', a code nobody typed.
    if code and (not typed_code.isascii() or not HCPCS_PATTERN.fullmatch(code)):
        raise InputError(
            "hcpcs",
            f"'{shown(request.hcpcs or '')}' is not a HCPCS "
            "code: one letter and four digits, e.g. J2323.",
        )
    named = catalog.lookup(name) if name else ()
    if name and not named and not code:
        raise InputError(
            "drug",
            f"'{shown(name)}' is not in the catalog: no generic name, brand or HCPCS code matches "
            "it. Check the spelling, or give a HCPCS code with its billing unit and vial size.",
        )
    if code:
        natalizumab = "natalizumab" in name.lower() or any(
            drug.generic == "natalizumab" for drug in named
        )
        if code == "J2326" and natalizumab:
            raise InputError("hcpcs", NATALIZUMAB_J2326_MESSAGE)
        in_effect(catalog, code, service_date, "hcpcs")
        by_code = catalog.by_code(code)
        if by_code is None:
            if natalizumab:
                raise InputError(
                    "hcpcs",
                    f"Natalizumab is billed as {' or '.join(NATALIZUMAB_CODES)}, not {code}.",
                )
            if named:
                raise InputError(
                    "hcpcs",
                    f"{name} is billed as {' or '.join(d.hcpcs for d in named)} "
                    f"in the catalog, not {code}.",
                )
            return _unlisted_code(request)
        if name and not named:
            raise InputError(
                "drug",
                f"{code} is {by_code.generic} ({by_code.descriptor}); "
                f"'{shown(name)}' is not in the catalog.",
            )
        if named and by_code.hcpcs not in {drug.hcpcs for drug in named}:
            if all(drug.generic != by_code.generic for drug in named):
                raise InputError(
                    "hcpcs", f"{code} is {by_code.descriptor} ({by_code.generic}), not {name}."
                )
            # e.g. --drug tyruko --hcpcs J2323: same generic, but the brand has its own code
            raise InputError(
                "hcpcs", f"{name} is billed as {' or '.join(d.hcpcs for d in named)}, not {code}."
            )
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


def _typed_product(
    text: str, drug: Drug | None, brand: str, container: Container | None = None
) -> Product:
    size = parse_vial_size(text)
    size = (
        bind_vial(size, drug.amount_unit, drug.with_code)
        if drug is not None
        else bind_vial(size, size.strength.unit, brand)
    )
    if drug is not None:
        for product in drug.products:
            same_volume = size.volume is None or (
                product.volume is not None and product.volume.value == size.volume.value
            )
            if product.strength.value == size.strength.value and same_volume:
                return product
    kind, source = (
        container.for_typed(drug, size.strength.value)
        if container is not None
        else ("single-dose", None)
    )
    note: str | None
    ndc, note, sources = (
        None,
        f"Vial size {text.strip()} was entered by hand: take its 11-digit NDC from the carton.",
        ["entered by the user"],
    )
    listed = [
        item
        for item in (drug.cms_items if drug is not None else ())
        if item.strength.value == size.strength.value
    ]
    if len({item.ndc for item in listed}) == 1:
        ndc, note, brand = listed[0].ndc, None, listed[0].brand
        sources = [*sources, f"NDC from CMS's crosswalk ({listed[0].labeler})"]
    elif listed and drug is not None:  # listed comes from the drug's CMS items
        # Several packages hold this amount per item: the carton says which one was opened.
        note = (
            f"{len(listed)} NDCs under {drug.hcpcs} hold {size.strength} per item "
            f"({', '.join(item.ndc for item in listed[:6])}{', ...' if len(listed) > 6 else ''}): "
            "take the NDC from the carton."
        )
    return Product(
        brand=brand,
        ndc=ndc,
        ndc_note=note,
        strength=size.strength,
        volume=size.volume,
        form="solution" if size.volume is not None else "lyophilized",
        container=kind,  # single-dose, multi-dose or unconfirmed (core/catalog/container.py)
        sources=[*sources, source] if source else sources,
    )


def _cms_sizes(drug: Drug) -> str:
    sizes = sorted({item.strength.value for item in drug.cms_items})
    shown_sizes = ", ".join(format_amount(size, drug.amount_unit) for size in sizes[:8])
    return (
        f"CMS lists items of {shown_sizes}{', ...' if len(sizes) > 8 else ''}"
        if sizes
        else "CMS lists no NDC for it"
    )


def presentations(drug: Drug, request: CalcRequest, container: Container) -> tuple[Product, ...]:
    if not request.vials and not drug.products:
        raise InputError(
            "vial",
            f"{drug.hcpcs} ({drug.generic}) is known only from CMS's files, "
            "which do not say which items are "
            "single-dose vials: give the size on the carton with --vial (strength/volume, "
            'e.g. "100 mg/4 mL", '
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
                "vial",
                f"Two vial sizes with the same strength ({same_strength.label} and "
                f"{product.label}): keep the one on the carton.",
            )
    if len(chosen) > MAX_VIAL_SIZES:
        raise InputError(
            "vial",
            f"{len(chosen)} different vial sizes for one dose: give at most {MAX_VIAL_SIZES}.",
        )
    return tuple(chosen.values())


def one_kind_of_container(drug: Drug, products: tuple[Product, ...]) -> None:
    """JW/JZ apply to single-dose containers only, so one plan never mixes the two kinds."""
    if len({product.container for product in products}) > 1:
        raise InputError(
            "vial",
            f"{drug.display_name} lists single-dose and multi-dose vials, which are billed "
            "differently (JW/JZ or neither): choose the vial sizes of one kind.",
        )


def concentration(products: tuple[Product, ...]) -> Decimal | None:
    values = {product.concentration for product in products}
    return values.pop() if len(values) == 1 else None
