"""The administration codes of a visit: one initial service per IV site, the others sequential,
concurrent or additional hours. Pure: services in, claim lines and findings out.

Every rule, with its source and status: docs/sources/administration-hierarchy.md. In short:
one initial service per visit unless a second IV site is required (the second initial takes
modifier 59: CMS RAC issue 0071, citing Pub 100-04 ch.12 §30.5); the facility chooses it by the
hierarchy chemotherapy/complex infusion > chemotherapy push > therapeutic infusion > therapeutic
push > hydration (Noridian: infusions are primary to pushes, pushes to injections), the
physician office by the reason for the visit; an infusion of 15 minutes or less is a push
(Noridian); hydration concurrent with another infusion, or of 30 minutes or less, is not billed
(NCCI policy manual ch.11 via AAPC; CPT's 31-minute minimum via secondary sources).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from infusion_calc.core.checks.admin_codes import (
    FIRST_CODE_MINUTES,
    INFUSION_MINIMUM_MINUTES,
    PART_HOUR_MINUTES,
)

HYDRATION_MINIMUM_MINUTES = 30  # hydration must run more than this to be billed
DISTINCT_SITE_MODIFIER = "59"


class ServiceKind(Enum):
    CHEMO = "chemotherapy or complex biologic"
    THERAPEUTIC = "therapeutic"
    HYDRATION = "hydration"


class Route(Enum):
    INFUSION = "infusion"
    PUSH = "push"
    INJECTION = "injection"
    ON_BODY = "on-body injector"


class Setting(Enum):
    OFFICE = "office"
    HOSPITAL = "hospital"


@dataclass(frozen=True, slots=True)
class Service:
    """One administration of a visit. Times are minutes after midnight of the date of service."""

    drug: str
    kind: ServiceKind
    route: Route
    start: int | None = None
    stop: int | None = None
    iv_site: str = "1"
    reason: bool = False  # the reason for the visit (the physician office's initial service)
    hormonal: bool = False  # a hormonal antineoplastic injection (96402)

    @property
    def minutes(self) -> int | None:
        if self.start is None or self.stop is None:
            return None
        return self.stop - self.start

    @property
    def billed_route(self) -> Route:
        """An infusion of 15 minutes or less is billed as a push."""
        minutes = self.minutes
        if (
            self.route is Route.INFUSION
            and minutes is not None
            and minutes <= INFUSION_MINIMUM_MINUTES
        ):
            return Route.PUSH
        return self.route


@dataclass(frozen=True, slots=True)
class AdminLine:
    code: str
    units: int
    modifiers: tuple[str, ...] = ()
    iv_site: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """What the record lacks, or why a service is not billed. `service` indexes the services
    given."""

    name: str
    service: int
    message: str


@dataclass(frozen=True, slots=True)
class VisitCodes:
    lines: tuple[AdminLine, ...]
    findings: tuple[Finding, ...] = ()
    initial: dict[str, int] = field(
        default_factory=dict
    )  # IV site -> the service chosen as initial


# code for (kind, route): initial, additional hour, sequential (new drug), repeat (same drug)
_INITIAL = {
    (ServiceKind.CHEMO, Route.INFUSION): "96413",
    (ServiceKind.CHEMO, Route.PUSH): "96409",
    (ServiceKind.THERAPEUTIC, Route.INFUSION): "96365",
    (ServiceKind.THERAPEUTIC, Route.PUSH): "96374",
    (ServiceKind.HYDRATION, Route.INFUSION): "96360",
}
_ADDITIONAL_HOUR = {
    ServiceKind.CHEMO: "96415",
    ServiceKind.THERAPEUTIC: "96366",
    ServiceKind.HYDRATION: "96361",
}
_SEQUENTIAL = {
    (ServiceKind.CHEMO, Route.INFUSION): "96417",
    (ServiceKind.CHEMO, Route.PUSH): "96411",
    (ServiceKind.THERAPEUTIC, Route.INFUSION): "96367",
    (ServiceKind.THERAPEUTIC, Route.PUSH): "96375",
}
REPEAT_PUSH = "96376"  # the same drug pushed again: facility only
CONCURRENT = "96368"  # once per visit
INITIAL_CODES = frozenset(_INITIAL.values())
ADDITIONAL_HOUR_CODES = frozenset(_ADDITIONAL_HOUR.values())
# The facility hierarchy, highest first (CPT via Noridian; CMS Pub 100-04 ch.12 §30.5).
_RANK = [
    (ServiceKind.CHEMO, Route.INFUSION),
    (ServiceKind.CHEMO, Route.PUSH),
    (ServiceKind.THERAPEUTIC, Route.INFUSION),
    (ServiceKind.THERAPEUTIC, Route.PUSH),
    (ServiceKind.HYDRATION, Route.INFUSION),
]


def additional_hours(minutes: int) -> int:
    """Hours after the first: each full hour, or a remaining part of more than 30 minutes
    (91 min = 1, 90 min = 0)."""
    full, part = divmod(max(minutes - FIRST_CODE_MINUTES, 0), 60)
    return full + (1 if part > PART_HOUR_MINUTES else 0)


def hydration_hours(minutes: int) -> int:
    """Hydration billed as a later service (96361): one unit per hour,
    counting a part over 30 minutes."""
    full, part = divmod(minutes, 60)
    return full + (1 if part > HYDRATION_MINIMUM_MINUTES else 0)


def _overlaps(a: Service, b: Service) -> bool:
    if None in (a.start, a.stop, b.start, b.stop):
        return False
    return a.start < b.stop and b.start < a.stop  # type: ignore[operator]


def _rank(service: Service) -> int:
    return _RANK.index((service.kind, service.billed_route))


def _order(item: tuple[int, Service]) -> tuple[int, int]:
    return (item[1].start if item[1].start is not None else 24 * 60, item[0])


def choose_initial(candidates: list[tuple[int, Service]], setting: Setting) -> int:
    """The initial service of one IV site: the office's reason for the visit, else the hierarchy."""
    if setting is Setting.OFFICE:
        reasons = [index for index, service in candidates if service.reason]
        if reasons:
            return reasons[0]
    return min(candidates, key=lambda item: (_rank(item[1]), _order(item)))[0]


