"""One pre-submission check result: a stable code, a severity, and a message saying what to fix."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class Severity(str, Enum):
    ERROR = "error"
    """The claim as it stands would be returned or denied, or is wrong: fix before submitting."""
    WARNING = "warning"
    """A likely denial or a documentation gap a reviewer will ask about: fix it or confirm it."""
    INFO = "info"
    """A suggestion, or something infusion-calc cannot verify: read it and decide."""


SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Check(NamedTuple):
    """One finding. A NamedTuple: it defines in a fifth of a dataclass's time, paid at every `calc` start."""

    code: str
    severity: Severity
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity.value, "message": self.message}


class SitePolicy(NamedTuple):
    """The site's own rules the checks and claim lines follow: `config.toml`, or these defaults.

    Site policy, not Medicare rules: a witness for non-controlled waste, the plain IV infusion
    codes as the fallback for complex biologics, and 340B acquisition.
    """

    require_waste_witness: bool = False
    """[documentation] require_waste_witness: ask for a waste witness (no Medicare source requires one)."""
    complex_biologic_codes: str = "complex"
    """[administration] complex_biologic_codes: "complex" (96413/96415) or "infusion" (96365/96366)."""
    acquired_340b: bool = False
    """[billing] acquired_340b: the site's drugs are bought under 340B; each drug line gets its modifier."""
