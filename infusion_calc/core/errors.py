"""Errors the core raises. Every one carries a sentence a nurse or biller can act on."""

from __future__ import annotations


def shown(text: str, limit: int = 40) -> str:
    """User text safe to echo in a message: control characters (a terminal escape, a bell)
    become '?', and a long value is cut, so an error line can never drive the terminal."""
    safe = "".join(char if char.isprintable() else "?" for char in text)
    return safe if len(safe) <= limit else safe[: limit - 1] + "…"


class InfusionCalcError(Exception):
    """Base class: `str(error)` is the user-facing message."""


class InputError(InfusionCalcError):
    """A value the user typed is not acceptable.

    `field` names the input it came from ("dose", "weight", "vial", ...), so a form
    can show the message under that field.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class CatalogError(InfusionCalcError):
    """A catalog file is malformed or contradicts the billing rules."""


class PlanError(InfusionCalcError):
    """No acceptable vial plan exists for this dose (too many vials, no presentation)."""


class SiteConfigError(InfusionCalcError):
    """The site config file is unreadable or has a bad value; the message names file and field.

    Defined here, not in site_config.py, so callers can catch it without importing pydantic.
    """


class ClaimLineError(InfusionCalcError):
    """Claim lines that break an invariant (a line under one unit, more than was opened from an
    NDC, more units than labeled): refused before any export or save
    (core/checks/claim_invariants.py)."""
