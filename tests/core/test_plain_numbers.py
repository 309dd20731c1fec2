"""`rounding.plain`: a Decimal as people write it, kept per spelling without hashing the Decimal
(a fresh Decimal's hash costs more than the text: a batch row prints a dose no row printed before).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from infusion_calc.core.numbers import rounding
from infusion_calc.core.numbers.rounding import plain


@given(
    value=st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(
        lambda value: abs(value.adjusted()) < 20
    )
)
def test_plain_is_the_normalized_fixed_point_text(value: Decimal) -> None:
    expected = format(value.normalize(), "f")
    assert plain(value) == expected
    assert plain(value) == expected  # kept or not


def test_equal_values_spelled_apart_print_alike_and_zero_keeps_its_sign() -> None:
    assert plain(Decimal("365.0")) == plain(Decimal("365.00")) == plain(Decimal("3.65E+2")) == "365"
    assert plain(Decimal("1.2E+2")) == "120"
    assert plain(Decimal("-0")) == "-0" and plain(Decimal("0.00")) == "0"


def test_texts_are_kept_by_the_decimals_spelling_not_its_hash() -> None:
    plain(Decimal("522.50"))
    assert all(type(key) is str for key in rounding._PLAIN_CACHE)
    assert rounding._PLAIN_CACHE.get("522.50") == "522.5"
