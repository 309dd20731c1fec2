"""What the engine keeps across orders gives the answer it would compute: the drug and products
per order (core/calculation/engine.py), the vial plan per dose (core/calculation/dose_plan.py),
the payment per billed units (payment.py) and a batch row's records' parts
(core/pipeline/batch_records.py), each kept under everything it reads, bounded, and never keeping a
refusal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infusion_calc.core.calculation import dose_plan, payment
from infusion_calc.core.calculation.dose_plan import KEPT_PLANS, plan_dose, planned, plans_key
from infusion_calc.core.calculation.engine import KEPT_ORDERS, calculate, ordered
from infusion_calc.core.calculation.kept import Kept
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.errors import InfusionCalcError
from infusion_calc.core.pipeline import batch_records
from infusion_calc.core.pipeline.administration import Site, administer
from infusion_calc.core.pipeline.batch_records import kept_record_parts, record_parts
from infusion_calc.loading import Context

SERVICE_DAY = date(2026, 9, 10)
ORDERS = (  # (drug, dose, weight, bsa, round_within): one vial size, two sizes, a powder, by volume
    ("remicade", "5 mg/kg", "{w} kg", "", ""),
    ("remicade", "10 mg/kg", "{w} kg", "", "10"),
    ("belimumab", "10 mg/kg", "{w} kg", "", "20"),
    ("Rituxan", "375 mg/m2", "", "{b} m2", "10"),
    ("Tysabri", "{d} mg", "", "", "5"),
    ("Ocrevus", "{v} mL", "", "", ""),
    ("Tysabri", "{d} mg", "", "", "60"),  # refused: a threshold over 50%
    ("Spinraza", "{v} mg", "", "", ""),  # refused past 12 mg: one vial per dose
)


@pytest.fixture(scope="module")
def site() -> Site:
    return Context().site()


def _request(index: int, weight: Decimal, given_text: str | None) -> CalcRequest:
    drug, dose, kg, bsa, within = ORDERS[index]
    figures = {"w": weight, "b": (weight / 50).quantize(Decimal("0.01")), "d": weight * 4}
    figures["v"] = (weight / 10).quantize(Decimal("0.1"))
    return CalcRequest(
        dose=dose.format(**figures),
        drug=drug,
        weight=kg.format(**figures) or None,
        bsa=bsa.format(**figures) or None,
        round_within=within or None,
        dose_given=given_text,
    )


def test_two_weights_that_give_one_dose_share_one_plan(catalog: Catalog) -> None:
    """5 mg/kg at 73.0004 kg and 72.9996 kg both round to 365.00 mg: one plan, computed once."""
    first = calculate(catalog, CalcRequest(dose="5 mg/kg", drug="remicade", weight="73.0004 kg"))
    second = calculate(catalog, CalcRequest(dose="5 mg/kg", drug="remicade", weight="72.9996 kg"))
    assert first.dose_mg == second.dose_mg == Decimal("365.00")
    assert first.billing is second.billing and first.vials is second.vials
    assert first.patient != second.patient  # what is per patient is still the patient's own
    assert [n.message for n in first.warnings] != [n.message for n in second.warnings]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    index=st.integers(0, len(ORDERS) - 1),
    weight=st.decimals("40", "140", places=1),
    given_text=st.sampled_from([None, "100 mg", "2000 mg", "1,5 mg", "300"]),
    twice=st.booleans(),
)
def test_a_kept_answer_is_the_one_computed_afresh(
    site: Site, index: int, weight: Decimal, given_text: str | None, twice: bool
) -> None:
    """Kept or not (first call, second call, caches emptied), every step gives the same answer."""
    request = _request(index, weight, given_text)
    if twice:
        _administered(request, site)  # the second call below takes the kept answers
    kept = _administered(request, site)
    for cache in (KEPT_ORDERS, KEPT_PLANS, *payment.KEPT, *batch_records.KEPT):
        cache.clear()
    fresh = _administered(request, site)
    assert kept == fresh


def _administered(request: CalcRequest, site: Site) -> object:
    """Everything a batch row writes from this order, or the refusal's sentence."""
    try:
        done = administer(request, None, site, today=SERVICE_DAY, document=False)
    except InfusionCalcError as error:
        return str(error)
    return (done.claim, done.payment, done.notices, kept_record_parts(done))


@settings(max_examples=80, deadline=None)
@given(
    dose=st.decimals("1", "1500", places=2),
    exponent_places=st.integers(0, 3),
    threshold=st.sampled_from([None, Decimal("10"), Decimal("10.0"), Decimal("25")]),
)
def test_a_plan_keeps_the_spelling_of_its_dose(
    dose: Decimal, exponent_places: int, threshold: Decimal | None
) -> None:
    """365.0 and 365.00 are equal but key apart: a kept plan is the one its own spelling gives."""
    drug = Context().catalog.lookup("remicade")[0]
    spelled = dose.quantize(Decimal(1).scaleb(-exponent_places)) if dose >= 1 else dose
    for amount in (dose, spelled):
        try:
            fresh = plan_dose(drug, drug.products, amount, threshold, None)
        except InfusionCalcError as error:
            with pytest.raises(type(error)):
                planned(drug, drug.products, amount, threshold, None)
            continue
        assert planned(drug, drug.products, amount, threshold, None) == fresh


def test_record_parts_kept_equal_those_computed(site: Site) -> None:
    done = administer(_request(1, Decimal("73.4"), None), None, site, today=SERVICE_DAY)
    assert kept_record_parts(done) == record_parts(done) == kept_record_parts(done)


