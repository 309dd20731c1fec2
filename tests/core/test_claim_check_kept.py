"""The claim-line check keeps the claims whose lines passed (`claim_invariants.PASSED`, keyed on
everything the check reads): whatever was checked before, every claim is passed or refused
exactly as the check worked out afresh would, with the same sentence."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.container import UNCONFIRMED
from infusion_calc.core.checks import claim_invariants
from infusion_calc.core.checks.claim_invariants import require_valid_claim_lines
from infusion_calc.core.errors import ClaimLineError
from infusion_calc.loading import packaged_catalog

CATALOG = packaged_catalog()


def _unconfirmed(calc: Calculation) -> Calculation:
    """`calc` from a container nobody confirmed, its lines without JW or JZ: refused on a claim
    only."""
    uses = tuple(
        replace(use, product=replace(use.product, container=UNCONFIRMED)) for use in calc.vials
    )
    lines = tuple(replace(line, modifiers=()) for line in calc.lines)
    return replace(calc, vials=uses, billing=replace(calc.billing, lines=lines))


ORDERS = [
    CalcRequest("300 mg", drug="tysabri"),
    CalcRequest("8 mg/kg", drug="actemra", weight="70 kg", dose_given="300 mg"),
    CalcRequest("300 mg", drug="venofer", dose_given="150 mg"),
    CalcRequest("625 mg", drug="carboplatin", dose_given="500 mg"),  # multi-dose
    CalcRequest("375 mg/m2", drug="rituxan", bsa="2.0 m2"),
    CalcRequest("95 mg", hcpcs="J9999", vials=("100 mg/10 mL",), billing_unit="1 mg"),
]
CALCS = [calculate(CATALOG, order) for order in ORDERS]
CALCS.append(_unconfirmed(CALCS[-1]))


def _changed(calc: Calculation, change: str, amount: int) -> Calculation:
    """`calc` with one thing the check reads changed (or not), so lines may break."""
    lines = list(calc.lines)
    first = lines[0]
    if change == "units":
        lines[0] = replace(first, units=first.units + amount)
    elif change == "quantity" and first.ndc_quantity is not None:
        lines[0] = replace(first, ndc_quantity=first.ndc_quantity + amount)
    elif change == "modifiers":
        lines[0] = replace(first, modifiers=("JW",) if amount % 2 else ("JZ",))
    elif change == "vials":  # fewer or more opened, the same lines
        uses = tuple(replace(use, count=max(use.count + amount, 1)) for use in calc.vials)
        return replace(calc, vials=uses)
    return replace(calc, billing=replace(calc.billing, lines=tuple(lines)))


def _verdict(calc: Calculation, claim: bool) -> str | None:
    try:
        require_valid_claim_lines(calc, "written", claim=claim)
    except ClaimLineError as error:
        return str(error)
    return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(CALCS) - 1),
            st.sampled_from(["none", "units", "quantity", "modifiers", "vials"]),
            st.integers(-3, 3),
            st.booleans(),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_kept_passes_give_the_verdict_worked_out_afresh(
    picks: list[tuple[int, str, int, bool]],
) -> None:
    claims = [
        (_changed(CALCS[index], change, amount), claim) for index, change, amount, claim in picks
    ]
    claim_invariants.PASSED.clear()
    kept = [_verdict(calc, claim) for calc, claim in claims]  # passes kept along the way
    fresh = []
    for calc, claim in claims:
        claim_invariants.PASSED.clear()
        fresh.append(_verdict(calc, claim))
    assert kept == fresh


def test_a_pass_is_not_taken_for_the_same_lines_from_fewer_vials() -> None:
    calc = CALCS[1]  # actemra: lines from a 400 mg and two 80 mg vials
    require_valid_claim_lines(calc)  # passes, and is kept
    fewer = replace(calc, vials=tuple(replace(use, count=1) for use in calc.vials))
    assert fewer.lines == calc.lines
    try:
        require_valid_claim_lines(fewer)
    except ClaimLineError as error:
        assert "not valid" in str(error)
    else:
        raise AssertionError("lines from fewer vials than they state passed")


def test_an_unconfirmed_container_is_refused_on_a_claim_after_passing_as_no_claim() -> None:
    calc = CALCS[-1]
    assert _verdict(calc, claim=False) is None
    verdict = _verdict(calc, claim=True)
    assert verdict is not None and "J9999" in verdict
