"""The last line of defence: every export, the batch output and the log save refuse claim
lines that break an invariant (core/checks/claim_invariants.py),
with one sentence and nothing lost."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from infusion_calc.cli import main
from infusion_calc.core.calculation import engine
from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.errors import ClaimLineError
from infusion_calc.core.exports import FORMATS, ExportError, render
from infusion_calc.core.pipeline.administration import Administration
from infusion_calc.core.pipeline.batch import claim_records
from infusion_calc.core.record.encounter import Encounter
from infusion_calc.loading import packaged_catalog
from infusion_calc.log import AdministrationLog, LogError, save

CATALOG = packaged_catalog()


def _negative(calc: Calculation) -> Calculation:
    """A result whose first line went negative, as the stopped-infusion split once did."""
    lines = list(calc.billing.lines)
    lines[0] = replace(lines[0], units=-100)
    return replace(calc, billing=replace(calc.billing, lines=tuple(lines)))


@pytest.fixture
def broken() -> Calculation:
    return _negative(calculate(CATALOG, CalcRequest("300 mg", dose_given="200 mg")))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_export_format_refuses_a_broken_line(broken: Calculation, fmt: str) -> None:
    with pytest.raises(ExportError, match="not valid, so nothing was exported"):
        render(broken, fmt)


def test_the_batch_output_refuses_the_row(broken: Calculation) -> None:
    with pytest.raises(ClaimLineError, match="-100 units"):
        claim_records(
            Administration(broken, Encounter(), date(2026, 2, 2), None, broken.warnings, (), ""),
            2,
            {},
        )


def test_the_log_refuses_the_save_and_saves_nothing(broken: Calculation) -> None:
    with pytest.raises(LogError, match="nothing was saved"):
        save(broken)
    assert AdministrationLog().count() == 0


@pytest.mark.parametrize("extra", [["--format", "cms1500"], ["--format", "837p"], ["--save"]])
def test_the_cli_refuses_with_one_error_line_and_status_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, extra: list[str]
) -> None:
    real = engine.calculate
    monkeypatch.setattr(
        "infusion_calc.core.pipeline.administration.calculate", lambda *args: _negative(real(*args))
    )
    status = main(["calc", "--dose", "300 mg", "--dose-given", "200 mg", *extra])
    captured = capsys.readouterr()
    assert status == 2 and captured.out == ""
    assert (
        captured.err.startswith("error: These claim lines are not valid")
        and captured.err.count("\n") == 1
    )
    assert AdministrationLog().count() == 0
