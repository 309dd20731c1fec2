"""The engine's claim lines made ready for a payer: charges, NDC units it accepts, warnings.

Every format starts here, so a line reads the same on the CMS-1500, the UB-04, the
837 and the CSV. Nothing is invented: a line without a verified NDC stays without
one (and says so), a code without a chargemaster entry has no charge (and says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from infusion_calc.core.calculation.billing import ClaimLine
from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.calculation.ndc_amounts import mg_per_ndc_unit
from infusion_calc.core.catalog.catalog import Product
from infusion_calc.core.errors import InfusionCalcError
from infusion_calc.core.numbers import rounding
from infusion_calc.core.numbers.rounding import plain
from infusion_calc.core.pipeline.site_config import ExportSettings
from infusion_calc.core.record.notices import Notice, NoticeSpec
from infusion_calc.core.words.labels import claim_line_ndc

NDC_UNIT_CONVERTED = NoticeSpec(
    "NDC_UNIT_CONVERTED",
    "export",
    "the payer does not accept the line's NDC unit: the quantity is given in another",
)
NDC_MISSING = NoticeSpec(
    "NDC_MISSING",
    "export",
    "a line without a verified NDC is exported without one: add it from the carton",
)
CHARGE_MISSING = NoticeSpec(
    "CHARGE_MISSING",
    "export",
    "no charge for the code in the site chargemaster: the charge is left blank",
)

REVENUE_CODE = "0636"  # NUBC revenue code 0636: drugs requiring detailed coding
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
    """'N464406000801 ML15' (one-space), 'N464406000801ML15' (none),
    or qualifier at position 17; '' without an NDC."""
    return claim_line_ndc(line, spacing) or ""


def _mg_per(unit: str, product: Product) -> Decimal | None:
    """mg in one NDC unit of this product, where that is defined."""
    return mg_per_ndc_unit(unit, product)


def _product(calc: Calculation, ndc: str) -> Product | None:
    for use in calc.vials:
        if use.product.ndc11 == ndc:
            return use.product
    return None


TARGET_UNITS = ("ML", "UN", "ME", "GR")
"""Units a line is restated in when the payer refuses its own: mL for solutions, vials, mg, g."""


def _payer_name(settings: ExportSettings) -> str:
    return f"payer '{settings.payer}'" if settings.payer else "the site's claim rules"


def _target_unit(
    calc: Calculation, same_ndc: list[tuple[int, ClaimLine]], settings: ExportSettings
) -> tuple[str, Decimal]:
    """The unit every line of one NDC is restated in, and the factor to it;
    ExportError if none fits.

    One unit for all the lines of an NDC, so they still add up to what was opened; the
    first accepted unit in which no line's quantity rounds to 0 (a claim must not say 0).
    """
    number, first = same_ndc[0]
    accepted = settings.rules.ndc_units
    product = _product(calc, first.ndc or "")
    source = _mg_per(first.ndc_unit or "", product) if product else None
    too_small: list[str] = []
    smallest = min(same_ndc, key=lambda numbered: numbered[1].ndc_quantity or 0)
    for target in TARGET_UNITS:
        target_mg = _mg_per(target, product) if product else None
        if target not in accepted or source is None or target_mg is None:
            continue
        factor = source / target_mg
        if rounding.ndc_quantity_lost((smallest[1].ndc_quantity or 0) * factor):
            too_small.append(target)
            continue
        return target, factor
    payer = _payer_name(settings)
    if too_small:
        number, line = smallest
        raise ExportError(
            f"Line {number} ({line.code}): {line.ndc_unit} "
            f"{quantity(line.ndc_quantity or Decimal(0))} is 0 in {', '.join(too_small)} at the 3 "
            f"decimals a claim carries, and {payer} does not accept {line.ndc_unit} (accepted: "
            f"{', '.join(accepted)}). A claim must not state a quantity of 0: add {line.ndc_unit} "
            "to ndc_units in the site config, or bill this payer by hand."
        )
    raise ExportError(
        f"Line {number} ({first.code}) has its NDC quantity in {first.ndc_unit}, "
        f"which {payer} does not accept (accepted: {', '.join(accepted)}), and "
        f"it cannot be stated in {', '.join(accepted)} for this product. Add the "
        "unit to ndc_units in the site config, or bill this payer by hand."
    )


def _for_payer(calc: Calculation, settings: ExportSettings) -> tuple[list[ClaimLine], list[Notice]]:
    """Every line with its NDC quantity in a unit the payer accepts, never rounded to 0."""
    accepted = settings.rules.ndc_units
    lines = list(calc.lines)
    refused: dict[str, list[tuple[int, ClaimLine]]] = {}
    for number, line in enumerate(lines, start=1):
        if (
            line.ndc is not None
            and line.ndc_unit is not None
            and line.ndc_quantity is not None
            and line.ndc_unit not in accepted
        ):
            refused.setdefault(line.ndc, []).append((number, line))
    notices: list[Notice] = []
    for same_ndc in refused.values():
        target, factor = _target_unit(calc, same_ndc, settings)
        for number, line in same_ndc:
            assert line.ndc_quantity is not None
            converted = rounding.ndc_quantity(line.ndc_quantity * factor)
            notices.append(
                NDC_UNIT_CONVERTED(
                    f"Line {number} ({line.code}): {_payer_name(settings)} does not accept NDC "
                    f"unit {line.ndc_unit}; quantity given as {target} {quantity(converted)} "
                    f"instead of {line.ndc_unit} {quantity(line.ndc_quantity)}.",
                )
            )
            lines[number - 1] = ClaimLine(
                line.hcpcs, line.modifiers, line.units, line.ndc, target, converted
            )
    return lines, notices


def prepare(
    calc: Calculation, settings: ExportSettings
) -> tuple[tuple[ExportLine, ...], tuple[Notice, ...]]:
    """The lines as a payer gets them, and the warnings the biller must see."""
    # The engine's own word on a unit change (NDC
    # quantities in ME so none is 0) goes with the lines.
    notices: list[Notice] = [
        notice for notice in calc.warnings if notice.code == "NDC_QUANTITY_IN_ME"
    ]
    lines: list[ExportLine] = []
    uncharged: set[str] = set()
    payer_lines, converted = _for_payer(calc, settings)
    notices.extend(converted)
    for number, line in enumerate(payer_lines, start=1):
        if line.ndc is None:
            notices.append(
                NDC_MISSING(
                    f"Line {number} ({line.code}): no verified NDC, so none is exported. "
                    "Take the 11-digit NDC from the carton and add it (N4, unit, "
                    "quantity) before the claim goes out.",
                )
            )
        if line.ndc_quantity is not None and len(str(int(line.ndc_quantity))) > MAX_QUANTITY_DIGITS:
            raise ExportError(
                f"Line {number}: NDC quantity {quantity(line.ndc_quantity)} has more than 8 digits "
                "before the decimal point."
            )
        rate = settings.charge_per_unit(line.hcpcs)
        if rate is None and line.hcpcs not in uncharged:
            uncharged.add(line.hcpcs)
            notices.append(
                CHARGE_MISSING(
                    f"No charge for {line.hcpcs} in the site chargemaster ([chargemaster] in "
                    "config.toml): the charge is left blank; enter it before the claim goes out.",
                )
            )
        lines.append(
            ExportLine(
                line.hcpcs,
                line.modifiers,
                line.units,
                line.ndc,
                line.ndc_unit,
                line.ndc_quantity,
                number=number,
                charge=rate * line.units if rate is not None else None,
            )
        )
    return tuple(lines), tuple(notices)
