"""Earlier doses of a drug for one patient, from the administration log:
the frequency check's input.

Only with `--patient-id`, which the log keeps only where the site config allows it: without an
identifier the log cannot tell one patient's doses from another's, so nothing is counted.
The date of a dose is the date given typed with it, else the day it was saved.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import TYPE_CHECKING

from infusion_calc.log import AdministrationLog, LogError

if TYPE_CHECKING:
    from infusion_calc.log.location import LogLocation


def earlier_doses(hcpcs: str, patient_id: str | None, log_path: LogLocation) -> tuple[date, ...]:
    """The days this patient was given `hcpcs`, per the log at `log_path`; () when unknown."""
    if not patient_id or not patient_id.strip():
        return ()

    days: set[date] = set()
    try:
        for text in AdministrationLog(log_path).json_lines():
            entry = json.loads(text)
            if (
                entry.get("patient_id") != patient_id.strip()
                or (entry.get("result") or {}).get("hcpcs") != hcpcs
            ):
                continue
            given = str((entry.get("encounter") or {}).get("given_at") or "")
            days.add(date.fromisoformat((given or str(entry.get("saved_at") or ""))[:10]))
    except (LogError, ValueError) as error:
        sys.stderr.write(
            "warning: the log's earlier doses could not be read, "
            f"so their frequency is not checked: {error}\n"
        )
        return ()
    return tuple(sorted(days))
