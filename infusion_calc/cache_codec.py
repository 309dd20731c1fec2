"""The compiled catalog as plain JSON data, and back: a format that cannot run code when read.

A pickle names any importable callable and calls it on load, so a planted or flipped
file runs code. Here the file holds only JSON's own types. A few of them are tagged
objects: a Decimal, a date, a tuple, a mapping with keys other than text, and a record
of one of the classes the caller lists (`{"$c": "Drug", "f": {...fields}}`). Reading
builds only those classes, from their fields (a field at its default is left out), through
their own constructors; a tag or class name outside the list is an error (the cache reader
makes it a miss). A field's cached value is kept only where the caller names it.
"""

from __future__ import annotations

import dataclasses
import json
import keyword
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any


class NotCacheData(ValueError):
    """The text is not data this codec wrote for these classes."""


@dataclasses.dataclass(frozen=True)
class Schema:
    """The classes a file may hold, by name;
    `kept` names the cached attributes written with them."""

    classes: Mapping[str, type]
    kept: Mapping[str, tuple[str, ...]]
    adapters: Mapping[type, tuple[Callable[[Any], Any], Callable[[Any], Any]]]
    """Non-dataclass types: (to plain data, from plain data), tagged by class name."""
    written: dict[int, tuple[Any, str]] = dataclasses.field(default_factory=dict)
    """A frozen record already written, by identity, with its text: a 10,000-entry site
    file shares a few dozen amounts ("100 mg") among 30,000 fields. The record is kept with it,
    so its id cannot be reused while this schema writes."""


def encode(value: Any, schema: Schema) -> str:
    """`value` as one line of JSON text, written directly: a frozen record's text is made once and
    spliced wherever it stands (a 10,000-entry site file repeats a few dozen amounts in 30,000
    fields), where building plain data for json.dumps to walk again made and walked each copy."""
    return _text(value, schema)


_SCALARS = frozenset({type(None), bool, int, str})
_REQUIRED = object()
_FIELDS: dict[type, tuple[tuple[str, str, Any], ...]] = {}
_FROZEN: dict[type, bool] = {}
_string = json.encoder.encode_basestring  # JSON's own string writer (C), as ensure_ascii=False
_CONSTANTS = {None: "null", True: "true", False: "false"}


def _frozen_slots(kind: type) -> bool:
    """Whether records of this dataclass are frozen and without a __dict__: nothing about one can
    change once written (Measure). Found once per class; TypeError for a class not a dataclass."""
    found = _FROZEN.get(kind)
    if found is None:
        if not dataclasses.is_dataclass(kind):
            raise TypeError(f"{kind.__name__} is not a class this cache may hold")
        params = getattr(kind, "__dataclass_params__", None)
        frozen = bool(params and params.frozen)
        found = _FROZEN[kind] = frozen and "__dict__" not in dir(kind)
    return found


def _init_fields(cls: type) -> tuple[tuple[str, str, Any], ...]:
    """Each field the constructor takes, as its JSON key, with its default (_REQUIRED when none),
    found once per class: `dataclasses.fields` on each of 30,000 records was a third of writing
    a large site catalog."""
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = tuple(
            (
                field.name,
                _string(field.name) + ":",
                field.default
                if field.default is not dataclasses.MISSING
                else _REQUIRED
                if field.default_factory is dataclasses.MISSING
                else field.default_factory(),
            )
            for field in dataclasses.fields(cls)
            if field.init
        )
    return found


FieldsWriter = Callable[[Any, "Schema"], list[str]]
_WRITERS: dict[type, FieldsWriter] = {}


def _fields_writer(cls: type) -> FieldsWriter:
    """The function that writes a record's fields, each not at its default as `"key":value`,
    made once per class with a line per field: a loop over the fields, looking each up by name
    and testing whether it has a default, was most of writing 20,000 records."""
    found = _WRITERS.get(cls)
    if found is not None:
        return found
    namespace: dict[str, Any] = {"_string": _string, "_text": _text}
    body = []
    for number, (field, key, default) in enumerate(_init_fields(cls)):
        if not field.isidentifier() or keyword.iskeyword(field):  # written as `value.{field}`
            raise TypeError(f"{cls.__name__}: a field named {field!r}")
        namespace[f"_key{number}"], namespace[f"_default{number}"] = key, default
        namespace[f"_kind{number}"] = type(default)
        # Text as is; a frozen record written already (an amount) as its text, without a call.
        write = [
            "if type(given) is str:",
            "    text = _string(given)",
            "elif (seen := written.get(id(given))) is not None and seen[0] is given:",
            "    text = seen[1]",
            "else:",
            "    text = _text(given, schema)",
            f"fields.append(_key{number} + text)",
        ]
        body.append(f"given = value.{field}")
        if default is _REQUIRED:
            body.extend(write)
        else:  # a field at its default is left out: the constructor gives it back
            body.append(f"if type(given) is not _kind{number} or given != _default{number}:")
            body.extend(f"    {line}" for line in write)
    text = "def write(value, schema):\n    fields = []\n    written = schema.written\n"
    text += "".join(f"    {line}\n" for line in body) + "    return fields\n"
    exec(text, namespace)  # noqa: S102 - the text is made above from the class's field names
    made: FieldsWriter = namespace["write"]
    _WRITERS[cls] = made
    return made