def test_a_refusal_is_never_kept(catalog: Catalog) -> None:
    """36 mg of nusinersen needs 3 vials of a drug given from one: refused each time, never kept."""
    drug = catalog.lookup("Spinraza")[0]
    KEPT_PLANS.clear()
    for _ in range(2):
        with pytest.raises(InfusionCalcError, match="needs 3 vials"):
            planned(drug, drug.products, Decimal("36"), None, None)
    assert len(KEPT_PLANS) == 0
    planned(drug, drug.products, Decimal("12"), None, None)
    assert len(KEPT_PLANS) == 1 <= dose_plan.PLANS_KEPT


def test_what_is_kept_is_bounded_the_oldest_let_go_first() -> None:
    kept: Kept[int] = Kept(3)
    for number in range(10):
        kept.keep(number, number * 2, object())
    assert len(kept) == 3 and kept.get(9) == 18 and kept.get(0) is None
    kept.get(7)  # a look-up leaves the order as kept: 7 is the oldest, and goes first
    kept.keep(10, 20)
    assert kept.get(7) is None and kept.get(8) == 16 and kept.get(10) == 20


def test_a_look_up_is_the_dicts_own_get() -> None:
    """No Python call per look-up: a batch row looks up half a dozen kept answers."""
    kept: Kept[int] = Kept(2)
    plain: dict[str, int] = {}
    assert type(kept.get) is type(plain.get)
    kept.keep("dose", 365)
    assert kept.get("dose") == 365 and kept.get("other") is None


@settings(max_examples=200, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(0, 6), st.booleans()), max_size=40))
def test_every_kept_answer_holds_the_objects_its_key_names(steps: list[tuple[int, bool]]) -> None:
    """Kept again or let go in any order, an answer is kept exactly while the objects its key
    names by identity are held beside it, and never more than `size` of them."""
    import gc
    import weakref

    class Held:
        pass

    kept: Kept[int] = Kept(3)
    alive: dict[int, weakref.ref[Held]] = {}
    for key, again in steps:
        if again or kept.get(key) is None:
            held = Held()
            alive[key] = weakref.ref(held)
            kept.keep(key, key * 10, held)
    gc.collect()
    assert len(kept) <= 3
    for key in range(7):
        if kept.get(key) is not None:
            assert kept.get(key) == key * 10 and alive[key]() is not None


def test_orders_kept_under_a_catalog_let_it_go_when_newer_catalogs_come() -> None:
    """An order kept under a catalog holds that catalog (no id reused meanwhile); a process that
    works under many catalogs (an app reloading its catalog, a test suite building one per
    example) must not hold hundreds of them, only the last few, each with its own orders."""
    import gc
    import weakref

    from infusion_calc.core.calculation.engine import CATALOGS_KEPT

    KEPT_ORDERS.clear()
    request = CalcRequest(dose="300 mg", drug="Tysabri")
    first = Context().site().catalog
    ordered(first, request, SERVICE_DAY)
    first_alive = weakref.ref(first.drugs[0])  # the catalog's drugs go with it
    del first
    for _ in range(CATALOGS_KEPT):
        ordered(Context().site().catalog, request, SERVICE_DAY)
    gc.collect()
    assert first_alive() is None


def test_doses_that_share_a_plan_share_its_notices(catalog: Catalog) -> None:
    """The plan's notices (the vials', the draw volume's, the billing's) are worked out once per
    plan: two patients whose doses share it share one tuple; a rounded dose's own notice goes among
    them in its place, after the vials' and before the draw volume's and the billing's."""
    first, second = (
        calculate(catalog, CalcRequest(dose="1 mg/kg", hcpcs="J3380", weight=weight))
        for weight in ("73 kg", "73.0 kg")
    )
    assert first.warnings is second.warnings
    assert [notice.code for notice in first.warnings] == [
        "DESCRIPTOR_PARTIAL",
        "DRAW_VOLUME_UNKNOWN",
    ]
    rounded = calculate(catalog, CalcRequest(dose="1 mg/kg", hcpcs="J3380", weight="73.0004 kg"))
    assert rounded.billing is first.billing
    assert [notice.code for notice in rounded.warnings] == [
        "DESCRIPTOR_PARTIAL",
        "DOSE_ROUNDED",
        "DRAW_VOLUME_UNKNOWN",
    ]


def test_an_orders_plans_are_kept_under_one_text_made_with_the_order(catalog: Catalog) -> None:
    """The engine makes a plan's key but the dose once per order (`plans_key`): a plan found by it
    is the one found without it, and 365.0 and 365.00 still key apart."""
    request = CalcRequest(dose="5 mg/kg", drug="remicade", weight="73 kg", round_within="10")
    order = ordered(catalog, request, SERVICE_DAY)
    assert order.plans == plans_key(order.drug, order.products, order.threshold)
    assert ordered(catalog, request, SERVICE_DAY).plans is order.plans
    next_day = SERVICE_DAY.replace(day=SERVICE_DAY.day + 1)  # another order kept, the same text
    assert ordered(catalog, request, next_day) is not order
    assert ordered(catalog, request, next_day).plans is order.plans
    plan = planned(
        order.drug, order.products, Decimal("365.00"), order.threshold, None, order.plans
    )
    assert planned(order.drug, order.products, Decimal("365.00"), order.threshold, None) is plan
    assert planned(order.drug, order.products, Decimal("365.0"), order.threshold, None) is not plan
    assert planned(order.drug, order.products, Decimal("365.00"), None, None) is not plan
