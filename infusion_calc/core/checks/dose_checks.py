"""Checks on the dose and the vials chosen: labeled
dose, labeled range, least-waste plan, frequency.

- DOSE_NOT_LABELED: a dose other than the label's single dose; allowed, document why.
- DOSE_OUT_OF_RANGE: a dose far from the label's range (the catalog's `dose_range`, only where the
  label fact is verified), or above the label's per-infusion maximum where it states one. Far means
  below half the labeled minimum or above twice the maximum: a unit misread or a value typed in the
  wrong field (300 mL of Tysabri read as 6,000 mg, 300 mcg typed for mg) is off by ten times or
  more, while a dose within a factor of two is a clinical decision the order documents. An error,
  so the app asks for confirmation before copying or saving.
- VIAL_PLAN_NOT_LEAST_WASTE: vials forced by the user (`--vial`, the app's single-size choice)
  discard more billing units than the least-waste combination of the drug's vials. CGS and
  Noridian: bill the smallest vials that give the dose (VERIFIED).
- NUSINERSEN_FREQUENCY: more doses than Noridian article A58578 allows, from the earlier doses
  the caller read from the administration log (the core reads no files).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from infusion_calc.core.calculation.dosing import parse_weight
from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.calculation.vials import plan_vials
from infusion_calc.core.checks.check_input import CheckInput, producer
from infusion_calc.core.numbers.rounding import floor_div
from infusion_calc.core.numbers.units import DoseBasis, format_amount
from infusion_calc.core.record.check_types import ERROR, WARNING, Check, CheckSpec, Severity, emits
from infusion_calc.core.record.encounter_values import Payer
from infusion_calc.core.words.labels import uses_text, vials_text

FAR_BELOW = Decimal("0.5")
FAR_ABOVE = Decimal(2)
FIRST_YEAR_DOSES = 6  # Noridian A58578: at most 6 doses in the first 12 months of treatment,
LATER_YEAR_DOSES = 3  # then at most 3 in any rolling 12 months
A58578 = "Noridian article A58578 (https://verity.backworkai.com/policy/A58578)"

DOSE_NOT_LABELED = CheckSpec(
    "DOSE_NOT_LABELED", WARNING, "dose differs from the labeled dose: allowed, document why"
)
DOSE_OUT_OF_RANGE = CheckSpec(
    "DOSE_OUT_OF_RANGE",
    ERROR,
    "dose below half or above twice the label's dose range, or above its per-infusion maximum",
)
VIAL_PLAN_NOT_LEAST_WASTE = CheckSpec(
    "VIAL_PLAN_NOT_LEAST_WASTE",
    WARNING,
    "vials chosen by hand discard more units than the least-waste plan",
)
NUSINERSEN_FREQUENCY = CheckSpec(
    "NUSINERSEN_FREQUENCY",
    ERROR,
    "more nusinersen doses than Noridian A58578 allows (a warning for non-Medicare)",
    also=(WARNING,),
)


@producer(50)
def _dose_findings(given: CheckInput) -> list[Check]:
    calc = given.calc
    return [
        *dose_checks(calc),
        *vial_plan_checks(calc),
        *nusinersen_frequency(calc, given.encounter.payer, given.day, given.earlier_doses),
    ]


@emits(DOSE_NOT_LABELED, DOSE_OUT_OF_RANGE)
def dose_checks(calc: Calculation) -> list[Check]:
    out_of_range = _out_of_range(calc)
    if out_of_range:
        return out_of_range  # the label's single dose is then beside the point
    labeled = calc.drug.labeled_dose
    if labeled is None or calc.dose_mg == labeled.value:
        return []
    return [
        DOSE_NOT_LABELED(
            f"The dose {format_amount(calc.dose_mg, calc.drug.amount_unit)} differs from the "
            f"labeled {labeled} for {calc.drug.display_name}: allowed, but document the reason "
            "for this dose in the order.",
        )
    ]


def _per_kg(calc: Calculation) -> Decimal | None:
    if calc.order.basis is DoseBasis.PER_KG:
        return calc.order.amount.value
    weight = calc.patient.weight_kg
    if weight is None and calc.request.weight and calc.request.weight.strip():
        weight = parse_weight(
            calc.request.weight
        )  # typed beside a flat dose: checked already, not used
    return calc.dose_mg / weight if weight else None


def _above_maximum(calc: Calculation) -> list[Check]:
    """Above the label's per-infusion maximum: the label advises against it,
    whatever mg/kg gives."""
    labeled = calc.drug.dose_range
    if (
        labeled is None
        or labeled.max_per_infusion is None
        or calc.dose_mg <= labeled.max_per_infusion
    ):
        return []
    return [
        DOSE_OUT_OF_RANGE(
            f"The dose {format_amount(calc.dose_mg, 'mg')} is above the label's maximum for "
            f"{calc.drug.display_name}: doses above "
            f"{format_amount(labeled.max_per_infusion, 'mg')} per infusion are not recommended "
            f"(source: {labeled.source}). Check the order (a weight-based dose is capped there) "
            "and confirm it before copying or saving this result.",
        )
    ]


def _out_of_range(calc: Calculation) -> list[Check]:
    labeled = calc.drug.dose_range
    if labeled is None:
        return []
    above = _above_maximum(calc)
    if above:
        return above
    if labeled.per_kg:
        value = _per_kg(calc)
        if value is None:
            return []  # no weight: mg/kg cannot be known
        shown = (
            f"{format_amount(value.quantize(Decimal('0.01')).normalize(), 'mg/kg')} "
            f"({format_amount(calc.dose_mg, calc.drug.amount_unit)})"
        )
    else:
        value = calc.dose_mg
        shown = format_amount(value, "mg")
    if FAR_BELOW * labeled.low <= value <= FAR_ABOVE * labeled.high:
        return []
    typed = calc.request.dose.strip()
    how = (
        f" (typed as {typed})"
        if typed != format_amount(calc.dose_mg, calc.drug.amount_unit)
        else ""
    )
    return [
        DOSE_OUT_OF_RANGE(
            f"The dose {shown}{how} is far outside the labeled dose of {calc.drug.display_name}, "
            f"{labeled.describe()} (source: {labeled.source}). Check the unit "
            "and the field it was typed in (mL read as mg? mcg typed for mg?) "
            "and confirm the order before copying or saving this result.",
        )
    ]


@emits(VIAL_PLAN_NOT_LEAST_WASTE)
def vial_plan_checks(calc: Calculation) -> list[Check]:
    """Vials chosen by hand that discard more billable units than the drug's best combination."""
    if not calc.request.vials or not calc.single_dose:
        return []
    products = [product for product in calc.drug.products if product.container == "single-dose"]
    if not products:  # a code known only from CMS: no verified vials to compare the choice with
        return []
    best, _ = plan_vials([product.strength.value for product in products], calc.dose_mg)
    if best.total >= calc.labeled_mg:
        return []
    unit = calc.drug.billing_unit.value
    more = floor_div(calc.labeled_mg - calc.dose_mg, unit) - floor_div(
        best.total - calc.dose_mg, unit
    )
    if more < 1:
        return []
    best_text = vials_text(
        (count, product.label) for product, count in zip(products, best.counts) if count
    )
    chosen = uses_text(calc.vials)
    return [
        VIAL_PLAN_NOT_LEAST_WASTE(
            f"The vials chosen ({chosen}) discard {more} billing "
            f"unit{'s' if more != 1 else ''} more than the least-waste combination "
            f"({best_text}). Medicare contractors (CGS, Noridian) ask for the smallest "
            "vials that give the dose: use them, or document why these vials were used.",
        )
    ]


