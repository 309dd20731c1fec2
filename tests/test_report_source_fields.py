"""A saved entry read as the report's record, field by field by name: what the saved result gives
(read once per distinct result) and what is the entry's own (its id, day, payer and checks)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from infusion_calc.cli import main
from infusion_calc.core.report.report_records import SavedAdministration, SavedLine
from infusion_calc.log import AdministrationLog
from infusion_calc.log.report_source import record_from, result_record

TYSABRI_250 = [
    "calc",
    "--dose",
    "250 mg",
    "--given-at",
    "2026-02-03 09:00",
    "--payer",
    "medicare",
    "--save",
]


def _saved_rows(
    capsys: pytest.CaptureFixture[str],
) -> list[tuple[int, str, str, str, str | None, str | None]]:
    assert main(TYSABRI_250) == 0
    capsys.readouterr()
    return list(AdministrationLog().report_rows())


def test_a_saved_result_is_read_into_named_fields(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, inputs, result, _, _ = _saved_rows(capsys)[0]
    figures = result_record(result, inputs, {})
    assert isinstance(figures, SavedAdministration)
    assert (figures.hcpcs, figures.drug) == ("J2323", "natalizumab (Tysabri)")
    assert (figures.dose_mg, figures.labeled_mg, figures.discarded_mg) == (
        Decimal("250"),
        Decimal("300"),
        Decimal("50"),
    )
    assert (figures.administered_units, figures.discarded_units) == (250, 50)
    assert (figures.billing_unit_mg, figures.amount_unit, figures.vial_count) == (
        Decimal("1"),
        "mg",
        1,
    )
    assert [(line.modifiers, line.units) for line in figures.lines] == [((), 250), (("JW",), 50)]


def test_each_entry_keeps_its_own_id_day_payer_and_checks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    row = _saved_rows(capsys)[0]
    record = record_from(row, {})
    assert record.id == row[0] and record.day == date(2026, 2, 3)
    assert record.payer == "medicare" and record.error_checks == ("REMS_NOT_CONFIRMED",)
    assert record.lines[1] == SavedLine(("JW",), 50, record.lines[1].payment)
    again = record_from(
        (7, *row[1:]), {}
    )  # the same result read again: only the entry's own differ
    assert again == record._replace(id=7)
