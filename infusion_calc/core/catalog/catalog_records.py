"""The catalog's records: one vial presentation (`Product`), one HCPCS code (`Drug`), one NDC
CMS lists under a code (`CmsItem`), and the rules an entry must keep whoever builds it.

Plain frozen dataclasses, importing neither pydantic nor the catalog. Each field is declared
here once, with what a catalog file may write in it (`field_rules.py`: pydantic's keywords in
the field's metadata, markers in `Annotated`): the schema (`catalog_schema.py`) validates a
file's tables into these records by this declaration, CMS's codes (`cms_codes.py`) are built
as them, and the catalog (`catalog.py`) holds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import cached_property
from typing import Annotated, ClassVar, Literal

from infusion_calc.core.catalog.catalog_fields import (
    DEFAULT_DRUG_CLASS,
    DoseRange,
    DrugClass,
    read_dose_range,
)
from infusion_calc.core.catalog.field_rules import (
    FILE_TABLE,
    HCPCS_PATTERN,
    NDC_PATTERN,
    NotInFile,
    OneOf,
    ReadBy,
    read_concentration,
    read_mass,
    read_volume,
)
from infusion_calc.core.numbers.activity_kinds import ACTIVITY_KINDS
from infusion_calc.core.numbers.units import Measure

NDC_UNIT_QUALIFIERS = ("F2", "GR", "ME", "ML", "UN")

# Codes the HCPCS file gives to one drug, that a look-alike page (coding.health) or a
# brief wrongly gave to another: in CMS's HCPCS file J2326 is nusinersen 0.1 mg.
NATALIZUMAB_CODES = ("J2323", "Q5134")
NATALIZUMAB_J2326_MESSAGE = (
    "J2326 is 'Injection, nusinersen, 0.1 mg' (Spinraza) in the HCPCS file, not natalizumab. "
    "Bill natalizumab as J2323 (Tysabri) or Q5134 (Tyruko); billing it as J2326 would claim "
    "0.1 mg units of a different drug."
)


def ndc_11(value: str) -> str:
    """'64406-0008-01' -> '64406000801' (the claim form: 11 digits, no hyphens)."""
    return value.replace("-", "")


def product_problem(
    form: str, volume: Measure | None, ndc: str | None, ndc_note: str | None
) -> str | None:
    """What makes a product entry inconsistent, or None."""
    if form == "solution" and volume is None:
        return 'a solution needs its labeled volume, e.g. volume = "15 mL"'
    if form == "lyophilized" and volume is not None:
        return "a lyophilized powder has no labeled volume; give reconstitute_with instead"
    if ndc is None and not ndc_note:
        return "give the NDC, or ndc_note saying why it is not known"
    return None


# "..., 0.1 mg" at the end of a long descriptor: the billing unit the code is defined in.
_DESCRIPTOR_UNIT = re.compile(r",\s*([0-9]+(?:\.[0-9]+)?)\s*(mg|mcg|g)\s*$", re.IGNORECASE)
_MG_PER = {"mg": Decimal(1), "mcg": Decimal("0.001"), "g": Decimal(1000)}


def drug_problem(
    hcpcs: str, generic: str, descriptor: str = "", billing_unit: Measure | None = None
) -> str | None:
    """What makes a drug entry unacceptable as a whole, or None."""
    described = _DESCRIPTOR_UNIT.search(descriptor)
    if described and billing_unit is not None:
        unit_mg = Decimal(described[1]) * _MG_PER[described[2].lower()]
        if unit_mg != billing_unit.value:
            return (
                f"{billing_unit} disagrees with the descriptor '{descriptor}', "
                f"which defines the billing unit as {described[1]} {described[2]}"
            )
    if hcpcs == "J2326" and "natalizumab" in generic.lower():
        return NATALIZUMAB_J2326_MESSAGE
    return None


@dataclass(frozen=True, slots=True)
class CmsItem:
    """One NDC under a code, as the crosswalk lists it."""

    ndc: str
    labeler: str
    brand: str
    package_size: Decimal
    """PKG SIZE: the amount in one item (mL for a solution, 1 for a single item; CMS gives no
    unit)."""
    package_count: Decimal
    units_per_item: Decimal
    strength: Measure
    """Billing units per item x the billing unit: the labeled amount in one item."""


ITEM_FIELDS = tuple(item.name for item in fields(CmsItem) if item.name != "strength")
"""One NDC row of a stored quarter (cms/models.py): a CmsItem's fields in order, less the
strength it is computed into."""


@dataclass(frozen=True, kw_only=True)
class Product:
    """One vial presentation with its labeled amount, as sold under one NDC: a [[drug.product]]
    table."""

    __pydantic_config__: ClassVar[dict[str, object]] = FILE_TABLE

    brand: str
    ndc: str | None = field(default=None, metadata={"pattern": NDC_PATTERN})
    """11-digit NDC in 5-4-2 form with hyphens; empty where it is not verified."""
    ndc_note: str | None = None
    strength: Annotated[Measure, ReadBy(read_mass)]
    volume: Annotated[Measure, ReadBy(read_volume)] | None = None
    form: Literal["solution", "lyophilized"]
    container: Annotated[
        Literal["single-dose", "multi-dose", "unconfirmed"], OneOf(("single-dose", "multi-dose"))
    ]
    """As the label says; "unconfirmed" only for a vial typed for a code no catalog verifies
    (core/catalog/container.py), never in a file."""
    reconstitute_with: Annotated[Measure, ReadBy(read_volume)] | None = None
    reconstituted_concentration: Annotated[Measure, ReadBy(read_concentration)] | None = None
    ndc_unit: Literal["GR", "ME", "ML", "UN"] | None = None
    """NCPDP billing unit for the NDC quantity; default ML for solutions, UN for powders
    (no F2 in a file: IU cannot come from a mass)."""
    sources: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The same rule the schema enforces, for products built in code (a vial typed by hand).
        problem = product_problem(self.form, self.volume, self.ndc, self.ndc_note)
        if problem:
            raise ValueError(problem)

    # cached_property: a product never changes, and these are read several times per calculation.
    @cached_property
    def label(self) -> str:
        """'300 mg/15 mL' for a solution, '100 mg' for a powder."""
        if (
            self.volume is not None and self.strength.unit != "mL"
        ):  # a bag billed by volume: "250 mL"
            return f"{self.strength}/{self.volume}"
        return str(self.strength)

    @cached_property
    def concentration(self) -> Decimal | None:
        """mg per mL as drawn: labeled for solutions, after reconstitution for powders."""
        if self.volume is not None:
            return self.strength.value / self.volume.value
        if self.reconstituted_concentration is not None:
            return self.reconstituted_concentration.value
        return None

    @cached_property
    def billing_ndc_unit(self) -> str:
        if self.ndc_unit:
            return self.ndc_unit
        if (
            ACTIVITY_KINDS.get(self.strength.unit, ("", ""))[1] == "IU"
        ):  # a product labeled in IU: the NDC quantity is its IU (F2)
            return "F2"
        return "ML" if self.form == "solution" else "UN"

    @cached_property
    def ndc11(self) -> str | None:
        return ndc_11(self.ndc) if self.ndc else None


@dataclass(frozen=True, kw_only=True)
class Drug:
    """One HCPCS code: what it bills, in which unit, and the vials that can be billed under it:
    a [[drug]] table."""

    __pydantic_config__: ClassVar[dict[str, object]] = FILE_TABLE

    hcpcs: str = field(metadata={"pattern": HCPCS_PATTERN})
    descriptor: str
    """The CMS long descriptor: the billing unit is read from it."""
    descriptor_note: str | None = None
    generic: str
    brands: list[str] = field(default_factory=list)
    billing_unit: Annotated[Measure, ReadBy(read_mass)]
    labeled_dose: Annotated[Measure, ReadBy(read_mass)] | None = None
    route: str
    preparation: str | None = None
    sources: list[str] = field(metadata={"min_length": 1})
    products: tuple[Product, ...] = field(metadata={"alias": "product", "min_length": 1})
    """Given as `product` (one [[drug.product]] table each) in the catalog file."""
    max_vials: int | None = field(default=None, metadata={"strict": True, "ge": 1, "le": 100})
    """Most vials one dose may use (1 for an intrathecal bolus drawn from one vial)."""
    drug_class: DrugClass = DEFAULT_DRUG_CLASS  # decides the administration code suggested
    dose_range: Annotated[DoseRange, ReadBy(read_dose_range)] | None = None
    """The label's, where verified; None: no range check."""
    source: Annotated[
        Literal["curated", "cms", "site"],
        NotInFile("the calculator notes where an entry came from"),
    ] = "curated"
    """Where the entry's facts come from: the packaged catalog, CMS's files only, or a site file."""
    cms_items: Annotated[
        tuple[CmsItem, ...], NotInFile("the NDCs CMS lists come from its quarter files")
    ] = ()
    """For a code known only from CMS: the NDCs listed under it (no container type, no route)."""

    @property
    def display_name(self) -> str:
        brand = self.brands[0] if self.brands else ""
        return f"{self.generic} ({brand})" if brand else self.generic

    @property
    def amount_unit(self) -> str:
        """What doses and vials of this code are measured in: "mg", "mL" or its activity kind
        (units.txt)."""
        return self.billing_unit.unit

    @property
    def with_code(self) -> str:
        """'onabotulinumtoxinA (Botox) (J0585)': the drug as a message names it."""
        return f"{self.display_name} ({self.hcpcs})"

    def names(self) -> set[str]:
        """Every name a user may type for this code: generic, brands, product brands."""
        names = {self.generic.lower()}  # added one by one: no generator for each of 10,000 entries
        for brand in self.brands:
            names.add(brand.lower())
        for product in self.products:
            names.add(product.brand.lower())
        return names
