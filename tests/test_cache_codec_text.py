"""The cache codec writes JSON text itself (issue 23 item 4): the same data json.dumps would
write, read back as it was, and a frozen record shared by many entries written once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infusion_calc import cache_codec
from infusion_calc.cache_codec import Schema, decode, encode
from infusion_calc.core.numbers.units import Measure


class Colour(str, Enum):
    RED = "red"


@dataclass(frozen=True)
class Box:
    items: tuple[Any, ...]
    label: str = ""
    extra: dict[Any, Any] | None = None


def _schema() -> Schema:
    return Schema(classes={"Box": Box, "Measure": Measure}, kept={}, adapters={})


def test_a_shared_frozen_record_is_written_once(monkeypatch: pytest.MonkeyPatch) -> None:
    written: list[str] = []
    record_text = cache_codec._record_text

    def counted(value: Any, name: str, schema: Schema) -> str:
        written.append(name)
        return record_text(value, name, schema)

    monkeypatch.setattr(cache_codec, "_record_text", counted)
    amount = Measure(Decimal("100"), "mg", "100 mg")
    text = encode(Box(tuple([amount] * 500)), _schema())
    assert written.count("Measure") == 1
    assert text.count('"100 mg"') == 500
    assert decode(text, _schema()) == Box(tuple([amount] * 500))


EXAMPLES: list[tuple[object, object]] = [
    (None, None),
    (True, True),
    (-7, -7),
    ('quote " and é\n', 'quote " and é\n'),
    (Colour.RED, "red"),
    ([1, "a", None], [1, "a", None]),
    (Decimal("1.50"), {"$d": "1.50"}),
    (date(2026, 7, 1), {"$day": "2026-07-01"}),
    ((1, 2), {"$t": [1, 2]}),
    ({"a": [1]}, {"a": [1]}),
    ({("x", 1): 2}, {"$m": [[{"$t": ["x", 1]}, 2]]}),
    ({"$a": 1}, {"$m": [["$a", 1]]}),
]


@pytest.mark.parametrize(("value", "plain"), EXAMPLES)
def test_the_text_is_the_json_of_the_tagged_data(value: object, plain: object) -> None:
    text = encode(value, _schema())
    assert json.loads(text) == plain
    assert json.dumps(plain, ensure_ascii=False, separators=(",", ":")) == text


def test_a_float_is_refused() -> None:
    with pytest.raises(TypeError):
        encode([1.5], _schema())


_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.dates(),
)
_value = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.text(max_size=5), inner, max_size=4),
        st.builds(Box, st.lists(inner, max_size=3).map(tuple), st.text(max_size=4)),
    ),
    max_leaves=20,
)


@given(_value)
def test_what_is_written_is_read_back(value: object) -> None:
    assert decode(encode(value, _schema()), _schema()) == value
