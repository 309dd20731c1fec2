"""The product picked, billed under the code in effect on the date of service.

The app's drug list holds the newest quarter's codes: a nurse back-dating a visit picks
Soliris and gets J1299, which starts in 2025Q2. A claim uses the code in effect that day
(eculizumab was J1300 before), so when the person picked a product rather than typed a code,
the order follows the product to its code of that day, and says so. `--hcpcs` typed by hand
never follows: there a code out of effect is an error naming the code that is.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.record.notices import Notice, NoticeSpec

CODE_IN_EFFECT = NoticeSpec(
    "CODE_IN_EFFECT",
    "calculation",
    "the product picked is billed under another code on the date of service: "
    "the code in effect that day",
)


def followed(
    request: CalcRequest, catalog: Catalog, day: date
) -> tuple[CalcRequest, Notice | None]:
    """The request with the picked code replaced by the one code of the same drug in effect on
    `day`, and the notice saying so; unchanged when the code is in effect, or when no single code
    of that day is its (then the engine's error names the choices)."""
    code = (request.hcpcs or "").strip().upper()
    if (
        not code
        or catalog.cms is None
        or catalog.cms.history is None
        or catalog.out_of_effect(code, day) is None
    ):
        return request, None
    history = catalog.cms.history
    in_effect = history.successor(code, history.reference(day).label)
    if in_effect is None or "," in in_effect:
        return request, None
    return replace(request, hcpcs=in_effect), CODE_IN_EFFECT(
        f"Billed as {in_effect}, the code in effect on {day.isoformat()} for the drug picked: "
        f"{catalog.out_of_effect(code, day)}"
    )
