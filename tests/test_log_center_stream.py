"""A center log's reads stream: the exports in flat memory, and a read left early (a consumer that
stops, a one-row query) leaves the connection ready for the next read, which sees every entry."""

from __future__ import annotations

import tracemalloc
from collections.abc import Generator, Iterator
from typing import Any

from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.loading import packaged_catalog
from infusion_calc.log import AdministrationLog, CenterLog, save
from infusion_calc.log.postgres_log import _connection

COPIES = 5_000


def _big_center_log(log: CenterLog) -> None:
    save(calculate(packaged_catalog(), CalcRequest("250 mg")), path=log, note="chart text")
    connection = _connection(log)
    with connection.transaction():
        connection.execute(
            "INSERT INTO administration (uuid, workstation, saved_at, tool_version, drug, hcpcs, "
            "dose, administered_units, discarded_units, inputs, result, note, line_summary)"
            " SELECT 'copy-' || n, workstation, saved_at, tool_version, drug, hcpcs, dose, "
            "administered_units, discarded_units, inputs, result, note, line_summary FROM "
            "administration, generate_series(1, %s) AS n WHERE id = 1",
            (COPIES,),
        )
        connection.execute(
            "INSERT INTO claim_line SELECT a.id, l.line, l.hcpcs, l.modifiers, l.units, l.ndc, "
            "l.ndc_unit, l.ndc_quantity, l.medicare_payment FROM administration a, claim_line l"
            " WHERE a.id > 1 AND l.administration_id = 1"
        )


def _peak(rows: Iterator[Any]) -> tuple[int, int]:
    tracemalloc.start()
    try:
        return sum(1 for _ in rows), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_center_log_exports_stream_in_flat_memory(center_log: CenterLog) -> None:
    _big_center_log(center_log)
    log = AdministrationLog(center_log)
    lines, peak = _peak(log.csv_rows())
    assert lines == 2 * (COPIES + 1) and peak < 2_000_000
    entries, peak = _peak(log.json_lines())
    assert entries == COPIES + 1 and peak < 2_000_000


def test_a_read_left_early_leaves_the_connection_ready(center_log: CenterLog) -> None:
    _big_center_log(center_log)
    log = AdministrationLog(center_log)
    rows = log.json_lines()
    assert isinstance(rows, Generator)
    assert [next(rows) for _ in range(3)]
    rows.close()  # a consumer that stops: the rest of the stream is cancelled
    assert log.count() == COPIES + 1
    for _ in range(3):  # one-row reads, one after another on the same connection
        assert log.entry(1) is not None and log.correction_chain(1) == [1]
    assert sum(1 for _ in log.recent(None)) == COPIES + 1
