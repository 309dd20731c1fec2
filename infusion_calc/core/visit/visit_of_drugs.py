"""A visit put together from drugs calculated one at a time (the app's F9), as one `VisitResult`.

The CLI reads a whole visit file and calculates each drug (core/visit/visit.py
`run_visit`); the app has already calculated each drug on its own screen. Both
end in the same `assemble_visit`, so the app's visit has the same
administration codes, claim, exports, chart note and log entry as the CLI's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.checks.admin_codes import INFUSION_MINIMUM_MINUTES
from infusion_calc.core.record.check_types import SitePolicy
from infusion_calc.core.record.encounter import Encounter
from infusion_calc.core.visit.visit import (
    AdministrationResult,
    DrugResult,
    VisitResult,
    assemble_visit,
)
from infusion_calc.core.visit.visit_file import SETTINGS, AdministrationSpec, VisitSpec

_INJECTED = ("sc", "subcutaneous", "im", "intramuscular", "sc/im")


def _clock(moment: object) -> str | None:
    hour, minute = getattr(moment, "hour", None), getattr(moment, "minute", None)
    return None if hour is None or minute is None else f"{hour:02d}:{minute:02d}"


def route_word(calc: Calculation, encounter: Encounter) -> str:
    """The route a drug's catalog entry implies: SC/IM is an injection; an IV drug given in 15
    minutes or less is a push (as it is billed), otherwise an infusion (also when a time is
    missing: it is billed by time)."""
    if calc.drug.route.strip().lower() in _INJECTED:
        return "injection"
    start, stop = _clock(encounter.start), _clock(encounter.stop)
    if start is None or stop is None:
        return "infusion"
    minutes = (int(stop[:2]) - int(start[:2])) * 60 + int(stop[3:]) - int(start[3:])
    return "push" if 0 <= minutes <= INFUSION_MINIMUM_MINUTES else "infusion"


def service_day(drugs: Sequence[DrugResult], today: date | None = None) -> date:
    """The visit's date of service: the first drug's date given, else today."""
    for drug in drugs:
        given = drug.encounter.given_at
        if given is not None:
            return given.date() if isinstance(given, datetime) else given
    return today or date.today()


def _shared(drugs: Sequence[DrugResult], day: date, setting: str) -> dict[str, str]:
    """The visit's encounter once: the date, the setting,
    and each field as the first drug that has it gives it."""
    shared = {"date": day.isoformat(), "setting": setting}
    for drug in drugs:
        encounter, request = drug.encounter, drug.calc.request
        values = {
            "payer": encounter.payer.value if encounter.payer is not None else None,
            "dx": encounter.dx,
            "nurse": encounter.nurse,
            "provider": encounter.provider,
            "site": encounter.site,
            "weight": request.weight,
            "height": request.height,
            "bsa": request.bsa,
        }
        for key, value in values.items():
            if value and key not in shared:
                shared[key] = str(value)
    return shared


def _administration(drug: DrugResult) -> AdministrationSpec:
    calc, encounter = drug.calc, drug.encounter
    values: dict[str, Any] = {
        "drug": calc.drug.display_name,
        "hcpcs": calc.drug.hcpcs,
        "dose": str(calc.order.amount),
        "route": route_word(calc, encounter),
    }
    for key, value in (
        ("start", _clock(encounter.start)),
        ("stop", _clock(encounter.stop)),
        ("iv_site", encounter.iv_site),
    ):
        if value:
            values[key] = value
    return AdministrationSpec(values, {}, 0)


def visit_of(
    drugs: Sequence[DrugResult], setting: str, policy: SitePolicy, today: date | None = None
) -> VisitResult:
    """The visit of `drugs`, in time order (the order
    added when a start is missing), under the site's
    `setting`: "office" or "hospital"."""
    if setting not in SETTINGS:
        raise ValueError(f"setting {setting!r}: expected office or hospital")
    in_order = sorted(
        drugs, key=lambda drug: (drug.encounter.start is None, _clock(drug.encounter.start) or "")
    )
    shared = _shared(in_order, service_day(in_order, today), setting)
    results = [AdministrationResult(_administration(drug), drug) for drug in in_order]
    spec = VisitSpec(shared, tuple(item.spec for item in results))
    return assemble_visit(spec, results, policy)
