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


class DoseFocused(Message):
    """The first part of the form exists and the dose field has the focus (the first frame):
    text typed can go into it; anything else waits for the whole form."""


class FormBuilt(Message):
    """The whole form exists (its later rows mount just after the first frame): time to replay
    keys typed before it, and to load the catalog."""


@dataclass
class KeymapLoaded(Message):
    """The site's `[keys]` table was read (posted from a thread): binding id -> keys."""

    keymap: dict[str, str]
    problem: str | None = None
