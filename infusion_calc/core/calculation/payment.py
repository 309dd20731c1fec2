"""What Medicare allows for a calculation's claim lines,
from the ASP quarter of the date of service.

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
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from infusion_calc.core.calculation.billing import ClaimLine, VialUse, bill
from infusion_calc.core.calculation.kept import Kept
from infusion_calc.core.numbers import rounding
from infusion_calc.core.numbers.units import parse_amount
from infusion_calc.core.record.notices import Notice, NoticeSpec

PAYMENT_QUARTER_MISSING = NoticeSpec(
    "PAYMENT_QUARTER_MISSING",
    "calculation",
    "no loaded CMS quarter covers the date of service: no Medicare payment",
)
PAYMENT_NOT_LISTED = NoticeSpec(
    "PAYMENT_NOT_LISTED",
    "calculation",
    "the quarter has no payment limit for the code: the local contractor prices it",
)
PAYMENT_UNIT_DIFFERS = NoticeSpec(
    "PAYMENT_UNIT_DIFFERS",
    "calculation",
    "CMS prices the code per another unit than the catalog bills: no Medicare payment",
)

if TYPE_CHECKING:
    from infusion_calc.core.calculation.engine import Calculation


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


def price(
    lines: tuple[ClaimLine, ...],
    limit: Decimal,
    coinsurance_percent: Decimal,
    quarter: PricedQuarter,
) -> Payment:
    amounts = tuple(rounding.cents(line.units * limit) for line in lines)
    total = sum(amounts, Decimal("0.00"))
    discarded = sum(
        (amount for line, amount in zip(lines, amounts) if "JW" in line.modifiers), Decimal("0.00")
    )
    return Payment(
        quarter=quarter.quarter,
        effective_from=quarter.effective_from,
        effective_to=quarter.effective_to,
        limit=limit,
        coinsurance_percent=coinsurance_percent,
        line_amounts=amounts,
        total=total,
        discarded=discarded,
        coinsurance=rounding.cents(total * coinsurance_percent / 100),
    )


@lru_cache(maxsize=256)
def _listed_unit_mg(text: str) -> Decimal:
    """A quarter's billing unit ("10 mg", "5 units") in its own unit,
    read once per spelling rather than once per priced line."""
    return parse_amount(text, "billing_unit").value


KEPT_PAYMENTS: Kept[Payment] = Kept(1024)
"""Payments by what they are computed from (core/calculation/kept.py): a batch bills the same
lines again and again, while the doses behind them differ."""


KEPT_BY_PLAN: Kept[Payment] = Kept(2048)
"""Payments by the identity of the quarter, drug, billing and rounding option they were worked out
for (each held): the rows of a batch whose doses share a plan. As many as the engine keeps plans
(dose_plan.PLANS_KEPT): with half as many, the benchmark file's 1,756 plans were priced 2,926
times. Each entry holds a key and the plan's objects, no answer of its own (the payment is
KEPT_PAYMENTS')."""


KEPT_DAYS: Kept[dict[date, PricedQuarter | None]] = Kept(4)
"""Per list of quarters (by identity, held), the quarter covering each day asked: a batch prices
its rows on a few days, and walking ten quarters' dates cost a row more than the payment's own
look-up."""
DAYS_KEPT = 1024


KEPT = (KEPT_PAYMENTS, KEPT_BY_PLAN, KEPT_DAYS)
"""What this module keeps (a test empties them to compare with answers worked out afresh)."""


