"""The log's one error type, importable without anything else of the log."""

from __future__ import annotations

from infusion_calc.core.errors import InfusionCalcError


class LogError(InfusionCalcError):
    """The log could not be written or read; the message says whether anything was saved."""
