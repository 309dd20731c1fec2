"""The codes a drug name could mean, for a message that asks which one: each with its brands and
the use its descriptor limits it to."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from infusion_calc.core.catalog.catalog import Drug


def drug_choices(drugs: Iterable[Drug]) -> str:
    """'J1745 infliximab (Remicade); Q5103 infliximab (Inflectra, infliximab-dyyb)': the codes a
    name could mean, each with the use its descriptor limits it to ('— for ESRD on dialysis')."""
    return "; ".join(
        f"{drug.hcpcs} {drug.generic}"
        + (f" ({', '.join(drug.brands[:3])})" if drug.brands else "")
        + (f" — {note}" if (note := use_note(drug.descriptor)) else "")
        for drug in drugs
    )


_USE_NOTE = re.compile(r"[0-9]\s*(?:mg|mcg|g|units?)\s*\(([^()]+)\)\s*$", re.IGNORECASE)
_ESRD = re.compile(r"\besrd\b", re.IGNORECASE)


def use_note(descriptor: str) -> str | None:
    """The use a descriptor ends with after its unit
    ('1 mg (non-esrd use)' -> 'non-ESRD use'), or None.

    Two codes of one drug can differ only there (ferumoxytol: Q0138 non-ESRD, Q0139 ESRD on
    dialysis), so a pick list that shows both must show it."""
    found = _USE_NOTE.search(descriptor)
    return _ESRD.sub("ESRD", found[1].strip()) if found else None
