"""Notices: what a reader of a result or an export must know about how it was made.

A stable code and a sentence: the JSON contract's `warnings` ({code, message}), and an
export's warnings. Each code is declared once, as a `NoticeSpec` beside the code that emits
it, with where it comes from and a one-line summary; the notice itself is made by calling its
spec, so no code is emitted that the registry does not hold. `notice_registry()` lists them
all (the README's table of notices is tested against it), as `checks.registry()` does for checks.

Not a `Check` (core/record/check_types.py), though both are a code and a sentence: a check is a
finding about the claim as it stands, with a severity, run with the encounter before the
claim goes out, and something to fix or confirm. A notice has no severity: it comes with
the calculation or the export itself, describes how it was made, and every front end shows
each one alike, beside the result. Light to import: the standard library only.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, replace
from typing import Literal

import infusion_calc.core as core

Source = Literal["calculation", "export"]
"""Where a notice is made: with every calculation (JSON `warnings`), or by an export format."""


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice: its declared code and the sentence for this result."""

    code: str
    message: str

    def reworded(self, message: str) -> Notice:
        """The same notice with its sentence rewritten (made safe for a terminal, say)."""
        return replace(self, message=message)


NOTICES: dict[str, NoticeSpec] = {}
"""Filled as the emitting modules are imported; `notice_registry()` imports them all first."""


@dataclass(frozen=True, slots=True)
class NoticeSpec:
    """One kind of notice, declared once: its code, where it comes from, a one-line summary."""

    code: str
    source: Source
    summary: str

    def __post_init__(self) -> None:
        known = NOTICES.get(self.code)
        if known is not None and known != self:
            raise ValueError(f"notice code {self.code} is declared twice")
        NOTICES[self.code] = self

    def __call__(self, message: str) -> Notice:
        return Notice(self.code, message)


def import_every_core_module() -> None:
    """Import each module of the core, so every notice and check it declares is registered: the
    registries are complete without a hand-kept list of the modules that declare codes."""
    for module in pkgutil.walk_packages(core.__path__, f"{core.__name__}."):
        importlib.import_module(module.name)


def notice_registry() -> dict[str, NoticeSpec]:
    """Every notice code, declared once with where it comes from and its summary."""
    import_every_core_module()
    return dict(NOTICES)
