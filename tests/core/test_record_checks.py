"""Checks on the administration record: a dose stopped short needs its reason, and a
label that asks for post-infusion observation gets a reminder until the observation is recorded."""

from __future__ import annotations

from typing import Any

import pytest

from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.checks.checks import Severity, run_checks
from infusion_calc.core.record.encounter import EncounterText, parse_encounter
from infusion_calc.loading import clinical_rules


def codes(catalog: Catalog, request: CalcRequest, **typed: Any) -> dict[str, Severity]:
    checks = run_checks(
        calculate(catalog, request),
        parse_encounter(EncounterText(**typed)),
        catalog=catalog,
        rules=clinical_rules(),
    )
    return {check.code: check.severity for check in checks}


def test_less_given_than_prepared_without_a_reason_is_a_warning(catalog: Catalog) -> None:
    stopped = CalcRequest("300 mg", dose_given="200 mg")
    assert codes(catalog, stopped)["DOSE_GIVEN_NO_REASON"] is Severity.WARNING
    assert "DOSE_GIVEN_NO_REASON" not in codes(catalog, stopped, stop_reason="patient left")
    assert "DOSE_GIVEN_NO_REASON" not in codes(catalog, CalcRequest("300 mg", dose_given="300 mg"))
    assert "DOSE_GIVEN_NO_REASON" not in codes(catalog, CalcRequest("300 mg"))


@pytest.mark.parametrize(
    ("request_", "says"),
    [
        (
            CalcRequest("300 mg"),
            "observe during the infusion and for 1 hour after it for the first 12 infusions",
        ),
        (
            CalcRequest("600 mg", drug="ocrelizumab"),
            "observe for at least 1 hour after the infusion",
        ),
    ],
)
def test_labels_that_ask_for_observation_get_a_reminder_until_it_is_recorded(
    catalog: Catalog, request_: CalcRequest, says: str
) -> None:
    checks = run_checks(
        calculate(catalog, request_),
        parse_encounter(EncounterText()),
        catalog=catalog,
        rules=clinical_rules(),
    )
    reminder = next(check for check in checks if check.code == "OBSERVATION_NOT_RECORDED")
    assert reminder.severity is Severity.INFO and says in reminder.message
    assert "OBSERVATION_NOT_RECORDED" not in codes(
        catalog, request_, observation="60 min, no reaction"
    )


@pytest.mark.parametrize(
    "request_",
    [
        CalcRequest("5 mg/kg", drug="remicade", weight="73 kg"),
        CalcRequest("12 mg", hcpcs="J2326"),
        CalcRequest("300 mg", hcpcs="Q5134"),
    ],
)
def test_no_observation_reminder_without_a_verified_label_text(
    catalog: Catalog, request_: CalcRequest
) -> None:
    assert "OBSERVATION_NOT_RECORDED" not in codes(catalog, request_)


@pytest.mark.parametrize(
    "request_",
    [
        CalcRequest("300 mg", dose_given="200 mg"),
        CalcRequest("5 mg/kg", drug="remicade", weight="73 kg", dose_given="200 mg"),
        CalcRequest("100 mg", drug="remicade", dose_given="7 mg"),
        CalcRequest("12 mg", hcpcs="J2326", dose_given="6 mg"),
    ],
)
def test_the_claim_line_checks_count_units_from_the_amount_given_as_the_engine_does(
    catalog: Catalog, request_: CalcRequest
) -> None:
    # The line checks recompute the units on their own; from the dose ordered they would call the
    # engine's lines for a stopped infusion wrong.
    found = codes(catalog, request_, stop_reason="hives")
    assert not {
        "ADMIN_UNITS_DIFFER",
        "JW_UNITS_DIFFER",
        "JZ_BUT_DISCARDED",
        "JW_OVER_LABELED",
        "JW_DOSE_UNDER_ONE_UNIT",
        "JWJZ_MISSING",
    } & set(found)
