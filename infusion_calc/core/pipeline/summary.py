"""The short plain-text answer `calc` prints: the summary of the JSON contract, with a dose far
outside the label said under its heading. Here, above the checks, since it reads one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infusion_calc.core.words.summary_text import result_summary

if TYPE_CHECKING:
    from infusion_calc.core.calculation.engine import Calculation


def summary(calc: Calculation) -> str:
    """A short plain-text answer a person reads in one glance (what `calc` prints)."""
    # The engine and the checks, only when a summary is written: `log show` reads this module too.
    from infusion_calc.core.checks.dose_checks import dose_checks
    from infusion_calc.core.words.contract import calculation_to_dict

    heading, rest = result_summary(calculation_to_dict(calc), calc.rounding_threshold).split(
        "\n", 1
    )
    # A dose far outside the label is said under the heading, before "Open 20 vials" is read.
    alerts = [
        f"  ! CHECK THE DOSE: {check.message}"
        for check in dose_checks(calc)
        if check.code == "DOSE_OUT_OF_RANGE"
    ]
    return "\n".join([heading, *alerts, rest])
