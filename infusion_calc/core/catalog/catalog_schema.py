"""A catalog file's [[drug]] tables validated into the records, by the records' own declaration.

Each field, its type and its rule are declared once, on the frozen records
(`catalog_records.py`, with `field_rules.py`), and pydantic reads them there: this module
declares no table. It adds only what no one field says: an entry's `unit_kind`, read before
its amounts, and the rule about the entry as a whole (`drug_problem`, with the product's own
rule in `Product.__post_init__`). A file's entries are validated in one call, so a large
site file costs no Python per field. Imported only when a source changed, never on a warm
start (the compiled catalog is loaded from the user cache: `infusion_calc/catalog_cache.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, TypeAdapter, ValidationInfo

from infusion_calc.core.catalog.catalog_records import Drug, drug_problem
from infusion_calc.core.catalog.field_rules import FromLoader
from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers.activity_kinds import ACTIVITY_KINDS
from infusion_calc.core.numbers.amounts import bind
from infusion_calc.core.numbers.units import kind_defined, parse_amount

UNIT_KIND = "unit_kind"
"""A file's word read before the amounts, not kept: the activity kind (units.txt) a code
billed in units is measured in; absent, the amounts are masses."""
_BOUND = ("billing_unit", "labeled_dose")


def _bound(value: Any, kind: str, what: str) -> Any:
    """A text amount read in the entry's activity kind; anything else is left to the field."""
    if not isinstance(value, str):
        return value
    try:
        return bind(parse_amount(value, "catalog"), kind, "catalog", what)
    except InputError as error:
        raise ValueError(error.message) from None


def _as_read(raw: Any, info: ValidationInfo) -> Any:
    """The table with the loader's values (where the entry came from: `FromLoader`, which a
    field no file writes takes, and refuses from the file) and its amounts in its unit_kind."""
    given: Mapping[str, FromLoader] = info.context or {}
    if not isinstance(raw, dict) or not (given or UNIT_KIND in raw):
        return raw
    table = dict(raw)
    for name, value in given.items():
        table.setdefault(name, value)  # a value the file wrote stays, to be refused
    return _in_its_unit_kind(table) if UNIT_KIND in table else table


def _in_its_unit_kind(raw: dict[str, Any]) -> dict[str, Any]:
    """ "1 unit", "100 units" bound to the entry's unit_kind before the amount fields are read."""
    bound = dict(raw)
    kind = bound.pop(UNIT_KIND)
    if kind is None:
        return bound
    if not isinstance(kind, str) or not kind_defined(kind):
        raise ValueError(
            f"unit_kind '{kind}' is not an activity kind of units.txt ({', '.join(ACTIVITY_KINDS)})"
        )
    what = f"{raw.get('generic', 'this drug')} ({raw.get('hcpcs', '')})"
    for name in _BOUND:
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


def _consistent_as_a_whole(drug: Drug) -> Drug:
    problem = drug_problem(drug.hcpcs, drug.generic, drug.descriptor, drug.billing_unit)
    if problem:
        raise ValueError(problem)
    return drug


def _entry(record: type[Drug]) -> Any:
    """One [[drug]] table read as `record` (a class given at run time: the checker sees Any)."""
    return Annotated[record, BeforeValidator(_as_read), AfterValidator(_consistent_as_a_whole)]


@cache
def entries_of(record: type[Drug] = Drug) -> TypeAdapter[list[Drug]]:
    """The validator of a file's [[drug]] list into `record`s, built once per record class."""
    entries: Any = list[_entry(record)]  # type: ignore[misc]  # a class given at run time
    return TypeAdapter(entries)


@cache
def _one_entry() -> TypeAdapter[Drug]:
    return TypeAdapter(_entry(Drug))


def validate_entries(raw: list[Any], loader: Mapping[str, object] | None = None) -> list[Drug]:
    """Every [[drug]] table of a file as a record, in one call, with the fields the loader sets
    (`{"source": "site"}`); pydantic's ValidationError names the first bad one by its position."""
    # Each value made a FromLoader once, not once for each of a 10,000-entry file's tables.
    given = {name: FromLoader(value) for name, value in (loader or {}).items()}
    return entries_of().validate_python(raw, context=given or None)


def validate_entry(raw: Any) -> Drug:
    """One [[drug]] table (or a drug typed for a code no catalog lists) as a record."""
    return _one_entry().validate_python(raw)
