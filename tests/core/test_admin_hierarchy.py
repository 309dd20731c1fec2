"""The administration codes of a visit (core/visit/admin_hierarchy.py), rule by rule,
from worked examples."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infusion_calc.core.visit.admin_hierarchy import (
    ADDITIONAL_HOUR_CODES,
    INITIAL_CODES,
    AdminLine,
    Route,
    Service,
    ServiceKind,
    Setting,
    additional_hours,
    visit_codes,
)

C, T, H = ServiceKind.CHEMO, ServiceKind.THERAPEUTIC, ServiceKind.HYDRATION
INF, PUSH, INJ, BODY = Route.INFUSION, Route.PUSH, Route.INJECTION, Route.ON_BODY
OFFICE, HOSPITAL = Setting.OFFICE, Setting.HOSPITAL


def at(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def svc(
    drug: str, kind: ServiceKind, route: Route, start: str | None, stop: str | None, **extra: Any
) -> Service:
    return Service(
        drug, kind, route, at(start) if start else None, at(stop) if stop else None, **extra
    )


def codes(
    services: list[Service], setting: Setting = OFFICE
) -> list[tuple[str, int, tuple[str, ...]]]:
    return [
        (line.code, line.units, line.modifiers)
        for line in visit_codes(tuple(services), setting).lines
    ]


@pytest.mark.parametrize(
    ("minutes", "hours"), [(16, 0), (60, 0), (90, 0), (91, 1), (150, 1), (151, 2), (255, 3)]
)
def test_an_additional_hour_only_past_30_minutes_beyond_the_last_full_hour(
    minutes: int, hours: int
) -> None:
    assert additional_hours(minutes) == hours


def test_the_readme_visit_rituximab_with_two_premedications() -> None:
    visit = [
        svc("diphenhydramine", T, PUSH, "09:00", "09:02"),
        svc("acetaminophen", T, INF, "09:05", "09:20"),  # 15 minutes: a push
        svc("rituximab", C, INF, "09:30", "13:45"),
    ]
    assert codes(visit, OFFICE) == [("96413", 1, ()), ("96415", 3, ()), ("96375", 2, ())]
    assert codes(visit, HOSPITAL) == [("96413", 1, ()), ("96415", 3, ()), ("96375", 2, ())]


@pytest.mark.parametrize(
    ("visit", "expected"),
    [
        # an infusion of 15 minutes or less is a push; 16 minutes is an infusion
        ([svc("a", T, INF, "09:00", "09:15")], [("96374", 1, ())]),
        ([svc("a", T, INF, "09:00", "09:16")], [("96365", 1, ())]),
        ([svc("a", C, INF, "09:00", "09:10")], [("96409", 1, ())]),
        # sequential infusions of new drugs
        (
            [svc("a", C, INF, "09:00", "10:00"), svc("b", C, INF, "10:00", "11:31")],
            [("96413", 1, ()), ("96417", 1, ()), ("96415", 1, ())],
        ),
        (
            [svc("a", C, INF, "09:00", "10:00"), svc("b", T, INF, "10:00", "10:45")],
            [("96413", 1, ()), ("96367", 1, ())],
        ),
        (
            [svc("a", C, INF, "09:00", "10:00"), svc("b", C, PUSH, "10:05", "10:06")],
            [("96413", 1, ()), ("96411", 1, ())],
        ),
        # concurrent: once per visit
        (
            [
                svc("a", T, INF, "09:00", "10:00"),
                svc("b", T, INF, "09:10", "09:50"),
                svc("c", T, INF, "09:20", "09:40"),
            ],
            [("96365", 1, ()), ("96368", 1, ())],
        ),
        # hydration: 30 minutes or less, or concurrent with another infusion, is not billed
        (
            [svc("saline", H, INF, "09:00", "09:30"), svc("a", T, INF, "09:30", "10:30")],
            [("96365", 1, ())],
        ),
        (
            [svc("saline", H, INF, "09:00", "10:30"), svc("a", C, INF, "09:15", "10:15")],
            [("96413", 1, ())],
        ),
        (
            [svc("saline", H, INF, "09:00", "09:31"), svc("a", C, INF, "09:31", "10:31")],
            [("96413", 1, ()), ("96361", 1, ())],
        ),
        ([svc("saline", H, INF, "09:00", "10:31")], [("96360", 1, ()), ("96361", 1, ())]),
        # injections and the on-body injector
        ([svc("a", T, INJ, "09:00", "09:01")], [("96372", 1, ())]),
        ([svc("a", C, INJ, "09:00", "09:01")], [("96401", 1, ())]),
        ([svc("a", C, INJ, "09:00", "09:01", hormonal=True)], [("96402", 1, ())]),
        ([svc("a", T, BODY, "09:00", "09:01")], [("96377", 1, ())]),
    ],
)
def test_the_codes_of_worked_visits(
    visit: list[Service], expected: list[tuple[str, int, tuple[str, ...]]]
) -> None:
    assert codes(visit, HOSPITAL) == expected


def test_the_same_drug_pushed_again_is_96376_in_a_facility_and_not_billed_in_the_office() -> None:
    visit = [
        svc("ondansetron", T, PUSH, "09:00", "09:01"),
        svc("ondansetron", T, PUSH, "11:00", "11:01"),
    ]
    assert codes(visit, HOSPITAL) == [("96374", 1, ()), ("96376", 1, ())]
    assert codes(visit, OFFICE) == [("96374", 1, ())]
    findings = visit_codes(tuple(visit), OFFICE).findings
    assert [finding.name for finding in findings] == ["REPEAT_PUSH_NOT_BILLED"]


def test_the_hospital_follows_the_hierarchy_the_office_the_reason_for_the_visit() -> None:
    visit = [svc("iron", T, INF, "09:00", "10:00", reason=True), svc("x", C, INF, "10:00", "11:00")]
    assert codes(visit, HOSPITAL)[0] == ("96413", 1, ())
    assert codes(visit, OFFICE) == [("96365", 1, ()), ("96417", 1, ())]
    # without a marked reason the office also takes the top of the hierarchy
    unmarked = [svc("iron", T, INF, "09:00", "10:00"), svc("x", C, INF, "10:00", "11:00")]
    assert codes(unmarked, OFFICE)[0] == ("96413", 1, ())


def test_infusions_rank_above_pushes_and_therapeutic_above_hydration() -> None:
    assert codes(
        [svc("a", T, PUSH, "09:00", "09:01"), svc("b", T, INF, "09:10", "10:00")], HOSPITAL
    ) == [("96365", 1, ()), ("96375", 1, ())]
    assert codes(
        [svc("s", H, INF, "08:00", "09:00"), svc("b", T, PUSH, "09:10", "09:11")], HOSPITAL
    ) == [("96374", 1, ()), ("96361", 1, ())]


def test_a_second_iv_site_gets_its_own_initial_with_modifier_59() -> None:
    visit = [
        svc("a", C, INF, "09:00", "10:00"),
        svc("b", T, INF, "09:00", "10:00", iv_site="right arm"),
    ]
    assert codes(visit, HOSPITAL) == [("96413", 1, ()), ("96365", 1, ("59",))]


def test_a_missing_time_is_a_finding_and_an_untimed_infusion_is_not_coded() -> None:
    result = visit_codes((svc("a", T, INF, "09:00", None), svc("b", T, PUSH, None, None)), HOSPITAL)
    assert [(finding.name, finding.service) for finding in result.findings] == [
        ("ADMIN_TIMES_MISSING", 0),
        ("ADMIN_TIMES_MISSING", 1),
    ]
    assert [line.code for line in result.lines] == ["96374"]


services = st.builds(
    lambda drug, kind, route, start, length, site: Service(
        drug, kind, route, start, start + length, site
    ),
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from(list(ServiceKind)),
    st.sampled_from(list(Route)),
    st.integers(0, 600),
    st.integers(1, 600),
    st.sampled_from(["1", "2"]),
)


@given(st.lists(services, max_size=6), st.sampled_from(list(Setting)))
def test_an_initial_code_appears_at_most_once_per_iv_site(
    visit: list[Service], setting: Setting
) -> None:
    lines = visit_codes(tuple(visit), setting).lines
    initial = [line for line in lines if line.code in INITIAL_CODES]
    assert all(line.units == 1 for line in initial)
    assert len({line.iv_site for line in initial}) == len(initial)
    assert all(isinstance(line, AdminLine) and line.units >= 1 for line in lines)


@given(st.lists(services, max_size=6), st.sampled_from(list(Setting)))
def test_additional_hours_never_exceed_the_time(visit: list[Service], setting: Setting) -> None:
    lines = visit_codes(tuple(visit), setting).lines
    billed_hours = sum(line.units for line in lines if line.code in ADDITIONAL_HOUR_CODES)
    total_minutes = sum(
        service.minutes or 0 for service in visit if service.route is Route.INFUSION
    )
    assert billed_hours * 60 <= total_minutes + 29 * len(visit)


@given(st.integers(0, 24 * 60))
def test_each_additional_hour_has_more_than_30_minutes_past_the_hour_before(minutes: int) -> None:
    hours = additional_hours(minutes)
    assert hours == 0 or 60 + 60 * (hours - 1) + 30 < minutes
    assert additional_hours(minutes + 1) - hours in (0, 1)
