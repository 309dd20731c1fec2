"""A three-drug visit in the real app at 80×24, in tmux, as a nurse keys it: F9 after each drug."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from test_tui_tmux import TMUX, Tmux

pytestmark = pytest.mark.skipif(
    TMUX is None, reason="tmux is not installed (Debian: apt-get install tmux)"
)


def test_three_drugs_by_f9_show_the_visit_and_its_whole_claim_at_80_by_24(
    isolated_user_dirs: Path,
) -> None:
    command = Path(sys.executable).parent / "infusion-calc"
    tmux = Tmux(f"infusion-calc-visit-{os.getpid()}")
    environment = [
        "-e",
        f"INFUSION_CALC_CONFIG_DIR={os.environ['INFUSION_CALC_CONFIG_DIR']}",
        "-e",
        f"INFUSION_CALC_DATA_DIR={os.environ['INFUSION_CALC_DATA_DIR']}",
    ]
    config = Path(os.environ["INFUSION_CALC_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text(
        '[administration]\nsetting = "hospital"\n', encoding="utf-8"
    )
    try:
        tmux.run(
            "new-session", "-d", "-s", "app", "-x", "80", "-y", "24", *environment, f"'{command}'"
        )
        tmux.run("send-keys", "-t", "app", "-l", "300 mg")  # Tysabri, the default drug
        tmux.wait_for("J2323", "300 mg given", timeout=20)
        tmux.run("send-keys", "-t", "app", "F9")
        tmux.wait_for("Visit: 1 drug")
        for count, (drug, dose, code) in enumerate(
            (("venofer", "200 mg", "J1756"), ("entyvio", "300 mg", "J3380")), start=2
        ):
            tmux.run("send-keys", "-t", "app", "-l", drug)
            time.sleep(0.5)
            tmux.run("send-keys", "-t", "app", "Enter")
            time.sleep(0.5)
            tmux.run("send-keys", "-t", "app", "-l", dose)
            tmux.wait_for(
                code, f"{dose} given", timeout=20
            )  # this drug's result, not the last one's
            tmux.run("send-keys", "-t", "app", "F9")
            tmux.wait_for(f"Visit: {count} drugs", timeout=20)
        screen = tmux.wait_for(
            "Visit: 3 drugs", "J2323-JZ × 300", "J1756-JZ × 200", "J3380-JZ × 300"
        )
        lines = screen.splitlines()
        assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
        assert "Claim for the visit:" in screen
        # No times were entered: no administration code, and it says so (once the notice has gone).
        screen = tmux.wait_for("times are missing", timeout=15)
        print(screen)  # the 80×24 screen, for the record
        assert "hospital outpatient" in screen  # the site config's setting
        tmux.run("send-keys", "-t", "app", "F2")  # the whole visit's claim, into tmux's buffer too
        deadline = time.monotonic() + 10
        while "J3380" not in tmux.run("show-buffer", check=False).stdout:
            assert time.monotonic() < deadline, "F2 did not copy the visit's claim"
            time.sleep(0.05)
        buffer = tmux.run("show-buffer").stdout
        assert all(
            code in buffer for code in ("J2323\tJZ\t300", "J1756\tJZ\t200", "J3380\tJZ\t300")
        )
        tmux.run("send-keys", "-t", "app", "C-n")
        deadline = time.monotonic() + 10
        while "Visit:" in tmux.screen():
            assert time.monotonic() < deadline, "Ctrl+N did not start a new visit"
            time.sleep(0.05)
    finally:
        tmux.kill()
