"""A visit: several administrations for one patient on one date of service, one claim, one note.

Each drug is calculated exactly as `calc` calculates it alone (`_administer_one` calls
`core.pipeline.administration.administer`, the one pipeline of every front end); the visit
adds what only the whole visit knows: the administration codes in their hierarchy
(core/visit/admin_hierarchy.py), the claim lines in the order billers list them, and one chart
note in time order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from infusion_calc.core.calculation.billing import ClaimLine
from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.checks.admin_codes import COMPLEX, code_pair
from infusion_calc.core.pipeline.administration import Site, administer
from infusion_calc.core.record.check_types import Check, SitePolicy
from infusion_calc.core.record.encounter import Encounter, EncounterText, parse_encounter
from infusion_calc.core.visit.admin_hierarchy import (
    AdminLine,
    Route,
    Service,
    ServiceKind,
    Setting,
    VisitCodes,
    visit_codes,
)
from infusion_calc.core.visit.visit_checks import visit_checks
from infusion_calc.core.visit.visit_file import AdministrationSpec, VisitSpec
from infusion_calc.core.visit.visit_note import visit_note_text
from infusion_calc.core.words.contract import calculation_to_dict, line_to_dict

# A drug's own administration suggestion is for a drug given alone; the visit's codes replace it.
SUPERSEDED_BY_VISIT = frozenset({"ADMIN_CODE", "ADMIN_NOT_INFUSION", "ADMIN_TIMES_MISSING"})
_ROUTES = {
    "infusion": Route.INFUSION,
    "push": Route.PUSH,
    "injection": Route.INJECTION,
    "on-body": Route.ON_BODY,
}


@dataclass(frozen=True, slots=True)
class VisitTools:
    """What the caller loaded: the site (catalog, rules, policy,
    quarters) and its rounding policy."""

    site: Site
    rounding_policy: str | None = None

    @property
    def policy(self) -> SitePolicy:
        return self.site.policy


@dataclass(frozen=True, slots=True)
class DrugResult:
    """One drug of the visit, as `calc` would answer it alone."""

    calc: Calculation
    encounter: Encounter
    checks: tuple[Check, ...]
    note: str


@dataclass(frozen=True, slots=True)
class AdministrationResult:
    spec: AdministrationSpec
    drug: DrugResult | None  # None for hydration (no drug line)


@dataclass(frozen=True, slots=True)
class VisitResult:
    spec: VisitSpec
    administrations: tuple[AdministrationResult, ...]
    codes: VisitCodes
    checks: tuple[Check, ...]

    @property
    def drug_lines(self) -> tuple[ClaimLine, ...]:
        return tuple(line for item in self.drugs for line in item.calc.lines)

    @property
    def drugs(self) -> tuple[DrugResult, ...]:
        return tuple(item.drug for item in self.administrations if item.drug is not None)

    @property
    def service_date(self) -> date:
        return self.spec.day


def encounter_text(visit: VisitSpec, spec: AdministrationSpec) -> EncounterText:
    """The encounter fields of one administration: the visit's,
    with this drug's times and vial record."""
    shared = visit.encounter
    start = spec.text("start") or ""
    lot, expires = spec.text("lot"), spec.text("expires")
    return EncounterText(
        given_at=f"{visit.encounter['date']} {start or '00:00'}",
        site=shared.get("site", ""),
        nurse=shared.get("nurse", ""),
        provider=shared.get("provider", ""),
        dx=shared.get("dx", ""),
        payer=shared.get("payer", ""),
        start=start,
        stop=spec.text("stop") or "",
        lots=(lot,) if lot else (),
        expires=(expires,) if expires else (),
        waste_reason=spec.text("waste_reason") or "",
        stop_reason=spec.text("stop_reason") or "",
        dose_given=spec.text("dose_given") or "",
        iv_site=spec.text("iv_site") or "",
    )


def request_for(
    visit: VisitSpec, spec: AdministrationSpec, rounding_policy: str | None
) -> CalcRequest:
    vial = spec.values.get("vial")
    return CalcRequest(
        dose=spec.text("dose") or "",
        drug=spec.text("drug"),
        hcpcs=spec.text("hcpcs"),
        vials=vial if isinstance(vial, tuple) else ((vial,) if vial else ()),
        weight=visit.encounter.get("weight"),
        height=visit.encounter.get("height"),
        bsa=visit.encounter.get("bsa"),
        round_within=rounding_policy,
        dose_given=spec.text("dose_given"),
        container=spec.text("container"),
    )


