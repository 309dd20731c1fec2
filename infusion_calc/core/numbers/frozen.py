"""A quicker `__init__` for the frozen, slotted dataclasses a calculation makes by the dozen.

A frozen dataclass sets each field in `__init__` through `object.__setattr__(self, name, value)`,
which looks the slot up by name every time: about 150 ns a field, and one calculation makes some
25 records with about 70 fields between them (steps, claim lines, the billing, the plan...), a
tenth of its time. `quick_init` gives the class an `__init__` that calls each slot's own setter
(the member descriptor the slots made), about half the cost. Everything else is the dataclass's:
frozen after `__init__`, the same signature, defaults, `repr`, `==`, `hash` and
`dataclasses.replace`.

In the numbers room, the lowest, so that every room's records can use it.
"""

from __future__ import annotations

from dataclasses import MISSING, fields, is_dataclass
from typing import Any, TypeVar

Record = TypeVar("Record", bound=type)


def quick_init(cls: Record) -> Record:
    """Put above `@dataclass(frozen=True, slots=True)`. Refuses (TypeError at import) a class
    whose `__init__` does more than set its fields: a `__post_init__`, an `InitVar`, a field
    left out of `__init__`, a default factory or a keyword-only field."""
    if not is_dataclass(cls) or "__slots__" not in cls.__dict__:
        raise TypeError(f"{cls.__name__}: quick_init takes a dataclass made with slots=True")
    if not cls.__dataclass_params__.frozen or hasattr(cls, "__post_init__"):  # type: ignore[attr-defined]
        raise TypeError(f"{cls.__name__}: quick_init takes a frozen dataclass, no __post_init__")
    namespace: dict[str, Any] = {}
    parameters, body = [], []
    for field in fields(cls):
        if field.default_factory is not MISSING:
            raise TypeError(f"{cls.__name__}.{field.name}: no default factory with quick_init")
        if field.default is MISSING:
            parameters.append(field.name)
        else:
            namespace[f"_default_{field.name}"] = field.default
            parameters.append(f"{field.name}=_default_{field.name}")
        namespace[f"_set_{field.name}"] = cls.__dict__[field.name].__set__
        body.append(f"    _set_{field.name}(self, {field.name})")
    # Generated as the dataclass's own is (by exec), since only a def gives named parameters.
    text = f"def __init__(self, {', '.join(parameters)}):\n" + "\n".join(body) + "\n"
    exec(text, namespace)  # noqa: S102 - the text is made above from the class's field names
    made = namespace["__init__"]
    _same_signature(cls, made)
    made.__qualname__ = f"{cls.__qualname__}.__init__"
    made.__module__ = cls.__module__
    cls.__init__ = made  # type: ignore[method-assign]
    return cls


def _same_signature(cls: type, made: Any) -> None:
    """The dataclass's parameters, in order, with the same defaults, or a TypeError: whatever
    this module does not handle (an InitVar, init=False, kw_only) shows here, at import."""
    given, ours = cls.__init__.__code__, made.__code__  # type: ignore[misc]
    names = given.co_varnames[: given.co_argcount]
    if (
        names != ours.co_varnames[: ours.co_argcount]
        or given.co_kwonlyargcount
        or cls.__init__.__defaults__ != made.__defaults__  # type: ignore[misc]
    ):
        raise TypeError(f"{cls.__name__}: its __init__ does more than quick_init can make")
