"""A batch chunk's CSV rows are written a block at a time (cli/batch_render.py, `CsvOut.finish`):
the text is the one the guard wrote record by record, whatever the pass-through cells hold
(formulas, controls, line breaks, other scripts) and whichever rows are refused."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infusion_calc.cli import batch_render
from infusion_calc.cli.batch_render import CsvOut, Job, render
from infusion_calc.core.pipeline.administration import Site
from infusion_calc.core.pipeline.batch import VIAL_SEPARATOR, answer_rows, read_header
from infusion_calc.core.pipeline.batch_memo import RowMemo
from infusion_calc.core.record.csv_out import CsvWriter, csv_lines
from infusion_calc.loading import Context

HEADER = ("encounter", "drug", "dose", "weight", "note", "given_at")
ORDERS = [
    ("Tysabri", "300 mg", "", "2026-09-01"),
    ("remicade", "5 mg/kg", "73 kg", "2026-09-02"),
    ("Rituxan", "1,5 mg", "", "2026-09-03"),  # refused: a comma decimal
    ("Ocrevus", "15 mL", "", "2027-01-05"),  # no quarter covers the day
]
TODAY = date(2026, 9, 10)
CELLS = st.text(
    st.sampled_from(
        ["=", "+", "-", "@", "\t", "\r", "\n", " ", "a", "1", ".", '"', ",", "é", "\x1b"]
    ),
    max_size=6,
)


@pytest.fixture(scope="module")
def site() -> Site:
    return Context().site()


def _row_by_row(site: Site, rows: list[list[str]]) -> str:
    """What the batch wrote before blocks: each record through the guard on its own."""
    columns = read_header(HEADER)
    sink = io.StringIO()
    writer = CsvWriter(sink)
    names = columns.output_names
    for outcome in answer_rows(rows, columns, site, 2, TODAY, RowMemo()):
        for record in outcome.records:
            cells = [record[name] for name in names]
            for index in (names.index("modifiers"), names.index("warnings")):
                cells[index] = VIAL_SEPARATOR.join(cells[index])
            writer.writerow(cells)
    return sink.getvalue()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(0, len(ORDERS) - 1), CELLS, CELLS), min_size=1, max_size=30))
def test_a_chunk_written_in_blocks_is_the_text_written_record_by_record(
    site: Site, picks: list[tuple[int, str, str]]
) -> None:
    rows = []
    for pick, encounter, note in picks:
        drug, dose, weight, given_at = ORDERS[pick]
        rows.append([encounter, drug, dose, weight, note, given_at])
    columns = read_header(HEADER)
    rendered = render(Job(columns, site, "csv", TODAY), 2, rows)
    assert rendered.text == _row_by_row(site, rows)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.integers(0, len(ORDERS) - 1), CELLS), min_size=1, max_size=12))
def test_line_cells_kept_by_the_csv_output_are_the_cells_of_the_records(
    site: Site, picks: list[tuple[int, str]]
) -> None:
    """`CsvOut.write_outcome` (its line cells kept per kept answer) writes what `write` writes
    for each of the row's records, whether the cells were kept or worked out afresh."""
    columns = read_header(HEADER)
    rows = [[encounter, *ORDERS[pick][:3], "", ORDERS[pick][3]] for pick, encounter in picks]
    outcomes = [o for o in answer_rows(rows, columns, site, 2, TODAY, RowMemo()) if not o.error]
    kept, fresh = io.StringIO(), io.StringIO()
    by_outcome, by_record = CsvOut(kept, columns), CsvOut(fresh, columns)
    for outcome in outcomes:
        by_outcome.write_outcome(outcome)
        for record in outcome.records:
            by_record.write(record)
    assert [list(row) for row in by_outcome.rows] == by_record.rows


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(st.integers(0, len(ORDERS) - 1), CELLS, CELLS), min_size=1, max_size=12),
    st.sets(st.integers(0, 11)),
    st.booleans(),
)
def test_a_chunk_of_outcomes_and_records_is_written_as_records_alone(
    site: Site, picks: list[tuple[int, str, str]], as_records: set[int], forget: bool
) -> None:
    """Rows held in pieces (`write_outcome`: their first cells, doses and plan lines' texts,
    kept or worked out afresh) and rows given as records (`write`: a visit's lines) in any order
    make the text every row written as a record makes."""
    columns = read_header(HEADER)
    rows = [
        [encounter, *ORDERS[pick][:3], note, ORDERS[pick][3]] for pick, encounter, note in picks
    ]
    outcomes = [o for o in answer_rows(rows, columns, site, 2, TODAY, RowMemo()) if not o.error]
    if forget:  # the plans' texts worked out afresh
        for outcome in outcomes:
            outcome.parts[0].written = None
    mixed, records = io.StringIO(), io.StringIO()
    by_pieces, by_records = CsvOut(mixed, columns), CsvOut(records, columns)
    for index, outcome in enumerate(outcomes):
        if index in as_records:
            for record in outcome.records:
                by_pieces.write(record)
        else:
            by_pieces.write_outcome(outcome)
        for record in outcome.records:
            by_records.write(record)
    by_pieces.finish()
    by_records.finish()
    assert mixed.getvalue() == records.getvalue()


def _weighed_rows(count: int) -> list[list[str]]:
    """Remicade by weight, a different weight (so a different dose) on each row."""
    return [
        [f"E{index}", "remicade", "5 mg/kg", f"{60 + index * 0.7:.1f} kg", "", "2026-09-01"]
        for index in range(count)
    ]


def test_a_chunks_first_cells_and_doses_are_written_by_one_csv_call(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every row's own cells (pass-through, number, doses) are written by csv once per chunk, not
    once per row: csv is called once more only for a plan whose lines' text is not kept yet."""
    calls: list[int] = []
    real = csv_lines

    def counted(rows: Iterable[Iterable[object]]) -> list[str]:
        calls.append(1)
        return real(rows)

    monkeypatch.setattr(batch_render, "csv_lines", counted)
    rows = _weighed_rows(30)
    columns = read_header(HEADER)
    outcomes = list(answer_rows(rows, columns, site, 2, TODAY, RowMemo()))
    plans = {id(outcome.parts[0]) for outcome in outcomes}
    assert len({outcome.parts[1] for outcome in outcomes}) == 30  # every dose its own
    render(Job(columns, site, "csv", TODAY), 2, rows)
    assert len(calls) <= 1 + len(plans)
    calls.clear()
    render(Job(columns, site, "csv", TODAY), 2, rows)
    assert len(calls) == 1  # the plans' texts are kept with them


def test_a_plans_csv_text_is_kept_with_its_parts(site: Site) -> None:
    """The text of a plan's lines is kept on the plan's parts (kept as long as they are), so a
    plan the batch still keeps is never written by csv twice."""
    columns = read_header(HEADER)
    rows = _weighed_rows(5)
    render(Job(columns, site, "csv", TODAY), 2, rows)
    for outcome in answer_rows(rows, columns, site, 2, TODAY, RowMemo()):
        plan = outcome.parts[0]
        assert plan.written == batch_render.plan_texts(plan)
        assert plan.written is not None
        assert len(plan.written[1]) == len(plan.tails) == len(outcome.records)
