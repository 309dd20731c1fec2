"""Opening the chair-side app. Kept apart so `calc` never imports Textual."""

from __future__ import annotations

import argparse


def launch(options: argparse.Namespace) -> int:
    from infusion_calc.cli.common import fail

    return fail("the chair-side app is not built yet; use 'infusion-calc calc --help'")
