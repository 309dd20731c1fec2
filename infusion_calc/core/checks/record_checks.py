"""Checks on what the chart records about the administration itself: a dose stopped short of
what was prepared needs its reason, and a label that asks for post-infusion observation gets a
reminder to record it. Neither changes the claim lines."""

from __future__ import annotations

from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.catalog.indications import ClinicalRules
from infusion_calc.core.checks.check_input import CheckInput, producer
from infusion_calc.core.numbers.units import format_amount
from infusion_calc.core.record.check_types import INFO, WARNING, Check, CheckSpec, emits
from infusion_calc.core.record.encounter import Encounter

DOSE_GIVEN_NO_REASON = CheckSpec(
    "DOSE_GIVEN_NO_REASON", WARNING, "less given than prepared, without the reason"
)
OBSERVATION_NOT_RECORDED = CheckSpec(
    "OBSERVATION_NOT_RECORDED",
    INFO,
    "the label asks for post-infusion observation and none is recorded",
)


@producer(100)
def _chart_findings(given: CheckInput) -> list[Check]:
    return record_checks(given.calc, given.encounter, given.rules)


@emits(DOSE_GIVEN_NO_REASON, OBSERVATION_NOT_RECORDED)
def record_checks(calc: Calculation, encounter: Encounter, rules: ClinicalRules) -> list[Check]:
    found = []
    given = calc.given_mg
    if given is not None and given < calc.dose_mg and not encounter.stop_reason:
        found.append(
            DOSE_GIVEN_NO_REASON(
                f"{format_amount(given, calc.drug.amount_unit)} of the "
                f"{format_amount(calc.dose_mg, calc.drug.amount_unit)} prepared was given, but not "
                "why the infusion stopped: record the reason (a reaction, the patient left), "
                "with the start and stop times.",
            )
        )
    observation = rules.observation_for(calc.drug.hcpcs)
    if observation is not None and not encounter.observation:
        found.append(
            OBSERVATION_NOT_RECORDED(
                f"The {calc.drug.display_name} label asks to {observation.label}: record the "
                "observation (how long, and what was seen).",
            )
        )
    return found