def _months_later(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


FREQUENCY_CHECKED = frozenset({"nusinersen"})
"""The drugs whose checks count the patient's earlier doses: the log is read only for these."""


@emits(NUSINERSEN_FREQUENCY)
def nusinersen_frequency(
    calc: Calculation, payer: Payer | None, day: date, earlier: Sequence[date]
) -> list[Check]:
    """Noridian A58578: at most 6 doses in the first 12 months, then 3 in any rolling 12 months.

    `earlier` holds the dates of this patient's earlier nusinersen doses (from the log). The
    rolling window after the first year counts only doses after the first year, so the loading
    doses do not count against maintenance.
    """
    if calc.drug.generic not in FREQUENCY_CHECKED or not earlier:
        return []
    doses = sorted({*(d for d in earlier if d < day), day})  # a dose saved twice is one dose
    first = doses[0]
    first_year_end = _months_later(first, 12)
    if day < first_year_end:
        count, limit, window = (
            len(doses),
            FIRST_YEAR_DOSES,
            f"the first 12 months (from {first.isoformat()})",
        )
    else:
        start = max(first_year_end, _months_later(day, -12))
        count = sum(1 for d in doses if d > start or (d == start and start == first_year_end))
        limit, window = LATER_YEAR_DOSES, "the 12 months up to this dose"
    if count <= limit:
        return []
    medicare = payer is Payer.MEDICARE
    return [
        NUSINERSEN_FREQUENCY(
            f"This is nusinersen dose {count} in {window}; {A58578} allows at most {limit} "
            f"({FIRST_YEAR_DOSES} in the first 12 months, "
            f"then {LATER_YEAR_DOSES} per rolling 12 months). "
            + (
                "Check the dates in the log, or document why this dose is needed."
                if medicare
                else "That is a Medicare contractor's limit: check this payer's policy."
            ),
            Severity.ERROR if medicare else Severity.WARNING,
        )
    ]