def _quarter_name(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def with_payment(calc: Calculation, quarters: Sequence[PricedQuarter], day: date) -> Calculation:
    """The calculation with its payment, or with a warning saying which quarter to import."""
    found = payment_for(calc, quarters, day)
    if isinstance(found, Notice):
        return replace(calc, warnings=calc.warnings + (found,))
    return replace(calc, payment=found)


def covering(quarters: Sequence[PricedQuarter], day: date) -> PricedQuarter | None:
    """The first of `quarters` whose dates cover `day`, or None."""
    days = KEPT_DAYS.get(id(quarters))
    if days is None:
        days = KEPT_DAYS.keep(id(quarters), {}, quarters)
    if day in days:  # None when no quarter covers it
        return days[day]
    quarter = None
    for each in quarters:  # a loop: no generator
        if each.effective_from <= day <= each.effective_to:
            quarter = each
            break
    if len(days) >= DAYS_KEPT:
        days.clear()  # flat memory
    days[day] = quarter
    return quarter


def payment_for(
    calc: Calculation, quarters: Sequence[PricedQuarter], day: date
) -> Payment | Notice:
    """What Medicare pays for the calculation's lines, or the notice saying why nothing is paid.

    `with_payment` puts it on the calculation; batch writes it straight into the row's
    records, without a copy of the calculation per row."""
    quarter = covering(quarters, day)
    if quarter is None:
        return PAYMENT_QUARTER_MISSING(
            "No Medicare payment: no CMS quarter loaded covers "
            f"{day.isoformat()}. Import the {_quarter_name(day)} ASP crosswalk "
            "and payment-limit files with 'infusion-calc data import'.",
        )
    # A plan's billing and option are kept by the engine (one object per plan), so a payment
    # found for them under this quarter is found again by identity, before its lines are read.
    plan_key = (id(quarter), id(calc.drug), id(calc.billing), id(calc.rounding_option))
    kept = KEPT_BY_PLAN.get(plan_key)
    if kept is not None:
        return kept
    found = _listed_payment(calc, quarter)
    if isinstance(found, Payment):
        KEPT_BY_PLAN.keep(plan_key, found, quarter, calc.drug, calc.billing, calc.rounding_option)
    return found


def _listed_payment(calc: Calculation, quarter: PricedQuarter) -> Payment | Notice:
    """What `quarter` lists for the calculation's code, paid for its lines; or the notice saying
    why not."""
    listed = quarter.prices.get(calc.drug.hcpcs)
    if listed is None:
        return PAYMENT_NOT_LISTED(
            f"No Medicare payment: {calc.drug.hcpcs} has no payment limit in CMS's "
            f"{quarter.quarter} file; the local Medicare contractor prices it.",
        )
    if _listed_unit_mg(listed["billing_unit"]) != calc.drug.billing_unit.value:
        return PAYMENT_UNIT_DIFFERS(
            f"No Medicare payment: CMS's {quarter.quarter} file prices {calc.drug.hcpcs} per "
            f"{listed['billing_unit']}, not per {calc.drug.billing_unit} as the catalog bills it.",
        )
    option = calc.rounding_option
    # Keyed on all `_payment` reads: of a line, `price` reads its units and modifiers only, so
    # doses that bill the same units share a payment; the quarter and the option's products key
    # by identity, held beside the answer.
    key = (
        id(quarter),
        listed["payment_limit"],
        listed["coinsurance_percent"],
        calc.drug.hcpcs,
        calc.drug.billing_unit.value,
        tuple([(line.units, line.modifiers) for line in calc.lines]),
        None
        if option is None
        else (str(option.dose_mg), tuple((id(use.product), use.count) for use in option.vials)),
    )
    found = KEPT_PAYMENTS.get(key)
    if found is not None:
        return found
    return KEPT_PAYMENTS.keep(key, _payment(calc, listed, quarter), quarter, option)


def _payment(calc: Calculation, listed: Mapping[str, str], quarter: PricedQuarter) -> Payment:
    limit, percent = Decimal(listed["payment_limit"]), Decimal(listed["coinsurance_percent"])
    payment = price(calc.lines, limit, percent, quarter)
    option = calc.rounding_option
    if option is not None:
        # The option's own claim lines, billed by the same rules, priced by the same limit.
        lines = _option_lines(
            calc.drug.hcpcs, calc.drug.billing_unit.value, option.dose_mg, option.vials
        )
        payment = replace(payment, whole_vial_total=price(lines, limit, percent, quarter).total)
    return payment


_OPTION_LINES: dict[tuple[object, ...], tuple[tuple[VialUse, ...], tuple[ClaimLine, ...]]] = {}
_OPTION_LINES_KEPT = 512


def _option_lines(
    hcpcs: str, billing_unit: Decimal, dose: Decimal, vials: tuple[VialUse, ...]
) -> tuple[ClaimLine, ...]:
    """`bill(...)`'s lines for a whole-vial option, kept:
    whole-vial doses repeat where patients' doses do not.

    Keyed by the products' identity (a Product holds lists, so it has no hash); each entry holds its
    vials, so no key's id can be reused by another product while the entry lives."""
    key = (hcpcs, billing_unit, dose, tuple((id(use.product), use.count) for use in vials))
    found = _OPTION_LINES.get(key)
    if found is None:
        if len(_OPTION_LINES) >= _OPTION_LINES_KEPT:
            _OPTION_LINES.clear()  # flat memory
        found = _OPTION_LINES[key] = (vials, bill(hcpcs, billing_unit, dose, vials).lines)
    return found[1]
