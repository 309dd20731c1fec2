"""App-wide messages. Widget-specific ones are nested in their widget. Plain classes, not
dataclasses: a dataclass compiles its methods as the module loads, before the first frame."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from infusion_calc.tui.calculator import Calculator


class CalculatorReady(Message):
    """The catalog is loaded (posted from the loading thread); calculations can start."""

    def __init__(self, calculator: "Calculator") -> None:
        super().__init__()
        self.calculator = calculator


class DoseFocused(Message):
    """The first part of the form exists and the dose field has the focus (the first frame):
    text typed can go into it; anything else waits for the whole form."""


class FormBuilt(Message):
    """The whole form exists (its later rows mount just after the first frame): time to replay
    keys typed before it, and to load the catalog."""


class KeymapLoaded(Message):
    """The site's `[keys]` table was read (posted from a thread): binding id -> keys."""

    def __init__(self, keymap: dict[str, str], problem: str | None = None) -> None:
        super().__init__()
        self.keymap = keymap
        self.problem = problem
