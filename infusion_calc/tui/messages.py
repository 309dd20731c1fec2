"""App-wide messages. Widget-specific ones are nested in their widget."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from infusion_calc.tui.calculator import Calculator


@dataclass
class CalculatorReady(Message):
    """The catalog is loaded (posted from the loading thread); calculations can start."""

    calculator: "Calculator"