def _administer_one(request: CalcRequest, typed: EncounterText, tools: VisitTools) -> DrugResult:
    """One drug through the one administration pipeline every front end uses
    (core/pipeline/administration.py)."""
    done = administer(request, parse_encounter(typed), tools.site)
    return DrugResult(done.calculation, done.encounter, done.checks, done.note)


def _service(spec: AdministrationSpec, drug: DrugResult | None, policy: SitePolicy) -> Service:
    if drug is None:
        kind, name = ServiceKind.HYDRATION, "hydration"
    else:
        complex_ = code_pair(drug.calc.drug.drug_class, policy) is COMPLEX
        kind, name = (
            (ServiceKind.CHEMO if complex_ else ServiceKind.THERAPEUTIC),
            drug.calc.drug.hcpcs,
        )
    return Service(
        name,
        kind,
        _ROUTES[spec.values["route"]],
        spec.minutes("start"),
        spec.minutes("stop"),
        iv_site=spec.text("iv_site") or "1",
        reason=spec.flag("reason"),
    )


def run_visit(visit: VisitSpec, tools: VisitTools) -> VisitResult:
    """Every drug of the visit calculated alone,
    then the visit's administration codes and checks."""
    results = []
    for spec in visit.administrations:
        drug = (
            None
            if spec.flag("hydration")
            else _administer_one(
                request_for(visit, spec, tools.rounding_policy), encounter_text(visit, spec), tools
            )
        )
        results.append(AdministrationResult(spec, drug))
    return assemble_visit(visit, results, tools.policy)


def assemble_visit(
    visit: VisitSpec, results: Sequence[AdministrationResult], policy: SitePolicy
) -> VisitResult:
    """The visit's administration codes (by its setting's rules) and checks,
    over drugs already calculated."""
    services = tuple(_service(item.spec, item.drug, policy) for item in results)
    codes = visit_codes(services, Setting(visit.setting))
    return VisitResult(
        visit,
        tuple(results),
        codes,
        tuple(visit_checks(codes.findings, [_label(item) for item in results])),
    )


def _label(item: AdministrationResult) -> str:
    times = "-".join(filter(None, (item.spec.text("start"), item.spec.text("stop"))))
    name = item.drug.calc.drug.display_name if item.drug else "hydration"
    return (
        f"{name} ({item.spec.values['route']}{', ' + times if times else ''}, "
        f"line {item.spec.line})"
    )


def admin_line_to_dict(line: AdminLine) -> dict[str, Any]:
    return {
        "code": line.code,
        "units": line.units,
        "modifiers": list(line.modifiers),
        "iv_site": line.iv_site,
    }


def visit_to_dict(result: VisitResult) -> dict[str, Any]:
    """The visit's JSON: the drug lines and the administration lines side by side,
    each drug's own answer under it."""
    encounter = result.spec.encounter
    return {
        "contract": 1,
        "visit": {
            key: encounter.get(key)
            for key in ("date", "setting", "payer", "weight", "height", "bsa", "dx")
        },
        "lines": [line_to_dict(line) for line in result.drug_lines],
        "administration_lines": [admin_line_to_dict(line) for line in result.codes.lines],
        "administrations": [_administration_dict(item) for item in result.administrations],
        "note": visit_note(result),
        "checks": [check.to_dict() for check in result.checks],
    }


def _administration_dict(item: AdministrationResult) -> dict[str, Any]:
    spec = item.spec
    out: dict[str, Any] = {key: spec.values.get(key) for key in ("route", "start", "stop")}
    out["iv_site"] = spec.text("iv_site")
    out["hydration"] = spec.flag("hydration")
    if item.drug is not None:
        out["calculation"] = calculation_to_dict(item.drug.calc) | {
            "checks": [check.to_dict() for check in item.drug.checks]
        }
    return out


def _in_time_order(result: VisitResult) -> list[AdministrationResult]:
    return sorted(
        result.administrations,
        key=lambda item: (item.spec.minutes("start") is None, item.spec.minutes("start") or 0),
    )


def visit_note(result: VisitResult) -> str:
    """One chart note for the visit: the encounter once,
    each administration in time order with its waste."""
    return visit_note_text(result, _in_time_order(result))


def combined_checks(result: VisitResult) -> tuple[Check, ...]:
    """The visit's own checks, then each drug's, each once."""
    seen: set[tuple[str, str]] = set()
    out: list[Check] = []
    for check in (*result.checks, *(check for drug in result.drugs for check in drug.checks)):
        if check.code in SUPERSEDED_BY_VISIT:
            continue
        if (check.code, check.message) not in seen:
            seen.add((check.code, check.message))
            out.append(check)
    return tuple(out)
