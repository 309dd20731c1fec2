"""The real `infusion-calc` in an 80×24 tmux pane:
F8 shows the report with both charts, Esc goes back."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import pytest

from infusion_calc.cli import main
from test_tui_tmux import TMUX, Tmux

pytestmark = pytest.mark.skipif(
    TMUX is None, reason="tmux is not installed (Debian: apt-get install tmux)"
)


def test_f8_in_an_80x24_terminal_shows_the_report_and_esc_returns(
    isolated_user_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Saved this month, so the report's twelve months ending today hold it whatever the date.
    given = date.today().replace(day=1).isoformat()
    assert main(["calc", "--dose", "250 mg", "--given-at", f"{given} 09:00", "--save"]) == 0
    assert (
        main(
            [
                "calc",
                "--hcpcs",
                "J1745",
                "--dose",
                "410 mg",
                "--given-at",
                f"{given} 10:00",
                "--save",
            ]
        )
        == 0
    )
    capsys.readouterr()
    command = Path(sys.executable).parent / "infusion-calc"
    tmux = Tmux(f"infusion-calc-report-{os.getpid()}")
    environment = [
        "-e",
        f"INFUSION_CALC_CONFIG_DIR={os.environ['INFUSION_CALC_CONFIG_DIR']}",
        "-e",
        f"INFUSION_CALC_DATA_DIR={os.environ['INFUSION_CALC_DATA_DIR']}",
        "-e",
        f"INFUSION_CALC_CACHE_DIR={os.environ['INFUSION_CALC_CACHE_DIR']}",
    ]
    try:
        tmux.run(
            "new-session", "-d", "-s", "app", "-x", "80", "-y", "24", *environment, f"'{command}'"
        )
        tmux.wait_for("Ordered dose", timeout=20)
        tmux.run("send-keys", "-t", "app", "F8")
        screen = tmux.wait_for(
            "2 administrations", "$ by drug", "Monthly", "J2323", "J1745", "NOT applied", timeout=20
        )
        lines = screen.rstrip("\n").split("\n")
        assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
        assert "esc Back" in lines[-1]
        tmux.run("send-keys", "-t", "app", "Escape")
        tmux.wait_for("Ordered dose")
        tmux.run("send-keys", "-t", "app", "C-q")
    finally:
        tmux.kill()
