"""A batch row's order cells become the `CalcRequest` a person would type, field by field
(core/pipeline/batch.py makes it by position, in the request's field order)."""

from __future__ import annotations

from dataclasses import fields

from hypothesis import given
from hypothesis import strategies as st

from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.pipeline.batch import ORDER_COLUMNS, read_header, request_from_cells

CELL = st.sampled_from(["", " ", "300 mg", " 70 kg ", "x", "100 mg; 400 mg", "10"])


@given(st.permutations(ORDER_COLUMNS), st.lists(CELL, min_size=12, max_size=12), st.integers(1, 11))
def test_the_request_holds_each_order_cell_under_its_own_field(
    order: list[str], cells: list[str], kept: int
) -> None:
    names = [*order[:kept], "encounter"]
    if "dose" not in names[:-1]:
        names[0] = "dose"
    if "drug" not in names and "hcpcs" not in names:
        names.insert(1, "drug")
    columns = read_header(names)
    row = cells[: len(names)]
    row[names.index("dose")] = "300 mg"
    drug_column = "drug" if "drug" in names else "hcpcs"
    row[names.index(drug_column)] = "Tysabri"
    typed = {name: row[index].strip() or None for index, name in enumerate(names)}
    vials = typed.get("vial")
    get = typed.get
    expected = CalcRequest(
        dose="300 mg",
        drug=get("drug"),
        hcpcs=get("hcpcs"),
        vials=tuple(size.strip() for size in vials.split(";") if size.strip()) if vials else (),
        weight=get("weight"),
        height=get("height"),
        bsa=get("bsa"),
        round_within=get("round_within"),
        billing_unit=get("billing_unit"),
        dose_given=get("dose_given"),
        container=get("container"),
    )
    assert {field.name for field in fields(CalcRequest)} == {*ORDER_COLUMNS, "vials"} - {"vial"}
    assert request_from_cells(row, columns) == expected
