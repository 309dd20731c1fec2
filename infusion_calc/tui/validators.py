"""Input validators that ask the core's strict parsers, so every rule lives in one place.

Each validator names a parser by module and function and imports it on first use:
importing the core builds the unit registry, which must wait until after the first
frame. An empty field is accepted here; whether a value is needed at all is the
engine's decision (a weight only for a per-kg dose, and so on).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from textual.validation import ValidationResult, Validator


class CoreParser(Validator):
    """Valid when the named core parser accepts the text; else its InputError message."""

    def __init__(self, module: str, function: str, *args: Any) -> None:
        super().__init__()
        self._where = (module, function)
        self._args = args
        self._parse: Callable[..., Any] | None = None

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.success()
        if self._parse is None:
            self._parse = getattr(import_module(self._where[0]), self._where[1])
        errors = import_module("infusion_calc.core.errors")
        try:
            self._parse(value, *self._args)
        except errors.InputError as error:
            return self.failure(error.message)
        return self.success()


def dose() -> CoreParser:
    return CoreParser("infusion_calc.core.numbers.units", "parse_dose")


def weight() -> CoreParser:
    return CoreParser("infusion_calc.core.calculation.dosing", "parse_weight")


def height() -> CoreParser:
    return CoreParser("infusion_calc.core.calculation.dosing", "parse_height")


def bsa() -> CoreParser:
    return CoreParser("infusion_calc.core.calculation.dosing", "parse_bsa")


def vial_size() -> CoreParser:
    return CoreParser("infusion_calc.core.numbers.units", "parse_vial_size")
