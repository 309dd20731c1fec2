"""The edge's half of the units: it reads data/units.txt and hands the text to the core's parser
(core/numbers/unit_book.py), which reads no file. Called at the start of every front end and by
whatever loads data; the same text again keeps the book in use and what it was told."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from infusion_calc.core.numbers.unit_book import UnitBook, use_units

UNITS_FILE = Path(__file__).resolve().parent / "data" / "units.txt"


def use_packaged_units(
    answers: Mapping[tuple[str, str, str], Decimal | bool | str] | None = None,
) -> UnitBook:
    """Hand the core the packaged unit definitions and, when a cache kept them, pint's answers."""
    return use_units(UNITS_FILE.read_text(encoding="utf-8"), answers)
