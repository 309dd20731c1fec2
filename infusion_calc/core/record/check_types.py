"""Pre-submission checks: the finding (`Check`), the declaration of each kind (`CheckSpec`),
and the registry every check code is declared in once.

A check module declares its codes as CheckSpec constants and registers them with the function
that emits them (`@emits(...)`); it makes each finding by calling its spec, so no code is
emitted that the registry does not hold. `checks.registry()` lists them all (the README's
table of checks is tested against it).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, NamedTuple, TypeVar


class Severity(str, Enum):
    ERROR = "error"
    """The claim as it stands would be returned or denied, or is wrong: fix before submitting."""
    WARNING = "warning"
    """A likely denial or a documentation gap a reviewer will ask about: fix it or confirm it."""
    INFO = "info"
    """A suggestion, or something infusion-calc cannot verify: read it and decide."""


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
"""Short names for the check declarations, which read as a table."""

SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Check(NamedTuple):
    """One pre-submission finding about the claim as it stands: what to fix or confirm.

    The one type for a check everywhere (the CLI's JSON, the app's list, the log). A NamedTuple:
    it defines in a fifth of a dataclass's time, paid at every `calc` start.
    """

    code: str
    severity: Severity
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity.value, "message": self.message}

    @classmethod
    def from_dict(cls, saved: dict[str, str]) -> Check:
        """The check `to_dict` wrote (the log keeps them so);
        KeyError or ValueError for anything else."""
        return cls(saved["code"], Severity(saved["severity"]), saved["message"])


class CheckSpec(NamedTuple):
    """One kind of check, declared once: its code, usual severity, a one-line summary, and any
    other severity it may take (a Medicare rule that is only a warning for other payers)."""

    code: str
    severity: Severity
    summary: str
    also: tuple[Severity, ...] = ()

    @property
    def severities(self) -> tuple[Severity, ...]:
        return (self.severity, *self.also)

    def __call__(self, message: str, severity: Severity | None = None) -> Check:
        """The finding, with the usual severity unless another declared one is given."""
        if severity is not None and severity not in self.severities:
            raise ValueError(
                f"{self.code} is declared "
                f"{', '.join(s.value for s in self.severities)}, not {severity.value}"
            )
        return Check(self.code, severity or self.severity, message)


class Registered(NamedTuple):
    spec: CheckSpec
    producer: Callable[..., Any]
    """The function that emits it."""


REGISTRY: dict[str, Registered] = {}
"""Filled as the check modules are imported; `checks.registry()` imports them all first."""


Producer = TypeVar("Producer", bound=Callable[..., Any])


def emits(*specs: CheckSpec) -> Callable[[Producer], Producer]:
    """Register `specs` as emitted by the decorated function: a code may be declared only once."""

    def register(producer: Producer) -> Producer:
        for spec in specs:
            known = REGISTRY.get(spec.code)
            if known is not None and (known.spec, _name(known.producer)) != (spec, _name(producer)):
                raise ValueError(f"check code {spec.code} is declared twice")
            REGISTRY[spec.code] = Registered(spec, producer)
        return producer

    return register


def _name(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


class SitePolicy(NamedTuple):
    """The site's own rules the checks and claim lines follow: `config.toml`, or these defaults.

    Site policy, not Medicare rules: a witness for non-controlled waste, the plain IV infusion
    codes as the fallback for complex biologics, and 340B acquisition.
    """

    require_waste_witness: bool = False
    """[documentation] require_waste_witness: ask for a waste witness
    (no Medicare source requires one)."""
    complex_biologic_codes: str = "complex"
    """[administration] complex_biologic_codes: "complex"
    (96413/96415) or "infusion" (96365/96366)."""
    acquired_340b: bool = False
    """[billing] acquired_340b or drugs_340b: the site buys drugs under 340B;
    their Medicare lines get the modifier."""
    drugs_340b: tuple[str, ...] = ()
    """[billing] drugs_340b: the HCPCS codes bought under 340B;
    empty with acquired_340b: every drug."""
    payers_340b: tuple[str, ...] = ()
    """Payer types besides Medicare whose `[payer.NAME]` table says modifier_340b = true."""

    def buys_340b(self, hcpcs: str) -> bool:
        return self.acquired_340b and (not self.drugs_340b or hcpcs in self.drugs_340b)
