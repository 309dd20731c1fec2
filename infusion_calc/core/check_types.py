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