def _unbillable(index: int, service: Service, services: tuple[Service, ...]) -> Finding | None:
    """Hydration that is short or runs beside another infusion;
    an IV service whose times are missing."""
    minutes = service.minutes
    if service.route is Route.INFUSION and minutes is None:
        return Finding(
            "ADMIN_TIMES_MISSING",
            index,
            "start and stop times are missing: an infusion is billed by time",
        )
    if service.kind is ServiceKind.HYDRATION:
        if minutes is not None and minutes <= HYDRATION_MINIMUM_MINUTES:
            return Finding(
                "HYDRATION_NOT_BILLED",
                index,
                f"hydration of {minutes} min (30 minutes or less) is not billed",
            )
        if any(
            other.kind is not ServiceKind.HYDRATION
            and other.billed_route is Route.INFUSION
            and _overlaps(service, other)
            for other in services
            if other is not service
        ):
            return Finding(
                "HYDRATION_NOT_BILLED",
                index,
                "hydration concurrent with another infusion is not billed",
            )
    if service.kind is ServiceKind.HYDRATION and service.billed_route is not Route.INFUSION:
        return Finding("HYDRATION_NOT_BILLED", index, "hydration is billed only as an infusion")
    return None


def _time_findings(index: int, service: Service) -> list[Finding]:
    if service.route is Route.INFUSION:
        return []  # reported by _unbillable when a time is missing
    if service.start is None:
        return [
            Finding(
                "ADMIN_TIMES_MISSING", index, "the time given is missing: the record must show it"
            )
        ]
    return []


def _injection_line(service: Service) -> AdminLine:
    if service.route is Route.ON_BODY:
        return AdminLine("96377", 1)
    if service.kind is ServiceKind.CHEMO:
        return AdminLine("96402" if service.hormonal else "96401", 1)
    return AdminLine("96372", 1)


