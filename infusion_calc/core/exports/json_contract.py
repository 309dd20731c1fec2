"""The engine's JSON contract (core/words/contract.py), exactly as `calc --json` prints it.

The payer's rules and charges do not change it: the contract is the engine's answer;
the other formats are what a payer gets. Its warnings are already in `warnings`.
"""

from __future__ import annotations

import json
from datetime import datetime

from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.pipeline.site_config import ExportSettings
from infusion_calc.core.record.notices import Notice
from infusion_calc.core.words.contract import calculation_to_dict


def write(
    calc: Calculation, fmt: str, settings: ExportSettings, when: datetime
) -> tuple[str, tuple[Notice, ...]]:
    return json.dumps(calculation_to_dict(calc), ensure_ascii=False, indent=2) + "\n", ()
