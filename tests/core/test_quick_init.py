"""`quick_init` (core/numbers/frozen.py) gives a frozen dataclass a quicker `__init__` and changes
nothing else: same parameters and defaults, still frozen, same repr, equality, hash and replace;
and it refuses, at import, a class whose `__init__` does more than set its fields."""

from __future__ import annotations

import dataclasses
from dataclasses import FrozenInstanceError, InitVar, dataclass, field, replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infusion_calc.core.calculation.billing import Billing, ClaimLine, VialUse
from infusion_calc.core.calculation.dose_plan import DosePlan, Preparation, RoundingOption
from infusion_calc.core.calculation.dosing import PatientSize, ResolvedDose
from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.calculation.vials import Combination
from infusion_calc.core.numbers.frozen import quick_init
from infusion_calc.core.record.steps import Step

QUICK = (
    VialUse,
    ClaimLine,
    Billing,
    Combination,
    PatientSize,
    ResolvedDose,
    RoundingOption,
    Preparation,
    DosePlan,
    Calculation,
    Step,
)


def _plain(cls: type) -> type:
    """The same class made by dataclass alone, to compare against."""
    namespace = {"__annotations__": dict(cls.__annotations__)}
    for each in dataclasses.fields(cls):
        if each.default is not dataclasses.MISSING:
            namespace[each.name] = each.default
    return dataclass(frozen=True, slots=True)(type(cls.__name__, (), namespace))


@pytest.mark.parametrize("cls", QUICK, ids=lambda cls: cls.__name__)
def test_the_engine_records_take_the_quick_init(cls: type) -> None:
    """Each slot set by its own setter (the names the made `__init__` is given)."""
    setters = {f"_set_{each.name}" for each in dataclasses.fields(cls)}
    made = vars(cls)["__init__"]
    assert setters <= made.__globals__.keys()
    assert made.__qualname__ == f"{cls.__name__}.__init__"


@given(
    hcpcs=st.text(max_size=5),
    modifiers=st.lists(st.sampled_from(["JW", "JZ", "TB"]), max_size=2).map(tuple),
    units=st.integers(0, 10**6),
    quantity=st.none() | st.decimals(allow_nan=False, allow_infinity=False, places=3),
    by_keyword=st.booleans(),
)
def test_a_record_is_the_one_dataclass_would_make(
    hcpcs: str,
    modifiers: tuple[str, ...],
    units: int,
    quantity: Decimal | None,
    by_keyword: bool,
) -> None:
    values = (hcpcs, modifiers, units, "00002014380", "UN", quantity)
    names = [each.name for each in dataclasses.fields(ClaimLine)]
    plain = _plain(ClaimLine)
    if by_keyword:
        typed: dict[str, Any] = dict(zip(names, values))
        quick, made = ClaimLine(**typed), plain(**typed)
    else:
        quick, made = ClaimLine(*values), plain(*values)
    assert [getattr(quick, name) for name in names] == [getattr(made, name) for name in names]
    assert repr(quick).split("(", 1)[1] == repr(made).split("(", 1)[1]
    assert quick == ClaimLine(*values) and hash(quick) == hash(ClaimLine(*values))
    assert replace(quick, units=units + 1).units == units + 1


def test_defaults_and_missing_arguments_are_the_dataclass_own() -> None:
    plain = _plain(Calculation)
    defaults = vars(Calculation)["__init__"].__defaults__
    assert defaults == vars(plain)["__init__"].__defaults__ == ((), None, None)
    with pytest.raises(TypeError):
        Combination((1,))  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Combination((1,), Decimal(1), Decimal(2))  # type: ignore[call-arg]


def test_a_quick_record_is_still_frozen() -> None:
    line = VialUse(product=None, count=2)  # type: ignore[arg-type]
    with pytest.raises(FrozenInstanceError):
        line.count = 3  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del line.count


def _declared(body: dict[str, object], annotations: dict[str, object], **options: bool) -> type:
    return dataclass(**options)(type("Odd", (), {"__annotations__": annotations, **body}))


@pytest.mark.parametrize(
    "cls",
    [
        _declared({}, {"a": int}, frozen=False, slots=True),
        _declared({}, {"a": int}, frozen=True, slots=False),
        _declared({"b": field(default_factory=list)}, {"b": list}, frozen=True, slots=True),
        _declared({"a": field(init=False, default=1)}, {"a": int}, frozen=True, slots=True),
        _declared({"a": field(kw_only=True)}, {"a": int}, frozen=True, slots=True),
        _declared({"__post_init__": lambda self: None}, {"a": int}, frozen=True, slots=True),
        _declared(
            {"__post_init__": lambda self, b: None},
            {"a": int, "b": InitVar[int]},
            frozen=True,
            slots=True,
        ),
    ],
    ids=["not frozen", "no slots", "factory", "init=False", "kw_only", "post_init", "InitVar"],
)
def test_what_it_cannot_make_is_refused_at_import(cls: type) -> None:
    with pytest.raises(TypeError):
        quick_init(cls)
