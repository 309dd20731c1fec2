"""pint's answers kept across starts: a warm start parses and prints exactly as pint would, without it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from infusion_calc.core import units
from infusion_calc.core.units import Kind, format_amount, parse_concentration, parse_dose, parse_measure, parse_vial_size

# Every spelling the parser maps, in each place it can be typed.
TYPED = [
    ("dose", "300 MG"), ("dose", "0.3 g"), ("dose", "300000 mcg"), ("dose", "0.3 gram"), ("dose", "0.3 grams"),
    ("dose", "5 mg/kg"), ("dose", "200 mcg/kg"), ("dose", "375 mg/m2"), ("dose", "375 mg/m²"), ("dose", "375 mg/m^2"),
    ("dose", "375 mg/m**2"), ("dose", "15 ml"), ("dose", "0.015 L"), ("dose", "5 mg/KG"),
    ("weight", "70 kg"), ("weight", "154 lb"), ("weight", "154 lbs"), ("weight", "70000 g"),
    ("height", "170 cm"), ("height", "67 in"), ("height", "67 inches"), ("height", "67 inch"), ("height", "1.7 m"),
    ("bsa", "1.9 m2"), ("vial", "300 mg/15 mL"), ("vial", "100 mg"), ("vial", "0.1 g/2 ml"),
    ("concentration", "20 mg/mL"), ("concentration", "20 mcg/ml"),
]
KINDS = {"weight": Kind.BODY_WEIGHT, "height": Kind.HEIGHT, "bsa": Kind.AREA}


def parsed(where: str, text: str) -> object:
    if where == "dose":
        return parse_dose(text)
    if where == "vial":
        return parse_vial_size(text)
    if where == "concentration":
        return parse_concentration(text, where)
    return parse_measure(text, KINDS[where], where)


@pytest.fixture
def fresh_start(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A new process's state: no answers yet, no typed text read (restored afterwards for the other tests)."""
    monkeypatch.setattr(units, "_answers", {})
    forget_parsed_texts()
    yield
    forget_parsed_texts()


def forget_parsed_texts() -> None:
    units.parse_dose.cache_clear()
    units.parse_vial_size.cache_clear()


def no_pint() -> None:
    raise AssertionError("the registry was built: pint was asked")


def test_with_the_kept_answers_every_mapped_spelling_parses_and_prints_as_pint_says_without_pint(fresh_start: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from_pint = {(where, text): parsed(where, text) for where, text in TYPED}
    printed = {unit: format_amount(Decimal("1.5"), unit) for unit in units._PRINTED_UNITS}
    kept = units.pint_answers()

    monkeypatch.setattr(units, "_answers", {})  # the next start ...
    forget_parsed_texts()
    units.remember(kept)  # ... given what the cache kept
    monkeypatch.setattr(units, "registry", no_pint)
    assert {(where, text): parsed(where, text) for where, text in TYPED} == from_pint
    assert {unit: format_amount(Decimal("1.5"), unit) for unit in units._PRINTED_UNITS} == printed
    assert printed["m**2"] == "1.5 m²" and printed["mg/mL"] == "1.5 mg/mL"


def test_a_spelling_not_kept_is_asked_of_the_registry(fresh_start: None) -> None:
    units.remember({("unit", "mg", ""): True})
    assert parse_dose("0.15 dL").amount.value == Decimal(15)  # decilitre: a pint prefix, in no table of ours
    assert units._answers[("factor", "dL", "mL")] == Decimal(100)


def test_refused_and_unknown_words_still_say_why_with_the_answers_kept(fresh_start: None, monkeypatch: pytest.MonkeyPatch) -> None:
    units.remember(units.pint_answers())
    with pytest.raises(Exception, match="easily misread as mg"):
        parse_dose("300 ug")
    with pytest.raises(Exception, match="not a unit this calculator knows"):
        parse_dose("3 furlong")
    assert not any("furlong" in key for key in units._answers)  # junk is never kept
