"""`log list --all` over a big log: the local time of each entry read exactly as before, and the
listing written a chunk of lines at a time (one write per row cost more than the rest of it)."""

from __future__ import annotations

import math
import os
import sqlite3
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infusion_calc.cli import log as log_cli
from infusion_calc.cli import log_common, main
from infusion_calc.cli.log_common import local_time
from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.loading import packaged_catalog
from infusion_calc.log import save

ZONES = ("UTC", "America/New_York", "Europe/Paris", "Australia/Lord_Howe", "Asia/Kathmandu")


def _reference_local_time(saved_at: str) -> str:
    """The listing's time as it was read before: astimezone() on each entry."""
    return datetime.fromisoformat(saved_at).astimezone().isoformat(" ", "minutes")[:16]


@pytest.fixture
def zone(request: pytest.FixtureRequest) -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    log_common.forget_local_times()  # minutes converted in another zone
    yield
    if before is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = before
    time.tzset()
    log_common.forget_local_times()


@pytest.mark.parametrize("zone", ZONES, indirect=True)
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.datetimes(min_value=datetime(1971, 1, 2), max_value=datetime(2099, 12, 30)),
    st.sampled_from([timedelta(0), timedelta(hours=2), timedelta(hours=-5, minutes=-30)]),
)
def test_each_entry_is_shown_in_this_machines_time_as_before(
    zone: None, moment: datetime, offset: timedelta
) -> None:
    """Across daylight-saving changes (Lord Howe's are half an hour), whatever offset was saved."""
    saved_at = moment.replace(microsecond=0, tzinfo=timezone(offset)).isoformat()
    assert local_time(saved_at) == _reference_local_time(saved_at)


def test_a_time_in_another_form_is_still_read() -> None:
    for saved_at in ("2026-03-08T09:41:12.5+00:00", "2026-03-08T09:41Z", "2026-03-08 09:41"):
        assert local_time(saved_at) == _reference_local_time(saved_at)


class _CountingOut:
    def __init__(self) -> None:
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_log_list_all_writes_a_chunk_of_lines_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entry = save(calculate(packaged_catalog(), CalcRequest("250 mg")), note="chart text")
    assert isinstance(entry.path, Path)
    copies = 2 * log_cli.LIST_CHUNK + 10
    with sqlite3.connect(entry.path) as connection:
        connection.execute(
            f"""INSERT INTO administration (saved_at, tool_version, drug, hcpcs, dose,
                   administered_units, discarded_units, inputs, result, line_summary)
               WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {copies})
               SELECT saved_at, tool_version, drug, hcpcs, dose, administered_units,
                      discarded_units, inputs, result, line_summary FROM administration, n
               WHERE id = 1"""
        )
    out = _CountingOut()
    monkeypatch.setattr("sys.stdout", out)
    assert main(["log", "list", "--all"]) == 0
    text = "".join(out.writes)
    assert text.count("\n") == copies + 2  # the header and every entry
    assert len(out.writes) <= math.ceil((copies + 1) / log_cli.LIST_CHUNK) + 1
