"""`log show` reads as `calc` did for the same calculation,
and every `log` command reads the command's log."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from infusion_calc.cli import log as log_command
from infusion_calc.cli import log_export, log_show, main
from infusion_calc.cli.options import CommandOptions
from infusion_calc.loading import Context

CALCULATIONS = [
    # A JW line with one vial size.
    ["--dose", "250 mg"],
    # Per kg: the weight step, several vials of one size, a JW line.
    ["--dose", "5 mg/kg", "--weight", "73 kg", "--drug", "remicade"],
    # A powder to reconstitute.
    ["--dose", "12 mg", "--drug", "spinraza"],
    # The whole-vial option, found and not found, and a partly given dose.
    ["--dose", "280 mg", "--round-within", "10"],
    ["--dose", "250 mg", "--round-within", "1"],
    ["--dose", "300 mg", "--dose-given", "250 mg"],
    # Medicare's payment for the quarter holding the date given, with a JW line,
    # and beside the whole-vial option.
    ["--dose", "250 mg", "--given-at", "2026-02-03 10:00"],
    [
        "--drug",
        "remicade",
        "--dose",
        "310 mg",
        "--round-within",
        "10",
        "--given-at",
        "2026-02-03 10:00",
    ],
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("arguments", CALCULATIONS, ids=lambda arguments: " ".join(arguments))
def test_log_show_holds_the_summary_calc_printed(
    capsys: pytest.CaptureFixture[str], arguments: list[str]
) -> None:
    status, printed, _ = run(capsys, "calc", *arguments)
    assert status == 0
    assert run(capsys, "calc", *arguments, "--save")[0] == 0
    status, shown, _ = run(capsys, "log", "show", "1")
    assert status == 0
    assert printed in shown  # the same lines, in the same order, from the one presentation module


def test_log_show_keeps_the_entry_details_around_the_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(capsys, "calc", "--dose", "250 mg", "--note", "--save")
    _, shown, _ = run(capsys, "log", "show", "1")
    first, *_ = shown.splitlines()
    assert first.startswith("Entry 1, saved ")
    assert (
        "Pre-submission checks:" in shown
        and "Chart note" in shown
        and "Typed          dose '250 mg'" in shown
    )


def test_every_log_command_reads_the_log_of_the_commands_context(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from infusion_calc.core.calculation.engine import calculate
    from infusion_calc.core.calculation.request import CalcRequest
    from infusion_calc.loading import packaged_catalog
    from infusion_calc.log import save

    elsewhere = tmp_path / "elsewhere" / "log.sqlite3"
    save(calculate(packaged_catalog(), CalcRequest("250 mg")), path=elsewhere)
    # Every command's context is built in one place; one naming another log reaches them all.
    monkeypatch.setattr(CommandOptions, "context", property(lambda _: Context(log_file=elsewhere)))

    assert log_command.run_path(argparse.Namespace()) == 0
    assert capsys.readouterr().out == f"{elsewhere}\n"
    assert log_command.run_list(argparse.Namespace(all=True, limit=20)) == 0
    assert "J2323 × 250; J2323-JW × 50" in capsys.readouterr().out
    assert log_show.run_show(argparse.Namespace(id=1, json=False)) == 0
    assert "J2323-JW" in capsys.readouterr().out
    assert log_export.run_export(argparse.Namespace(format="csv", out=None)) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3  # the header and the two claim lines
