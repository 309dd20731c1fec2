"""A batch repeats its orders row after row: what is read once and kept (dose, vial size and
patient-measure spellings, a catalog's answer per name) gives every row the answer a fresh
read would, and a refused value is refused on every row, not only the first."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import parse_catalog
from infusion_calc.core.errors import InputError
from infusion_calc.loading import _packaged_text, packaged_catalog

ORDERS = (
    CalcRequest(dose="5 mg/kg", drug="Remicade", weight="154 lb", round_within="10"),
    CalcRequest(dose="375 mg/m2", drug="Rituxan", height="170 cm", weight="70 kg"),
    CalcRequest(
        dose="95 mg", hcpcs="J9999", billing_unit="1 mg", vials=("100 mg/10 mL", "50 mg/5 mL")
    ),
    CalcRequest(dose="300 mg", drug="tysabri"),
)


def test_the_same_order_again_is_the_same_calculation_as_in_a_fresh_catalog() -> None:
    catalog = packaged_catalog()
    first = [calculate(catalog, order) for order in ORDERS]
    again = [calculate(catalog, order) for order in ORDERS]
    fresh = parse_catalog(_packaged_text("catalog.toml"), "packaged catalog")  # nothing kept yet
    assert again == first == [calculate(fresh, order) for order in ORDERS]


@pytest.mark.parametrize(
    "order, field",
    [
        (CalcRequest(dose="1,5 mg"), "dose"),
        (CalcRequest(dose="5 mg/kg", drug="Remicade", weight="900 kg"), "weight"),
        (CalcRequest(dose="375 mg/m2", drug="Rituxan", bsa="9 m2"), "bsa"),
        (
            CalcRequest(dose="95 mg", hcpcs="J9999", billing_unit="1 mg", vials=("100 mg/x",)),
            "vial",
        ),
        (CalcRequest(dose="300 mg", drug="no such drug"), "drug"),
    ],
)
def test_a_refused_value_is_refused_on_every_row(order: CalcRequest, field: str) -> None:
    for _ in range(3):
        with pytest.raises(InputError) as refused:
            calculate(packaged_catalog(), order)
        assert refused.value.field == field


@settings(max_examples=60, deadline=None)
@given(weight=st.decimals(min_value="30", max_value="150", places=1), repeats=st.integers(1, 3))
def test_a_weight_read_again_gives_the_dose_it_gave_the_first_time(
    weight: Decimal, repeats: int
) -> None:
    order = CalcRequest(dose="5 mg/kg", drug="Remicade", weight=f"{weight} kg")
    doses = {calculate(packaged_catalog(), order).dose_mg for _ in range(repeats)}
    assert doses == {weight * 5}
