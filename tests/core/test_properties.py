"""Invariants that must hold for every dose, vial set and billing unit (Hypothesis)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from itertools import product as cartesian
from math import ceil, floor

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infusion_calc.core.calculation.billing import ClaimLine
from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.calculation.vials import plan_vials
from infusion_calc.core.errors import InputError, PlanError
from infusion_calc.core.numbers.units import parse_dose
from infusion_calc.loading import packaged_catalog

CATALOG = packaged_catalog()
BILLING_UNITS = ["0.1", "1", "2.5", "5", "10", "25", "100"]
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


Scenario = tuple[Decimal, list[Decimal], Decimal, tuple[str, ...]]
"""A billing unit, vial strengths, a dose, and the vials as typed."""


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A billing unit, 1-3 vial strengths that are whole multiples of it, and a dose."""
    unit = Decimal(draw(st.sampled_from(BILLING_UNITS)))
    multiples = draw(st.lists(st.integers(1, 60), min_size=1, max_size=3, unique=True))
    strengths = [unit * m for m in multiples]
    hundredths = draw(st.integers(1, int(max(strengths) * 6 * 100)))
    dose = Decimal(hundredths) / 100
    vials = tuple(f"{s} mg/10 mL" for s in strengths)
    return unit, strengths, dose, vials


def _calc(unit: Decimal, dose: Decimal, vials: tuple[str, ...]) -> Calculation:
    return calculate(
        CATALOG, CalcRequest(f"{dose} mg", hcpcs="J9999", billing_unit=f"{unit} mg", vials=vials)
    )


@fast
@given(scenarios())
def test_units_follow_the_rounding_rules_exactly(scenario: Scenario) -> None:
    unit, _, dose, vials = scenario
    calc = _calc(unit, dose, vials)
    billing = calc.billing
    assert isinstance(billing.administered_units, int) and isinstance(billing.discarded_units, int)
    assert all(isinstance(line.units, int) for line in calc.lines)
    # Reference arithmetic in Fractions: administered rounds up, discarded rounds down.
    assert billing.administered_units == ceil(Fraction(dose) / Fraction(unit))
    # Vials here hold whole units, so the cap never binds: whatever the dose, below one unit too.
    discarded = floor((Fraction(calc.labeled_mg) - Fraction(dose)) / Fraction(unit))
    assert billing.discarded_units == discarded
    assert (
        sum(line.units for line in calc.lines)
        == billing.administered_units + billing.discarded_units
    )


@fast
@given(scenarios())
def test_administered_plus_jw_never_exceeds_the_labeled_units(scenario: Scenario) -> None:
    unit, _, dose, vials = scenario
    calc = _calc(unit, dose, vials)
    assert (
        calc.billing.administered_units + calc.billing.discarded_units
    ) * unit <= calc.labeled_mg


@fast
@given(scenarios())
def test_jw_line_exactly_when_a_whole_unit_is_discarded(scenario: Scenario) -> None:
    unit, _, dose, vials = scenario
    calc = _calc(unit, dose, vials)
    has_jw = any("JW" in line.modifiers for line in calc.lines)
    has_jz = any("JZ" in line.modifiers for line in calc.lines)
    assert has_jw == (calc.labeled_mg - dose >= unit)
    assert has_jz == (not has_jw)
    assert not any({"JW", "JZ"} <= set(line.modifiers) for line in calc.lines)


@fast
@given(scenarios())
def test_vial_plan_is_the_least_labeled_amount_then_fewest_vials(scenario: Scenario) -> None:
    _, strengths, dose, _ = scenario
    plan, _ = plan_vials(strengths, dose)
    # Exhaustive reference over every count up to what one strength alone would need.
    bound = [ceil(dose / s) for s in strengths]
    best = None
    for counts in cartesian(*(range(b + 1) for b in bound)):
        total = sum(c * s for c, s in zip(counts, strengths))
        if total >= dose:
            key = (total, sum(counts))
            best = key if best is None or key < best else best
    assert (plan.total, plan.vial_count) == best


@fast
@given(st.integers(1, 10**6), st.sampled_from(["J2323", "J2326", "J1745", "J0490"]))
def test_same_dose_in_g_mg_or_mcg_gives_the_same_lines(micrograms: int, code: str) -> None:
    dose_mg = Decimal(micrograms) / 1000
    texts = [f"{dose_mg} mg", f"{dose_mg / 1000} g", f"{micrograms} mcg"]

    def outcome(text: str) -> tuple[ClaimLine, ...] | str:
        try:
            return tuple(calculate(CATALOG, CalcRequest(text, hcpcs=code)).lines)
        except PlanError as refused:  # e.g. nusinersen over one vial: refused alike in every unit
            return str(refused)

    assert len({outcome(text) for text in texts}) == 1


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=30))
def test_hostile_strings_never_crash_the_parser(text: str) -> None:
    try:
        order = parse_dose(text)
    except InputError as error:
        assert error.message  # a sentence, not an empty assertion
    else:
        assert order.amount.value > 0


@settings(max_examples=200, deadline=None)
@given(
    st.from_regex(r"\A[0-9.,\-e*^ ]{0,6}\s?(mg|g|mcg|mL|kg|m2|units|µg|cc|lb)?(/(kg|m2|mL|lb))?\Z")
)
def test_near_miss_quantities_never_crash_a_whole_calculation(text: str) -> None:
    try:
        calculate(CATALOG, CalcRequest(text, weight="70 kg", bsa="1.8 m2"))
    except InputError as error:
        assert error.field in {"dose", "weight", "bsa"} and error.message
    except Exception as error:  # a PlanError is a sentence too; anything else is a bug
        from infusion_calc.core.errors import PlanError

        assert isinstance(error, PlanError), repr(error)
