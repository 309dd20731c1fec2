"""What pint says about a unit, asked once per question and kept:
the one registry behind the parser.

pint is asked each question once: whether a spelling is a unit, its dimension, its exact factor
to a canonical unit, its printed symbol. A `UnitBook` holds the unit definitions (the text of
data/units.txt, which the edge reads: the core reads no file) and the answers given so far. The
edge stores the answers for every spelling the parser maps in its compiled cache and hands them
back with the definitions at start (`use_units`), so a warm start parses and prints without
building the registry or importing pint (~0.2 s). A spelling not answered yet builds the
registry from the definitions on first need; every answer still comes from it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from infusion_calc.core.numbers.activity_kinds import ACTIVITY_KINDS

if TYPE_CHECKING:
    import pint

Answer = Decimal | bool | str
Question = tuple[str, str, str]
"""(question, spelling, about): ("factor", "mL", "L"), ("unit", "mg", ""), ..."""

# How people type units at the chair, mapped to the spelling our registry defines.
# Looked up case-insensitively ("ML", "Mg", "KG" are all meant the obvious way).
SPELLINGS = {
    "mg": "mg",
    "g": "g",
    "mcg": "mcg",
    "kg": "kg",
    "gram": "g",
    "grams": "g",
    "lb": "lb",
    "lbs": "lb",
    "cm": "cm",
    "in": "in",
    "inch": "in",
    "inches": "in",
    "m": "m",
    "ml": "mL",
    "l": "L",
    "m2": "m**2",
    "m²": "m**2",
    "m^2": "m**2",
    "m**2": "m**2",
    # Activity units as typed: bound to the product's own
    # kind by core/numbers/amounts.py, never converted.
    "unit": "unit",
    "units": "unit",
    "iu": "IU",
    "dose": "dose",
    "doses": "dose",
}

# The canonical units each dimension is converted to, and the units amounts are printed in.
CANONICAL = {
    "[mass]": ("mg", "kg"),
    "[volume]": ("mL",),
    "[length]": ("cm",),
    "[area]": ("m**2",),
    "[activity]": ("unit",),
    "[international_activity]": ("IU",),
    "[dose_count]": ("dose",),
}
PRINTED_UNITS = ("mg", "mL", "kg", "cm", "m**2", "mg/kg", "mg/m**2", "mg/mL")
MAX_ANSWERS = 4096  # a batch of junk spellings cannot grow the answers without bound


def spelling(word: str) -> str:
    """The registry's spelling of a typed unit word ("ML" -> "mL"); other words as typed."""
    return SPELLINGS.get(word.strip().lower(), word.strip())


class UnitBook:
    """The unit definitions and pint's answers about them, asked once per question."""

    def __init__(self, definitions: str, answers: Mapping[Question, Answer] | None = None) -> None:
        self.definitions = definitions
        # Keyed by our spelling ("mL" for "ML" or "ml"): hashing a str costs nothing, and these
        # are read several times per calculation.
        self.answers: dict[Question, Answer] = dict(answers or {})

    @cached_property
    def registry(self) -> pint.UnitRegistry[Decimal]:
        """The one unit registry, with exact Decimal magnitudes;
        built when pint is first asked something."""
        # pint imports numpy whenever it is installed (the report's charts install it), and the
        # registry needs none of it: ~0.1 s of every cold start. Hidden while pint loads, unless
        # something (a chart) loaded it already; afterwards numpy imports as usual.
        hidden = "numpy" not in sys.modules
        if hidden:
            sys.modules["numpy"] = None  # type: ignore[assignment]
        try:
            import pint  # ~0.2 s: only when an answer is not kept
        finally:
            if hidden:
                del sys.modules["numpy"]
        return pint.UnitRegistry(self.definitions.splitlines(), non_int_type=Decimal)

    def _ask_pint(self, question: str, spelled: str, about: str) -> Answer:
        units = self.registry
        if question == "symbol":
            return format(units.parse_units(spelled), "~P")
        unit = units.parse_units(
            spelled
        )  # one word through pint's unit parser, never its expression parser
        if question == "unit":
            return True
        quantity = units.Quantity(Decimal(1), unit)
        if question == "dimension":
            return bool(quantity.check(about))
        magnitude: Decimal = quantity.to(
            about
        ).magnitude  # "factor": exact, since every definition is decimal
        return magnitude

    def ask(self, question: str, spelled: str, about: str = "") -> Answer:
        key = (question, spelled, about)
        found = self.answers.get(key)
        if found is None:
            found = self._ask_pint(question, spelled, about)
            if len(self.answers) < MAX_ANSWERS:
                self.answers[key] = found
        return found

    def every_answer(self) -> dict[Question, Answer]:
        """pint's answers for every spelling the parser maps and every unit printed,
        to keep across starts."""
        for spelled in sorted(set(SPELLINGS.values())):
            self.ask("unit", spelled)
            for dimension, canonical_units in CANONICAL.items():
                if self.ask("dimension", spelled, dimension):
                    for canonical in canonical_units:
                        self.ask("factor", spelled, canonical)
        for unit in PRINTED_UNITS:
            self.ask("symbol", unit)
        for kind, (dimension, _printed, _typed) in ACTIVITY_KINDS.items():
            self.ask("dimension", kind, dimension)
        return dict(self.answers)


_in_use: list[UnitBook] = []
"""The book the parser asks: the one the edge handed over last
(one slot, so a start is one call)."""


def use_units(definitions: str, answers: Mapping[Question, Answer] | None = None) -> UnitBook:
    """Parse and print with these definitions (the text of data/units.txt) and the answers kept
    in an earlier start, from now on: the edge calls it when it loads the catalog. The same
    definitions again keep the book in use, with what it was already told."""
    if _in_use and _in_use[0].definitions == definitions:
        _in_use[0].answers.update(answers or {})
    else:
        _in_use[:] = [UnitBook(definitions, answers)]
    return _in_use[0]


def unit_book() -> UnitBook:
    """The book in use; refused, naming the fix, when the edge has handed none over."""
    if not _in_use:
        raise RuntimeError(
            "no unit definitions: the edge passes them in "
            "(infusion_calc.catalog_cache.use_packaged_units)"
        )
    return _in_use[0]


def ask(question: str, spelled: str, about: str = "") -> Answer:
    """pint's answer, from the book in use."""
    return unit_book().ask(question, spelled, about)
