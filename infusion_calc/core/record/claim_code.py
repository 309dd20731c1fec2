"""How a claim line's code is written: the HCPCS code with its modifiers, as billers write it."""

from __future__ import annotations

from collections.abc import Iterable


def code_label(hcpcs: str, modifiers: Iterable[str]) -> str:
    """'J2323-JW': the code with its modifiers, as billers write it."""
    return "-".join((hcpcs, *modifiers))
