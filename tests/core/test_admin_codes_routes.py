"""Issue 18 §4: a code known only from CMS still gets an administration
code suggested from the route, and the administration text raises no
false alarm (a labelled push, the fallback offered for chemotherapy)."""

from __future__ import annotations

import pytest

from infusion_calc.core.checks.admin_codes import administration_checks
from infusion_calc.core.record.check_types import SitePolicy
from infusion_calc.core.record.encounter import EncounterText, parse_encounter


def texts(
    drug_class: str, generic: str, route: str, start: str = "", stop: str = ""
) -> list[tuple[str, str]]:
    encounter = parse_encounter(EncounterText(given_at="2026-03-02 09:00", start=start, stop=stop))
    return [
        (check.code, check.message)
        for check in administration_checks(drug_class, generic, route, encounter, SitePolicy())
    ]


CMS_ROUTE = "not stated in CMS's files"


@pytest.mark.parametrize(
    ("start", "stop", "expected"),
    [
        ("09:00", "10:00", "96365"),  # timed longer than 15 minutes: an infusion
        ("09:00", "09:05", "96374"),  # 15 minutes or less: a push
        ("", "", "96372"),  # no times: the choices by route are all offered
    ],
)
def test_a_code_known_only_from_cms_gets_a_suggestion_by_route(
    start: str, stop: str, expected: str
) -> None:
    found = texts("other", "pemetrexed", CMS_ROUTE, start, stop)
    assert [code for code, _ in found] == ["ADMIN_CODE"]
    message = found[0][1]
    assert expected in message
    for code in ("96413", "96409", "96401", "96365", "96374", "96372", "96377"):
        assert (
            code in message
        )  # every route's code, chemotherapy or not, since CMS's files name neither
    assert "route" in message


def test_a_labelled_slow_iv_injection_is_no_false_alarm() -> None:
    found = dict(texts("other", "iron sucrose", "IV", "09:00", "09:05"))
    assert "is given as an infusion" not in " ".join(found.values())
    assert "96374" in found["ADMIN_CODE"]


def test_an_unlabelled_short_infusion_still_warns() -> None:
    found = dict(texts("other", "testmab", "IV", "09:00", "09:05"))
    assert "is given as an infusion" in found["ADMIN_NOT_INFUSION"]


def test_antineoplastics_are_not_offered_the_infusion_fallback() -> None:
    rituximab = dict(texts("antineoplastic", "rituximab", "IV", "09:00", "11:05"))["ADMIN_CODE"]
    assert "96365/96366" not in rituximab and "96413 × 1 + 96415 × 1" in rituximab
    biologic = dict(texts("complex-biologic", "infliximab", "IV", "09:00", "11:05"))["ADMIN_CODE"]
    assert "use 96365/96366" in biologic
