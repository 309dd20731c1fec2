"""One administration, whatever front end asked: `calc --json`, a `batch` row and a saved-then-shown
log entry give the same claim lines, payment, checks and note (the app:
tests/tui/test_tui_same_administration.py).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infusion_calc.cli import main
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.pipeline.administration import Site, administer, date_of_service
from infusion_calc.core.record.check_types import SitePolicy
from infusion_calc.core.record.encounter import Encounter, EncounterText, parse_encounter
from infusion_calc.core.words.labels import money
from infusion_calc.loading import Context
from tests.administration_orders import ORDERS, cli_json, contract_view


def _config(isolated_user_dirs: Path, text: str) -> None:
    folder = isolated_user_dirs / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("order", ORDERS, ids=lambda order: f"{order['drug']}-{order['dose']}")
def test_calc_prices_by_the_date_of_service_even_from_a_dated_start(
    capsys: pytest.CaptureFixture[str], order: dict[str, str]
) -> None:
    result = cli_json(capsys, order)
    assert result["payment"] is not None and result["payment"]["quarter"] == "2026Q1"
    assert "PAYMENT_QUARTER_MISSING" not in {notice["code"] for notice in result["warnings"]}
    assert result["service_date"] == (order.get("given_at") or order["start"])[:10]


@pytest.mark.parametrize(
    "order", [order for order in ORDERS if "given_at" in order], ids=lambda order: order["drug"]
)
def test_a_batch_row_gives_the_lines_and_payment_calc_gives(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, order: dict[str, str]
) -> None:
    expected = contract_view(cli_json(capsys, order))
    orders = tmp_path / "orders.csv"
    with orders.open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream).writerows(
            [
                ["hcpcs", "dose", "weight", "given_at"],
                [order["drug"], order["dose"], order.get("weight", ""), order["given_at"]],
            ]
        )
    assert main(["batch", str(orders), "--jobs", "1", "--format", "jsonl"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    lines = [
        (row["hcpcs"], tuple(row["modifiers"]), row["units"], row["medicare_payment"])
        for row in rows
    ]
    assert lines == expected["lines"]


@pytest.mark.parametrize("order", ORDERS, ids=lambda order: f"{order['drug']}-{order['dose']}")
def test_a_saved_then_shown_entry_holds_what_calc_printed(
    capsys: pytest.CaptureFixture[str], order: dict[str, str]
) -> None:
    printed = cli_json(capsys, order)
    saved = cli_json(capsys, order, "--save")
    assert saved == printed
    assert main(["log", "show", "1", "--json"]) == 0
    entry = json.loads(capsys.readouterr().out)
    assert contract_view(entry["result"]) == contract_view(printed)
    assert entry["checks"] == printed["checks"] and entry["note"] == printed["note"]
    assert main(["log", "show", "1"]) == 0
    shown = capsys.readouterr().out
    assert f"Medicare      {money(Decimal(printed['payment']['total']))} allowed" in shown


def test_batch_dates_the_340b_modifier_by_each_rows_date_of_service(
    capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path, tmp_path: Path
) -> None:
    _config(isolated_user_dirs, "[billing]\nacquired_340b = true\n")
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "hcpcs,dose,given_at\nJ2323,250 mg,2024-06-03 09:00\nJ2323,250 mg,2026-03-02 09:00\n",
        encoding="utf-8",
    )
    assert main(["batch", str(orders), "--jobs", "1"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(row["given_at"][:4], row["modifiers"]) for row in rows] == [
        ("2024", ""),
        ("2024", "JW"),
        ("2026", "TB"),
        ("2026", "JW;TB"),  # TB only from 1 Jan 2025
    ]
    before = cli_json(capsys, {"drug": "J2323", "dose": "250 mg", "given_at": "2024-06-03 09:00"})
    assert [line["modifiers"] for line in before["lines"]] == [[], ["JW"]]


@pytest.mark.parametrize(
    ("typed", "today", "expected"),
    [
        (
            {"given_at": "2026-03-02 09:00", "start": "2026-02-01 08:00"},
            date(2026, 5, 1),
            date(2026, 3, 2),
        ),
        ({"start": "2026-02-01 08:00"}, date(2026, 5, 1), date(2026, 2, 1)),
        ({"start": "08:00"}, date(2026, 5, 1), date(2026, 5, 1)),
        ({}, date(2026, 5, 1), date(2026, 5, 1)),
    ],
)
def test_the_date_of_service_is_given_at_else_a_dated_start_else_today(
    typed: dict[str, Any], today: date, expected: date
) -> None:
    encounter = parse_encounter(EncounterText(**typed))
    assert date_of_service(encounter, today) == expected
    site = Context().site()
    done = administer(CalcRequest(dose="250 mg", hcpcs="J2323"), encounter, site, today=today)
    assert done.service_date == expected
    quarter = done.payment.quarter if done.payment is not None else None
    assert quarter == ("2026Q1" if expected < date(2026, 4, 1) else None)


def test_an_administration_without_a_document_is_the_same_claim() -> None:
    site = Site(Context().catalog, Context().rules, quarters=tuple(Context().quarters))
    request, encounter = CalcRequest(dose="250 mg", hcpcs="J2323"), Encounter()
    full = administer(request, encounter, site, today=date(2026, 2, 2))
    claim = administer(request, encounter, site, today=date(2026, 2, 2), document=False)
    assert (claim.lines, claim.payment, claim.notices) == (full.lines, full.payment, full.notices)
    assert full.note and full.checks and (claim.note, claim.checks) == ("", ())


_SITE = Context()


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    acquired_340b=st.booleans(),
    dose=st.sampled_from(["250 mg", "300 mg", "600 mg"]),
)
def test_one_date_decides_the_modifier_the_payment_and_the_checks(
    day: date, acquired_340b: bool, dose: str
) -> None:
    site = Site(
        _SITE.catalog, _SITE.rules, SitePolicy(acquired_340b=acquired_340b), tuple(_SITE.quarters)
    )
    done = administer(CalcRequest(dose=dose, hcpcs="J2323"), None, site, today=day)
    assert done.service_date == day
    assert all(
        ("TB" in line.modifiers) == (acquired_340b and day >= date(2025, 1, 1))
        for line in done.lines
    )
    covering = [q for q in _SITE.quarters if q.effective_from <= day <= q.effective_to]
    if covering:
        assert done.payment is not None and done.payment.quarter == covering[0].quarter
    else:
        assert done.payment is None and "PAYMENT_QUARTER_MISSING" in {
            notice.code for notice in done.notices
        }
    claim = administer(CalcRequest(dose=dose, hcpcs="J2323"), None, site, today=day, document=False)
    assert (claim.lines, claim.payment, claim.notices) == (done.lines, done.payment, done.notices)
