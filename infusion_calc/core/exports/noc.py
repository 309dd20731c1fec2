"""The drug description a not-otherwise-classified code needs on a claim (J3490, J3590, J9999).

A NOC code says only "a drug"; the payer learns which drug from a description: X12
SV101-7 (837P) / SV202-7 (837I), "required when the procedure code is a Not Otherwise
Classified code"; CMS-1500 item 19 ("the drug's name and dosage" for a NOC drug);
UB-04 FL43. The text is the drug's name (from the catalog, or as typed) with the dose
and route. A claim for a NOC code with no drug name cannot be sent, so the claim
formats refuse it with a sentence rather than export an undescribed line.
"""

from __future__ import annotations

import re

from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.exports.lines import ExportError
from infusion_calc.core.numbers.units import format_amount

NOC_CODES = frozenset({"J3490", "J3590", "J9999"})
"""Unclassified drugs, unclassified biologics, not otherwise classified antineoplastic drugs."""
DESCRIPTION_LIMIT = 80  # X12 SV101-7 / SV202-7: AN, 1 to 80 characters
ENTERED_BY_USER = "entered by the user"  # the engine's source for a code the catalog does not have
# X12 separators (* : ~ ^) and anything outside plain ASCII letters, digits and a little
# punctuation would break or garble the segment: such characters become spaces.
_NOT_CARRIED = re.compile(r"[^A-Za-z0-9 .,()/%&'+-]+")


def _drug_name(calc: Calculation) -> str:
    typed = (calc.request.drug or "").strip()
    if typed:
        return typed
    if ENTERED_BY_USER in calc.drug.sources:
        return ""  # the engine's placeholder "unlisted drug (J3490)" names no drug
    return calc.drug.display_name


def noc_description(calc: Calculation) -> str | None:
    """'bigpowder 4999 mg IV' (the amount given) for a NOC code; None for any other code;
    ExportError when no drug is named."""
    code = calc.drug.hcpcs
    if code not in NOC_CODES:
        return None
    name = " ".join(_NOT_CARRIED.sub(" ", _drug_name(calc)).split())
    if not name:
        raise ExportError(
            f"{code} is a not-otherwise-classified code, so the claim must name the drug and its "
            "dose, and no drug name was given that a claim can carry: give the drug's name "
            "(--drug NAME, or the Drug field), or list it in the site catalog."
        )
    route = calc.drug.route if calc.drug.route != "as ordered" else ""
    given = format_amount(
        calc.administered_mg, calc.drug.amount_unit
    )  # the dose administered: the amount given when entered
    tail = " ".join(part for part in (given, route) if part)
    tail = " ".join(_NOT_CARRIED.sub(" ", tail).split())
    room = DESCRIPTION_LIMIT - len(tail) - 1
    return f"{name[:room].rstrip()} {tail}"
