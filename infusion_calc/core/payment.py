"""What Medicare allows for a calculation's claim lines, from the ASP quarter of the date of service.

Per line: billing units x the payment limit per billing unit (exact Decimal), rounded to
the cent half up, line by line. The total is the sum of the rounded lines; `discarded`
is the JW lines' part (the revenue a forgotten JW line loses); coinsurance is the
total x the file's coinsurance percent, to the cent. With no quarter covering the date,
or a code the quarter does not price, there is no payment and a warning says why:
an amount is never invented. Takes the quarters as data (see infusion_calc.cms.store).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from infusion_calc.core import rounding
from infusion_calc.core.billing import ClaimLine, bill
from infusion_calc.core.notices import NoticeSpec
from infusion_calc.core.units import Kind, parse_measure

PAYMENT_QUARTER_MISSING = NoticeSpec(
    "PAYMENT_QUARTER_MISSING", "calculation", "no loaded CMS quarter covers the date of service: no Medicare payment"
)
PAYMENT_NOT_LISTED = NoticeSpec(
    "PAYMENT_NOT_LISTED", "calculation", "the quarter has no payment limit for the code: the local contractor prices it"
)
PAYMENT_UNIT_DIFFERS = NoticeSpec(
    "PAYMENT_UNIT_DIFFERS", "calculation", "CMS prices the code per another unit than the catalog bills: no Medicare payment"
)

if TYPE_CHECKING:
    from infusion_calc.core.engine import Calculation


class PricedQuarter(Protocol):
    """What pricing reads of one quarter (infusion_calc.cms.store.LoadedQuarter has it)."""

    @property
    def quarter(self) -> str: ...
    @property
    def effective_from(self) -> date: ...
    @property
    def effective_to(self) -> date: ...
    @property
    def prices(self) -> Mapping[str, Mapping[str, str]]:
        """code -> {"billing_unit", "payment_limit", "coinsurance_percent"} (decimal strings)."""
        ...


@dataclass(frozen=True, slots=True)
class Payment:
    quarter: str
    effective_from: date
    effective_to: date
    limit: Decimal
    """Dollars per billing unit."""
    coinsurance_percent: Decimal
    line_amounts: tuple[Decimal, ...]
    """One per claim line, in line order."""
    total: Decimal
    discarded: Decimal
    coinsurance: Decimal
    whole_vial_total: Decimal | None = None
    """What the whole-vial rounding option's lines would be paid (None without an option)."""


def price(lines: tuple[ClaimLine, ...], limit: Decimal, coinsurance_percent: Decimal, quarter: PricedQuarter) -> Payment:
    amounts = tuple(rounding.cents(line.units * limit) for line in lines)
    total = sum(amounts, Decimal("0.00"))
    discarded = sum((amount for line, amount in zip(lines, amounts) if "JW" in line.modifiers), Decimal("0.00"))
    return Payment(
        quarter=quarter.quarter, effective_from=quarter.effective_from, effective_to=quarter.effective_to,
        limit=limit, coinsurance_percent=coinsurance_percent, line_amounts=amounts, total=total,
        discarded=discarded, coinsurance=rounding.cents(total * coinsurance_percent / 100),
    )


def _quarter_name(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def with_payment(calc: Calculation, quarters: Sequence[PricedQuarter], day: date) -> Calculation:
    """The calculation with its payment, or with a warning saying which quarter to import."""
    quarter = next((q for q in quarters if q.effective_from <= day <= q.effective_to), None)
    if quarter is None:
        notice = PAYMENT_QUARTER_MISSING(
            f"No Medicare payment: no CMS quarter loaded covers {day.isoformat()}. Import the {_quarter_name(day)} "
            "ASP crosswalk and payment-limit files with 'infusion-calc data import'.",
        )
        return replace(calc, warnings=calc.warnings + (notice,))
    listed = quarter.prices.get(calc.drug.hcpcs)
    if listed is None:
        notice = PAYMENT_NOT_LISTED(
            f"No Medicare payment: {calc.drug.hcpcs} has no payment limit in CMS's {quarter.quarter} file; "
            "the local Medicare contractor prices it.",
        )
        return replace(calc, warnings=calc.warnings + (notice,))
    if parse_measure(listed["billing_unit"], Kind.MASS, "billing_unit").value != calc.drug.billing_unit.value:
        notice = PAYMENT_UNIT_DIFFERS(
            f"No Medicare payment: CMS's {quarter.quarter} file prices {calc.drug.hcpcs} per {listed['billing_unit']}, "
            f"not per {calc.drug.billing_unit} as the catalog bills it.",
        )
        return replace(calc, warnings=calc.warnings + (notice,))
    limit, percent = Decimal(listed["payment_limit"]), Decimal(listed["coinsurance_percent"])
    payment = price(calc.lines, limit, percent, quarter)
    option = calc.rounding_option
    if option is not None:
        # The option's own claim lines, billed by the same rules, priced by the same limit.
        lines = bill(calc.drug.hcpcs, calc.drug.billing_unit.value, option.dose_mg, option.vials).lines
        payment = replace(payment, whole_vial_total=price(lines, limit, percent, quarter).total)
    return replace(calc, payment=payment)
