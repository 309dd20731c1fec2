"""The checks only a whole visit can make (core/visit/visit.py): a time
its administration code needs, and a service the rules leave off the
claim (core/visit/admin_hierarchy.py's findings, said for a person)."""

from __future__ import annotations

from collections.abc import Sequence

from infusion_calc.core.record.check_types import ERROR, INFO, Check, CheckSpec, emits
from infusion_calc.core.visit.admin_hierarchy import Finding

VISIT_TIMES_MISSING = CheckSpec(
    "VISIT_TIMES_MISSING", ERROR, "a visit's administration without the times its code needs"
)
VISIT_NOT_BILLED = CheckSpec(
    "VISIT_NOT_BILLED", INFO, "a visit's administration that the rules leave off the claim"
)


@emits(VISIT_TIMES_MISSING, VISIT_NOT_BILLED)
def visit_checks(findings: Sequence[Finding], labels: Sequence[str]) -> list[Check]:
    """One check per finding; `labels` name each administration as the person reads it."""
    out = []
    for finding in findings:
        what = labels[finding.service]
        if finding.name == "ADMIN_TIMES_MISSING":
            out.append(
                VISIT_TIMES_MISSING(
                    f"{what}: {finding.message}; record it before the claim goes out."
                )
            )
        else:
            out.append(VISIT_NOT_BILLED(f"{what}: {finding.message}."))
    return out
