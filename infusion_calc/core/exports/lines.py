"""The engine's claim lines made ready for a payer: charges, NDC units it accepts, warnings.

Every format starts here, so a line reads the same on the CMS-1500, the UB-04, the
837 and the CSV. Nothing is invented: a line without a verified NDC stays without
one (and says so), a code without a chargemaster entry has no charge (and says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from infusion_calc.core import rounding
from infusion_calc.core.billing import ClaimLine, Notice
from infusion_calc.core.catalog import Product
from infusion_calc.core.engine import Calculation
from infusion_calc.core.errors import InfusionCalcError
from infusion_calc.core.rounding import plain
from infusion_calc.core.site_config import ExportSettings

REVENUE_CODE = "0636"  # NUBC: drugs requiring detailed coding (domain-facts §4, VERIFIED)
MAX_QUANTITY_DIGITS = 8  # NUCC: up to 8 digits before the decimal point in the NDC quantity


class ExportError(InfusionCalcError):
    """The lines cannot be written for this payer; the message says what to change."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportLine(ClaimLine):
    """A claim line as a payer gets it: numbered, in an NDC unit it accepts, with its charge."""

    number: int
    charge: Decimal | None
    """units × the chargemaster's charge per unit; None when the chargemaster has none."""


def money(amount: Decimal) -> str:
    """Dollars with two decimals: 1200 -> '1200.00'. Exact: charges are whole cents."""
    return f"{amount:.2f}"


def quantity(amount: Decimal) -> str:
    """NUCC NDC quantity: no decimal point for whole numbers, up to 3 decimals, no commas."""
    return plain(amount)


def ndc_field(line: ExportLine, spacing: str) -> str:
    """'N464406000801 ML15' (one-space), 'N464406000801ML15' (none), or qualifier at position 17."""
    if line.ndc is None or line.ndc_unit is None or line.ndc_quantity is None:
        return ""
    head = f"N4{line.ndc}"
    gap = {"one-space": " ", "none": "", "columns": " " * (16 - len(head))}[spacing]
    return f"{head}{gap}{line.ndc_unit}{quantity(line.ndc_quantity)}"


def _mg_per(unit: str, product: Product) -> Decimal | None:
    """mg in one NDC unit of this product, where that is defined."""
    if unit == "ME":
        return Decimal(1)
    if unit == "GR":
        return Decimal(1000)
    if unit == "UN":
        return product.strength.value
    if unit == "ML" and product.volume is not None:
        return product.strength.value / product.volume.value
    return None


def _product(calc: Calculation, ndc: str) -> Product | None:
    for use in calc.vials:
        if use.product.ndc11 == ndc:
            return use.product
    return None


def _for_payer(calc: Calculation, number: int, line: ClaimLine, settings: ExportSettings) -> tuple[ClaimLine, Notice | None]:
    """The line with its NDC quantity in a unit the payer accepts (ML for solutions, else UN)."""
    accepted = settings.rules.ndc_units
    if line.ndc is None or line.ndc_unit is None or line.ndc_quantity is None or line.ndc_unit in accepted:
        return line, None
    payer = f"payer '{settings.payer}'" if settings.payer else "the site's claim rules"
    label = line.code
    product = _product(calc, line.ndc)
    source = _mg_per(line.ndc_unit, product) if product else None
    for target in ("ML", "UN"):
        target_mg = _mg_per(target, product) if product else None
        if target in accepted and source is not None and target_mg is not None:
            converted = rounding.ndc_quantity(line.ndc_quantity * source / target_mg)
            notice = Notice(
                "NDC_UNIT_CONVERTED",
                f"Line {number} ({label}): {payer} does not accept NDC unit {line.ndc_unit}; "
                f"quantity given as {target} {quantity(converted)} instead of {line.ndc_unit} {quantity(line.ndc_quantity)}.",
            )
            return ClaimLine(line.hcpcs, line.modifiers, line.units, line.ndc, target, converted), notice
    raise ExportError(
        f"Line {number} ({label}) has its NDC quantity in {line.ndc_unit}, which {payer} does not accept "
        f"(accepted: {', '.join(accepted)}), and it cannot be stated in ML or UN for this product. "
        "Add the unit to ndc_units in the site config, or bill this payer by hand."
    )


def prepare(calc: Calculation, settings: ExportSettings) -> tuple[tuple[ExportLine, ...], tuple[Notice, ...]]:
    """The lines as a payer gets them, and the warnings the biller must see."""
    notices: list[Notice] = []
    lines: list[ExportLine] = []
    uncharged: set[str] = set()
    for number, raw in enumerate(calc.lines, start=1):
        line, converted = _for_payer(calc, number, raw, settings)
        if converted is not None:
            notices.append(converted)
        if line.ndc is None:
            notices.append(Notice(
                "NDC_MISSING",
                f"Line {number} ({'-'.join((line.hcpcs, *line.modifiers))}): no verified NDC, so none is exported. "
                "Take the 11-digit NDC from the carton and add it (N4, unit, quantity) before the claim goes out.",
            ))
        if line.ndc_quantity is not None and len(str(int(line.ndc_quantity))) > MAX_QUANTITY_DIGITS:
            raise ExportError(f"Line {number}: NDC quantity {quantity(line.ndc_quantity)} has more than 8 digits before the decimal point.")
        rate = settings.charge_per_unit(line.hcpcs)
        if rate is None and line.hcpcs not in uncharged:
            uncharged.add(line.hcpcs)
            notices.append(Notice(
                "CHARGE_MISSING",
                f"No charge for {line.hcpcs} in the site chargemaster ([chargemaster] in config.toml): "
                "the charge is left blank; enter it before the claim goes out.",
            ))
        lines.append(ExportLine(
            line.hcpcs, line.modifiers, line.units, line.ndc, line.ndc_unit, line.ndc_quantity,
            number=number, charge=rate * line.units if rate is not None else None,
        ))
    return tuple(lines), tuple(notices)