def visit_codes(services: tuple[Service, ...], setting: Setting) -> VisitCodes:
    """The administration lines of a visit, in the order billers list them,
    and what keeps a service off the claim."""
    findings: list[Finding] = []
    iv: list[tuple[int, Service]] = []
    injections: list[AdminLine] = []
    for index, service in enumerate(services):
        findings += _time_findings(index, service)
        if service.route in (Route.INJECTION, Route.ON_BODY):
            injections.append(_injection_line(service))
            continue
        problem = _unbillable(index, service, services)
        if problem is not None:
            findings.append(problem)
        else:
            iv.append((index, service))
    sites: dict[str, list[tuple[int, Service]]] = {}
    for item in sorted(iv, key=_order):
        sites.setdefault(item[1].iv_site, []).append(item)
    raw: list[AdminLine] = []
    initial: dict[str, int] = {}
    concurrent_billed = False
    for number, (site, items) in enumerate(sites.items()):
        first = choose_initial(items, setting)
        initial[site] = first
        site_lines, concurrent_billed, site_findings = _site_lines(
            items, first, setting, concurrent_billed
        )
        modifiers = (DISTINCT_SITE_MODIFIER,) if number else ()
        raw += [
            AdminLine(line.code, line.units, modifiers if line.code in INITIAL_CODES else (), site)
            for line in site_lines
        ]
        findings += site_findings
    return VisitCodes(_merged(raw + injections), tuple(findings), initial)


def _site_lines(
    items: list[tuple[int, Service]],
    first: int,
    setting: Setting,
    concurrent_billed: bool,
) -> tuple[list[AdminLine], bool, list[Finding]]:
    chosen = dict(items)[first]
    lines = [AdminLine(_INITIAL[(chosen.kind, chosen.billed_route)], 1)]
    findings: list[Finding] = []
    lines += _hours(chosen, initial=True)
    pushed: set[tuple[str, ServiceKind]] = (
        {(chosen.drug, chosen.kind)} if chosen.billed_route is Route.PUSH else set()
    )
    infusions = [chosen] if chosen.billed_route is Route.INFUSION else []
    for index, service in items:
        if index == first:
            continue
        route = service.billed_route
        if route is Route.INFUSION and any(_overlaps(service, other) for other in infusions):
            if service.kind is not ServiceKind.HYDRATION and not concurrent_billed:
                lines.append(AdminLine(CONCURRENT, 1))
                concurrent_billed = True
            else:
                findings.append(
                    Finding(
                        "CONCURRENT_NOT_BILLED",
                        index,
                        "a further concurrent infusion is not billed (96368 once per visit)",
                    )
                )
            infusions.append(service)
            continue
        if route is Route.PUSH and (service.drug, service.kind) in pushed:
            if setting is Setting.HOSPITAL and service.kind is ServiceKind.THERAPEUTIC:
                lines.append(AdminLine(REPEAT_PUSH, 1))
            else:
                findings.append(
                    Finding(
                        "REPEAT_PUSH_NOT_BILLED",
                        index,
                        "a repeat push of the same drug is billed only by a facility (96376)",
                    )
                )
            continue
        if service.kind is ServiceKind.HYDRATION:
            lines.append(
                AdminLine(
                    _ADDITIONAL_HOUR[ServiceKind.HYDRATION], hydration_hours(service.minutes or 0)
                )
            )
            continue
        lines.append(AdminLine(_SEQUENTIAL[(service.kind, route)], 1))
        lines += _hours(service, initial=False)
        if route is Route.PUSH:
            pushed.add((service.drug, service.kind))
        else:
            infusions.append(service)
    return lines, concurrent_billed, findings


def _hours(service: Service, *, initial: bool) -> list[AdminLine]:
    if service.billed_route is not Route.INFUSION or service.minutes is None:
        return []
    if service.kind is ServiceKind.HYDRATION and not initial:
        return []  # a later hydration is counted in hours of its own (hydration_hours)
    hours = additional_hours(service.minutes)
    return [AdminLine(_ADDITIONAL_HOUR[service.kind], hours)] if hours else []


def _merged(lines: list[AdminLine]) -> tuple[AdminLine, ...]:
    """One line per code, modifiers and IV site, in the order each first appears;
    initial services first."""
    totals: dict[tuple[str, tuple[str, ...], str | None], int] = {}
    for line in sorted(lines, key=lambda line: line.code not in INITIAL_CODES):
        key = (line.code, line.modifiers, line.iv_site)
        totals[key] = totals.get(key, 0) + line.units
    return tuple(
        AdminLine(code, units, modifiers, site)
        for (code, modifiers, site), units in totals.items()
        if units
    )