def _scalar(value: Any) -> str:
    """None, a bool, an int or a str (or a subclass of one: an enum) as JSON writes it."""
    if value is None or value is True or value is False:
        return _CONSTANTS[value]
    return _string(value) if isinstance(value, str) else int.__repr__(value)


def _items(values: Any, schema: Schema) -> str:
    if values and type(values[0]) is str:  # names, sources: written by JSON's own writer, in C
        try:
            return ",".join(map(_string, values))
        except TypeError:  # not text after all
            pass
    return ",".join(
        [_string(item) if type(item) is str else _text(item, schema) for item in values]
    )


def _text(value: Any, schema: Schema) -> str:
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind in _SCALARS:
        return _scalar(value)
    if kind is list:  # a record's list of names or sources: checked before the classes
        return f"[{_items(value, schema)}]"
    if kind is tuple:  # a drug's products: checked before the classes too
        return '{"$t":[' + _items(value, schema) + "]}"
    name = kind.__name__
    if schema.classes.get(name) is kind:  # a record: most of what a large catalog holds
        return _tagged(value, kind, name, schema)
    if isinstance(value, (bool, int, str)):
        return _scalar(value)
    if kind is Decimal:
        return '{"$d":' + _string(str(value)) + "}"
    if isinstance(value, date):
        return '{"$day":' + _string(value.isoformat()) + "}"
    if isinstance(value, tuple):
        return '{"$t":[' + _items(value, schema) + "]}"
    if isinstance(value, list):
        return f"[{_items(value, schema)}]"
    if isinstance(value, dict):
        if all(type(key) is str and not key.startswith("$") for key in value):
            pairs = (f"{_string(key)}:{_text(item, schema)}" for key, item in value.items())
            return "{" + ",".join(pairs) + "}"
        pairs = (f"[{_text(key, schema)},{_text(item, schema)}]" for key, item in value.items())
        return '{"$m":[' + ",".join(pairs) + "]}"
    raise TypeError(f"{name} is not a class this cache may hold")


def _tagged(value: Any, kind: type, name: str, schema: Schema) -> str:
    seen = schema.written.get(id(value))
    if seen is not None and seen[0] is value:  # a frozen record written already: most amounts
        return seen[1]
    adapter = schema.adapters.get(kind)
    if adapter is not None:
        return '{"$c":' + _string(name) + ',"v":' + _text(adapter[0](value), schema) + "}"
    if not _frozen_slots(kind):
        return _record_text(value, name, schema)
    text = _record_text(value, name, schema)
    schema.written[id(value)] = (value, text)
    return text


def _record_text(value: Any, name: str, schema: Schema) -> str:
    fields = _fields_writer(type(value))(value, schema)
    text = '{"$c":' + _string(name) + ',"f":{' + ",".join(fields) + "}"
    kept = schema.kept.get(name)
    if not kept:  # the usual case: no cached attribute named for this class
        return text + "}"
    cached = [
        f"{_string(key)}:{_text(value.__dict__[key], schema)}"
        for key in kept
        if key in value.__dict__
    ]
    return text + (',"k":{' + ",".join(cached) + "}}" if cached else "}")


def decode(text: str | bytes, schema: Schema) -> Any:
    """The value `encode` wrote; NotCacheData for anything else
    (never a call outside the schema)."""
    try:
        return json.loads(text, object_hook=lambda raw: _object(raw, schema), parse_float=_no_float)
    except NotCacheData:
        raise
    except (
        Exception
    ) as error:  # a constructor's own check, a bad decimal or date, nesting too deep: not our data
        raise NotCacheData(f"{type(error).__name__}: {error}") from None


def _no_float(text: str) -> Any:
    raise NotCacheData(f"a float ({text}): the cache holds exact decimals only")


def _object(raw: dict[str, Any], schema: Schema) -> Any:
    if "$c" in raw:
        return _record(raw, schema)
    if len(raw) != 1 or not next(iter(raw)).startswith("$"):
        return raw
    ((tag, value),) = raw.items()
    if tag == "$d" and type(value) is str:
        return Decimal(value)
    if tag == "$day" and type(value) is str:
        return date.fromisoformat(value)
    if tag == "$t" and type(value) is list:
        return tuple(value)
    if tag == "$m" and type(value) is list:
        return {key: item for key, item in value}
    raise NotCacheData(f"unknown tag {tag}")


def _record(raw: dict[str, Any], schema: Schema) -> Any:
    cls = schema.classes.get(raw["$c"]) if type(raw["$c"]) is str else None
    if cls is None:
        raise NotCacheData(f"class {raw['$c']!r} is not one this cache may hold")
    adapter = schema.adapters.get(cls)
    if adapter is not None:
        return adapter[1](raw["v"])
    fields = raw["f"]
    if type(fields) is not dict:
        raise NotCacheData("a record without its fields")
    value = cls(**fields)
    for key, cached in (raw.get("k") or {}).items():
        if key not in schema.kept.get(raw["$c"], ()):
            raise NotCacheData(f"{raw['$c']}.{key} is not kept in this cache")
        value.__dict__[key] = cached  # a cached_property's slot, as computing it would fill it
    return value
