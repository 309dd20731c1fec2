"""pint's answers kept across starts: a warm start
parses and prints exactly as pint would, without it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.core.numbers import unit_book as unit_book_module
from infusion_calc.core.numbers import units
from infusion_calc.core.numbers.unit_book import PRINTED_UNITS, UnitBook, unit_book, use_units
from infusion_calc.core.numbers.units import (
    Kind,
    format_amount,
    parse_concentration,
    parse_dose,
    parse_measure,
    parse_vial_size,
)

# Every spelling the parser maps, in each place it can be typed.
TYPED = [
    ("dose", "300 MG"),
    ("dose", "0.3 g"),
    ("dose", "300000 mcg"),
    ("dose", "0.3 gram"),
    ("dose", "0.3 grams"),
    ("dose", "5 mg/kg"),
    ("dose", "200 mcg/kg"),
    ("dose", "375 mg/m2"),
    ("dose", "375 mg/m²"),
    ("dose", "375 mg/m^2"),
    ("dose", "375 mg/m**2"),
    ("dose", "15 ml"),
    ("dose", "0.015 L"),
    ("dose", "5 mg/KG"),
    ("weight", "70 kg"),
    ("weight", "154 lb"),
    ("weight", "154 lbs"),
    ("weight", "70000 g"),
    ("height", "170 cm"),
    ("height", "67 in"),
    ("height", "67 inches"),
    ("height", "67 inch"),
    ("height", "1.7 m"),
    ("bsa", "1.9 m2"),
    ("vial", "300 mg/15 mL"),
    ("vial", "100 mg"),
    ("vial", "0.1 g/2 ml"),
    ("concentration", "20 mg/mL"),
    ("concentration", "20 mcg/ml"),
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


DEFINITIONS = (
    Path(__file__).resolve().parents[2] / "infusion_calc" / "data" / "units.txt"
).read_text(encoding="utf-8")


@pytest.fixture
def fresh_start(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A new process's state: a book with no answers yet, no typed text read (the book in use is
    put back afterwards for the other tests)."""
    monkeypatch.setattr(unit_book_module, "_in_use", [UnitBook(DEFINITIONS)])
    forget_parsed_texts()
    yield
    forget_parsed_texts()


def forget_parsed_texts() -> None:
    units.parse_dose.cache_clear()
    units.parse_vial_size.cache_clear()


class NoPint(UnitBook):
    @property
    def registry(self) -> Any:
        raise AssertionError("the registry was built: pint was asked")


def test_with_the_kept_answers_every_mapped_spelling_parses_and_prints_as_pint_says_without_pint(
    fresh_start: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_pint = {(where, text): parsed(where, text) for where, text in TYPED}
    printed = {unit: format_amount(Decimal("1.5"), unit) for unit in PRINTED_UNITS}
    kept = unit_book().every_answer()

    monkeypatch.setattr(
        unit_book_module, "_in_use", [NoPint(DEFINITIONS, kept)]
    )  # the next start, given what the cache kept
    forget_parsed_texts()
    assert {(where, text): parsed(where, text) for where, text in TYPED} == from_pint
    assert {unit: format_amount(Decimal("1.5"), unit) for unit in PRINTED_UNITS} == printed
    assert printed["m**2"] == "1.5 m²" and printed["mg/mL"] == "1.5 mg/mL"


def test_a_spelling_not_kept_is_asked_of_the_registry(fresh_start: None) -> None:
    use_units(DEFINITIONS, {("unit", "mg", ""): True})
    assert parse_dose("0.15 dL").amount.value == Decimal(
        15
    )  # decilitre: a pint prefix, in no table of ours
    assert unit_book().answers[("factor", "dL", "mL")] == Decimal(100)


def test_refused_and_unknown_words_still_say_why_with_the_answers_kept(
    fresh_start: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_units(DEFINITIONS, unit_book().every_answer())
    with pytest.raises(Exception, match="easily misread as mg"):
        parse_dose("300 ug")
    with pytest.raises(Exception, match="not a unit this calculator knows"):
        parse_dose("3 furlong")
    assert not any("furlong" in key for key in unit_book().answers)  # junk is never kept


def test_the_registry_is_built_from_the_definitions_handed_over(
    fresh_start: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The core reads no file: a definition the edge passes in is the one pint is asked about."""
    monkeypatch.setattr(
        unit_book_module, "_in_use", [UnitBook(DEFINITIONS + "\nsmidgen = 0.1 * mg\n")]
    )
    assert parse_dose("30 smidgen").amount.value == Decimal(3)


def test_without_definitions_handed_over_the_parser_says_the_edge_must_pass_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(unit_book_module, "_in_use", [])
    forget_parsed_texts()
    with pytest.raises(RuntimeError, match="the edge passes them in"):
        parse_dose("300 mg")
    forget_parsed_texts()


def test_no_core_module_opens_a_file() -> None:
    """The core takes text from the edge: no open(), read_text() or importlib.resources in it."""
    core = Path(__file__).resolve().parents[2] / "infusion_calc" / "core"
    readers = re.compile(r"\bopen\(|\.read_text\(|\.read_bytes\(|importlib\.resources|\bfiles\(")
    found = [
        f"{path.relative_to(core)}:{number}"
        for path in sorted(core.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if readers.search(line)
    ]
    assert found == []
