"""The words for one thing: an amount, vials, a claim code, an NDC, money; written once for every
front end and export, after the arithmetic.

Pure text from values: no I/O, no Textual or rich. Two NDC forms on purpose: a person reads the
carton's (`NDC 64406-0008-01, 12.5 mL`); a claim form wants its own syntax (`N464406000801 ML12.5`),
used by the exports only. Kept light to import (the unit parser loads pint only when it must ask
it), so the log's listing can use it without paying for the unit library.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from infusion_calc.core.numbers.rounding import plain
from infusion_calc.core.numbers.units import format_amount
from infusion_calc.core.record.claim_code import (
    code_label as code_label,
)  # made where a claim line's code is

if TYPE_CHECKING:
    from infusion_calc.core.calculation.billing import ClaimLine, VialUse
    from infusion_calc.core.record.check_types import Check


def amount(value: Decimal, unit: str) -> str:
    """'300 mg', '12.5 mL', '1.9 m²'."""
    return format_amount(value, unit)


def vial_text(count: int, size: str) -> str:
    """'2 × 300 mg/15 mL': how many vials of which size."""
    return f"{count} × {size}"


def vials_text(vials: Iterable[tuple[int, str]]) -> str:
    """'1 × 300 mg/15 mL + 1 × 100 mg/5 mL'."""
    return " + ".join(vial_text(count, size) for count, size in vials)


def uses_text(uses: Iterable[VialUse]) -> str:
    return vials_text((use.count, use.product.label) for use in uses)


def code_for_claims(hcpcs: str, modifiers: Iterable[str]) -> str:
    """'J2323 JW': the code and its modifiers as a claim form's procedure field holds them
    (CMS-1500 24D, UB-04 FL44), exports only."""
    return " ".join((hcpcs, *modifiers))


def line_brief(hcpcs: str, modifiers: Iterable[str], units: int | str) -> str:
    """'J2323-JW × 50': a claim line in one phrase."""
    return f"{code_label(hcpcs, modifiers)} × {units}"


NDC_UNIT_WORDS = {"ML": "mL", "ME": "mg", "GR": "g", "UN": "vial", "F2": "IU"}
"""The claim's NDC unit qualifiers in words. UN counts the NDC's packages: here, the vials."""


def readable_ndc(ndc: str) -> str:
    """The NDC as the carton prints it: 11 bare digits get their 5-4-2 hyphens back."""
    if len(ndc) == 11 and ndc.isdigit():
        return f"{ndc[:5]}-{ndc[5:9]}-{ndc[9:]}"
    return ndc


def ndc_for_people(
    ndc: str | None,
    quantity: Decimal | str | None = None,
    unit: str | None = None,
    missing: str = "NDC not verified",
) -> str:
    """'NDC 64406-0008-01, 12.5 mL': the NDC and, when given, the amount of it in words."""
    if not ndc:
        return missing
    text = f"NDC {readable_ndc(ndc)}"
    if quantity is not None and quantity != "":
        shown = plain(quantity) if isinstance(quantity, Decimal) else quantity
        text += f", {shown} {NDC_UNIT_WORDS.get(unit or '', unit)}"
    return text


NDC_GAPS = {"one-space": " ", "none": ""}
"""Between the N4 NDC and the unit qualifier; "columns" puts the qualifier at position 17."""


def ndc_for_claims(ndc: str, unit: str, quantity: Decimal, spacing: str = "one-space") -> str:
    """'N464406000801 ML12.5': the claim syntax
    (qualifier N4, 11 digits, unit, quantity), exports only."""
    head = f"N4{ndc}"
    gap = " " * (16 - len(head)) if spacing == "columns" else NDC_GAPS[spacing]
    return f"{head}{gap}{unit}{plain(quantity)}"


def claim_line_ndc(line: ClaimLine, spacing: str = "one-space") -> str | None:
    """The claim syntax for a line's NDC, or None when the line has no verified NDC."""
    if line.ndc is None or line.ndc_unit is None or line.ndc_quantity is None:
        return None
    return ndc_for_claims(line.ndc, line.ndc_unit, line.ndc_quantity, spacing)


def modifiers_text(modifiers: Iterable[str]) -> str:
    """'JW', or '' for none: the modifier column of a claim grid."""
    return "-".join(modifiers)


def opened_vials(use: VialUse) -> str:
    """'2 × 100 mg Remicade vials': how many vials of which size and brand to open."""
    return (
        f"{vial_text(use.count, use.product.label)} {use.product.brand} "
        f"vial{'s' if use.count > 1 else ''}"
    )


def money(value: Decimal) -> str:
    """'$1,234.56'."""
    return f"${value:,}"


def checks_text(checks: Iterable[Check]) -> str:
    """The pre-submission checks as plain lines for the readable output
    (`calc --note`, `log show`)."""
    rows = [f"  {check.severity.value:<8}{check.code}: {check.message}" for check in checks]
    if not rows:
        return "Pre-submission checks: none\n"
    return "\n".join(["Pre-submission checks:", *rows]) + "\n"
