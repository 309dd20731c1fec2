"""The catalog's validation rules as pydantic models: the one authority on what an entry may say.

Every catalog source (packaged, site file) is validated here, once: commands then load
the compiled result from the user cache (`infusion_calc/catalog_cache.py`), so pydantic
is imported only when a source changed, never on a warm start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from functools import cache, lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, model_validator

from infusion_calc.core.catalog import catalog_records as records
from infusion_calc.core.catalog.catalog_fields import (
    DEFAULT_DRUG_CLASS,
    DoseRange,
    DrugClass,
    read_dose_range,
)
from infusion_calc.core.catalog.catalog_records import drug_problem, product_problem
from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers.activity_kinds import ACTIVITY_KINDS
from infusion_calc.core.numbers.amounts import bind
from infusion_calc.core.numbers.units import (
    Kind,
    Measure,
    kind_defined,
    parse_amount,
    parse_concentration,
    parse_measure,
)


def _quantity(kind: Kind) -> Callable[[Any], Measure]:
    """The validator of a quantity of one kind, given as text in the catalog."""

    def validate(value: Any) -> Measure:
        if isinstance(value, Measure):
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected text such as '{kind.example.split('such as ')[1]}'")
        try:
            return _measure(value, kind)
        except InputError as error:
            raise ValueError(error.message) from None

    return validate


@lru_cache(maxsize=4096)
def _measure(text: str, kind: Kind) -> Measure:
    """A catalog's quantity read once per spelling:
    a 10,000-entry site file repeats a few dozen ("100 mg")."""
    return parse_measure(
        text, kind, "catalog"
    )  # a Measure is frozen: one may stand in many entries


@cache
def _record_fields(record: type) -> tuple[str, ...]:
    """The fields a record is built from, found once per class (not per entry of a large file)."""
    return tuple(field.name for field in fields(record))


def _concentration(value: Any) -> Measure:
    if isinstance(value, Measure):
        return value
    try:
        return parse_concentration(str(value), "catalog")
    except InputError as error:
        raise ValueError(error.message) from None


def _bound(value: Any, kind: str, what: str) -> Any:
    """A text amount read in the entry's activity kind;
    anything else is left for the field's own validator."""
    if not isinstance(value, str):
        return value
    try:
        return bind(parse_amount(value, "catalog"), kind, "catalog", what)
    except InputError as error:
        raise ValueError(error.message) from None


def _record_as_fields(value: Any) -> Any:
    """A Product record (a product typed by hand) validates like the entry it came from."""
    if isinstance(value, records.Product):
        return {field.name: getattr(value, field.name) for field in fields(value)}
    return value


# Written out, not built by a function, so the type checker sees them as types.
Mass = Annotated[
    Measure, BeforeValidator(_quantity(Kind.MASS)), PlainSerializer(str, return_type=str)
]
Volume = Annotated[
    Measure, BeforeValidator(_quantity(Kind.VOLUME)), PlainSerializer(str, return_type=str)
]
Concentration = Annotated[
    Measure, BeforeValidator(_concentration), PlainSerializer(str, return_type=str)
]


# Named apart from the records they build (catalog.Product, catalog.Drug); pydantic's message
# naming the class for a value that is not a table is reworded in catalog.parse_catalog.
class ProductEntry(BaseModel):
    """One [[drug.product]] table: the fields and rules of `catalog.Product`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    brand: str
    ndc: Annotated[str, Field(pattern=r"^[0-9]{5}-[0-9]{4}-[0-9]{2}$")] | None = None
    ndc_note: str | None = None
    strength: Mass
    volume: Volume | None = None
    form: Literal["solution", "lyophilized"]
    container: Literal["single-dose", "multi-dose"]
    reconstitute_with: Volume | None = None
    reconstituted_concentration: Concentration | None = None
    ndc_unit: Literal["GR", "ME", "ML", "UN"] | None = None  # no F2: IU cannot come from a mass
    sources: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> "ProductEntry":
        problem = product_problem(self.form, self.volume, self.ndc, self.ndc_note)
        if problem:
            raise ValueError(problem)
        return self

    def record(self) -> records.Product:
        return records.Product(
            **{name: getattr(self, name) for name in _record_fields(records.Product)}
        )


class DrugEntry(BaseModel):
    """One [[drug]] table: the fields and rules of `catalog.Drug`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hcpcs: Annotated[str, Field(pattern=r"^[A-Z][0-9]{4}$")]
    descriptor: str
    descriptor_note: str | None = None
    unit_kind: str | None = None
    """The activity kind (units.txt) a code billed in units is measured in; None: by mass."""
    generic: str
    brands: list[str] = Field(default_factory=list)
    billing_unit: Mass
    labeled_dose: Mass | None = None
    route: str
    preparation: str | None = None
    sources: list[str] = Field(min_length=1)
    products: tuple[Annotated[ProductEntry, BeforeValidator(_record_as_fields)], ...] = Field(
        alias="product", min_length=1
    )
    max_vials: Annotated[int, Field(strict=True, ge=1, le=100)] | None = None
    drug_class: DrugClass = DEFAULT_DRUG_CLASS
    dose_range: Annotated[DoseRange, BeforeValidator(read_dose_range)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _in_its_unit_kind(cls, raw: Any) -> Any:
        """ "1 unit", "100 units" bound to the entry's unit_kind before the amount fields are
        read."""
        if not isinstance(raw, dict) or raw.get("unit_kind") is None:
            return raw
        kind = raw["unit_kind"]
        if not isinstance(kind, str) or not kind_defined(kind):
            raise ValueError(
                f"unit_kind '{kind}' is not an activity kind of units.txt "
                f"({', '.join(ACTIVITY_KINDS)})"
            )
        what = f"{raw.get('generic', 'this drug')} ({raw.get('hcpcs', '')})"
        bound = dict(raw)
        for name in ("billing_unit", "labeled_dose"):
            bound[name] = _bound(raw.get(name), kind, what)
        products = raw.get("product")
        if isinstance(products, list):
            bound["product"] = [
                {**product, "strength": _bound(product.get("strength"), kind, what)}
                if isinstance(product, dict)
                else product
                for product in products
            ]
        return bound

    @model_validator(mode="after")
    def _consistent_as_a_whole(self) -> "DrugEntry":
        problem = drug_problem(self.hcpcs, self.generic, self.descriptor, self.billing_unit)
        if problem:
            raise ValueError(problem)
        return self

    def record(self) -> records.Drug:
        # source and cms_items are set by the loader, not written in a catalog file.
        written = type(self).model_fields
        values = {
            name: getattr(self, name)
            for name in _record_fields(records.Drug)
            if name in written and name != "products"
        }
        return records.Drug(**values, products=tuple(product.record() for product in self.products))
