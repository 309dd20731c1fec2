"""How a catalog file's value is read into a record's field, said once, beside the field.

The records (`catalog_records.py`) declare each field once: its type, pydantic's own keywords
in the field's metadata (`pattern`, `min_length`, `alias`, ...) and, where a file's value needs
more than its type says, one of these markers in `Annotated`. The markers are plain objects:
pydantic asks them for their schema only when a catalog is validated (`catalog_schema.py`),
so a warm start, which only builds records from the cache, never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers.units import Kind, Measure, parse_concentration, parse_measure

HCPCS_PATTERN = r"^[A-Z][0-9]{4}$"
NDC_PATTERN = r"^[0-9]{5}-[0-9]{4}-[0-9]{2}$"
"""11 digits in 5-4-2 form with hyphens, ASCII digits only."""

FILE_TABLE: dict[str, object] = {"extra": "forbid", "revalidate_instances": "always"}
"""How pydantic reads a record from a file's table (a plain dict, pydantic's config keys): no
key the record does not declare, and a record given in a table's place (a vial typed by hand)
is checked field by field as the table it stands for."""


@dataclass(frozen=True, slots=True)
class ReadBy:
    """The field's value is what `reader` makes of the file's value (ValueError: why not)."""

    reader: Callable[[Any], Any]

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        # Lazy: asked only while a catalog is validated; a warm start never imports pydantic.
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(self.reader)


@dataclass(frozen=True, slots=True)
class OneOf:
    """A file may write only these of the values the field's type allows."""

    choices: tuple[str, ...]

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        # Lazy: asked only while a catalog is validated; a warm start never imports pydantic.
        from pydantic_core import core_schema

        return core_schema.literal_schema(list(self.choices))


@dataclass(frozen=True, slots=True)
class FromLoader:
    """A value the loader gives a field no file may write (no TOML value is one of these)."""

    value: object


@dataclass(frozen=True, slots=True)
class NotInFile:
    """A field the calculator sets (where the entry came from, CMS's NDCs): never a file's."""

    why: str

    def take(self, value: Any) -> Any:
        if type(value) is FromLoader:
            return value.value
        raise ValueError(f"not written in a catalog file: {self.why}")

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        # Lazy: asked only while a catalog is validated; a warm start never imports pydantic.
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(self.take)


_SPELLINGS_KEPT = 4096
"""Spellings a reader keeps the quantity of (a few hundred KB at most, however many a file has)."""


def _quantity_reader(kind: Kind) -> Callable[[Any], Measure]:
    """The reader of one kind of quantity: one call per field of a 10,000-entry file, so a
    spelling already read costs a look-up and no more: a 10,000-entry site file repeats a few
    dozen ("100 mg"), and a Measure is frozen, so one may stand in many entries. Kept by spelling
    in a dict of this kind's own (an lru_cache keyed by the spelling and the kind hashed the kind,
    an Enum, in Python: a third of reading a quantity)."""
    expected = f"expected text such as '{kind.example.split('such as ')[1]}'"
    kept: dict[str, Measure] = {}

    def read(value: Any) -> Measure:
        if type(value) is str:
            found = kept.get(value)
            if found is not None:
                return found
        if isinstance(value, str):
            try:
                found = parse_measure(value, kind, "catalog")
            except InputError as error:
                raise ValueError(error.message) from None
            if len(kept) < _SPELLINGS_KEPT:
                kept[value] = found
            return found
        if isinstance(value, Measure):
            return value
        raise ValueError(expected)

    return read


read_mass = _quantity_reader(Kind.MASS)
"""A labeled amount: '300 mg' (or '100 units' once bound to the entry's unit_kind)."""
read_volume = _quantity_reader(Kind.VOLUME)


def read_concentration(value: Any) -> Measure:
    if isinstance(value, Measure):
        return value
    try:
        return parse_concentration(str(value), "catalog")
    except InputError as error:
        raise ValueError(error.message) from None
