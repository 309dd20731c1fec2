"""Checks on a drug's claim lines against the calculation: code, NDC, JW/JZ, units.

They take the lines as given, not as the engine made them, so lines edited by hand or
imported from elsewhere are held to the same rules: the right code and NDC for the drug,
JW or JZ on every single-dose line, never both, no JW/JZ on multi-dose containers, JW of at
least one unit and never when one unit covers all that was opened, administered + JW within
the labeled units, and no modifiers that do not belong on a drug line (59, RT/LT).
"""

from __future__ import annotations

from collections.abc import Sequence

from infusion_calc.core.calculation.billing import ClaimLine
from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.catalog.catalog import NATALIZUMAB_J2326_MESSAGE, Catalog, Product
from infusion_calc.core.checks.check_input import CheckInput, producer
from infusion_calc.core.numbers.rounding import ceil_div, floor_div
from infusion_calc.core.numbers.units import format_amount
from infusion_calc.core.record.check_types import ERROR, WARNING, Check, CheckSpec, Severity, emits
from infusion_calc.core.words.labels import line_brief

# Routes that put the drug into the whole body (or CSF): no side of the body to name.
SYSTEMIC_ROUTES = {"iv", "intravenous", "intrathecal", "subcutaneous", "intramuscular"}

CODE_DRUG_MISMATCH = CheckSpec("CODE_DRUG_MISMATCH", ERROR, "a line's HCPCS code is not the drug's")
NDC_DRUG_MISMATCH = CheckSpec(
    "NDC_DRUG_MISMATCH", ERROR, "a line's NDC is not one of the drug's products"
)
MODIFIER_59_ON_DRUG = CheckSpec("MODIFIER_59_ON_DRUG", ERROR, "modifier 59 on a drug line")
RT_LT_ON_SYSTEMIC = CheckSpec(
    "RT_LT_ON_SYSTEMIC", WARNING, "RT or LT on a drug that acts on the whole body"
)
JW_AND_JZ_ON_LINE = CheckSpec("JW_AND_JZ_ON_LINE", ERROR, "JW and JZ on one line")
JW_JZ_MULTI_DOSE = CheckSpec("JW_JZ_MULTI_DOSE", ERROR, "JW or JZ on a multi-dose container")
JW_UNDER_ONE_UNIT = CheckSpec("JW_UNDER_ONE_UNIT", ERROR, "a JW line of less than one unit")
ADMIN_UNITS_DIFFER = CheckSpec(
    "ADMIN_UNITS_DIFFER", ERROR, "administered units differ from the dose's, rounded up"
)
JWJZ_MISSING = CheckSpec(
    "JWJZ_MISSING", ERROR, "a single-dose line with neither JW nor JZ and no JW line"
)
JZ_BUT_DISCARDED = CheckSpec(
    "JZ_BUT_DISCARDED", ERROR, "JZ although at least one billable unit was discarded"
)
JW_DOSE_UNDER_ONE_UNIT = CheckSpec(
    "JW_DOSE_UNDER_ONE_UNIT", ERROR, "a JW line though one unit covers all opened"
)
JW_OVER_LABELED = CheckSpec(
    "JW_OVER_LABELED", ERROR, "administered + JW units above the labeled units opened"
)
JW_UNITS_DIFFER = CheckSpec(
    "JW_UNITS_DIFFER",
    ERROR,
    "JW units differ from the discarded units (a warning when fewer are billed)",
    also=(WARNING,),
)


def label(line: ClaimLine) -> str:
    """'J2323-JW × 50' as the line reads on a claim."""
    return line_brief(line.hcpcs, line.modifiers, line.units)


def _modifiers(line: ClaimLine) -> set[str]:
    return {modifier.strip().upper() for modifier in line.modifiers}


def _product(calc: Calculation, ndc: str | None) -> Product | None:
    if ndc is None:
        return None
    products = [use.product for use in calc.vials] + list(calc.drug.products)
    return next((product for product in products if product.ndc11 == ndc), None)


def _multi_dose(calc: Calculation, line: ClaimLine) -> bool:
    product = _product(calc, line.ndc)
    if product is not None:
        return product.container == "multi-dose"
    return not calc.single_dose


def check_lines(calc: Calculation, lines: Sequence[ClaimLine], catalog: Catalog) -> list[Check]:
    found = _identity(calc, lines, catalog)
    for line in lines:
        found.extend(_line_modifiers(calc, line))
    found.extend(_totals(calc, lines))
    return found


@producer(30)
def _claim_findings(given: CheckInput) -> list[Check]:
    return check_lines(given.calc, given.lines, given.catalog)


@emits(CODE_DRUG_MISMATCH, NDC_DRUG_MISMATCH)
def _identity(calc: Calculation, lines: Sequence[ClaimLine], catalog: Catalog) -> list[Check]:
    """The code and the NDC on each line belong to the drug calculated."""
    drug = calc.drug
    found = []
    for code in dict.fromkeys(line.hcpcs.strip().upper() for line in lines):
        if code == drug.hcpcs:
            continue
        if code == "J2326" and drug.generic == "natalizumab":
            message = NATALIZUMAB_J2326_MESSAGE
        else:
            other = catalog.by_code(code)
            what = (
                f"{code} is {other.descriptor} ({other.generic})"
                if other
                else f"{code} is not in the catalog"
            )
            message = (
                f"{what}, but the dose is {drug.generic} ({drug.display_name}): bill it as "
                f"{drug.hcpcs} ({drug.descriptor})."
            )
        found.append(CODE_DRUG_MISMATCH(message))
    for ndc in dict.fromkeys(line.ndc for line in lines if line.ndc):
        if _product(calc, ndc) is not None:
            continue
        owner = next((d for d in catalog.drugs for p in d.products if p.ndc11 == ndc), None)
        whose = (
            f"an NDC of {owner.display_name} ({owner.hcpcs})"
            if owner
            else "not an NDC of this drug in the catalog"
        )
        found.append(
            NDC_DRUG_MISMATCH(
                f"NDC {ndc} is {whose}: the line must carry the "
                f"NDC of the {drug.display_name} vials opened.",
            )
        )
    return found


@emits(
    MODIFIER_59_ON_DRUG, RT_LT_ON_SYSTEMIC, JW_AND_JZ_ON_LINE, JW_JZ_MULTI_DOSE, JW_UNDER_ONE_UNIT
)
def _line_modifiers(calc: Calculation, line: ClaimLine) -> list[Check]:
    modifiers = _modifiers(line)
    found = []
    if "59" in modifiers:
        found.append(
            MODIFIER_59_ON_DRUG(
                f"Remove modifier 59 from {label(line)}: 59 belongs on an administration code (a "
                "second initial administration needing a separate IV site, or a separately "
                "identifiable return visit), never on a drug line; waste is shown with JW/JZ.",
            )
        )
    sides = sorted(modifiers & {"RT", "LT"})
    if sides and calc.drug.route.strip().lower() in SYSTEMIC_ROUTES:
        found.append(
            RT_LT_ON_SYSTEMIC(
                f"Remove {'/'.join(sides)} from {label(line)}: "
                f"{calc.drug.generic} is given {calc.drug.route} and acts on "
                "the whole body, so a side-of-body modifier does not apply.",
            )
        )
    if {"JW", "JZ"} <= modifiers:
        found.append(
            JW_AND_JZ_ON_LINE(
                f"{label(line)} carries both JW and JZ: JW marks discarded units on their own "
                "line, JZ says nothing was discarded. Keep one.",
            )
        )
    if modifiers & {"JW", "JZ"} and _multi_dose(calc, line):
        found.append(
            JW_JZ_MULTI_DOSE(
                f"Remove JW/JZ from {label(line)}: the drug comes from a multi-dose container, "
                "where JW and JZ do not apply and discarded drug is not billed.",
            )
        )
    if "JW" in modifiers and line.units < 1:
        found.append(
            JW_UNDER_ONE_UNIT(
                f"{label(line)}: a JW line must report at least 1 whole billing unit; drop the "
                "line and put JZ on the administered line.",
            )
        )
    return found


def billable_units(calc: Calculation) -> tuple[int, int, int]:
    """(administered, discarded, labeled) units from the dose and the vials,
    not from the engine's lines.

    The dose here is what was administered: the amount given when one was entered (an infusion
    stopped early), else the dose prepared.

    Administered rounds up, discarded rounds down, and discarded is capped so that the two
    never exceed the labeled units opened: the cap is also why no JW line is allowed when one
    unit covers the dose plus the waste. Computed here so a wrong engine line is caught too.
    """
    unit = calc.drug.billing_unit.value
    administered = ceil_div(calc.administered_mg, unit)
    labeled = floor_div(calc.labeled_mg, unit)
    if not calc.single_dose:
        return administered, 0, labeled
    discarded = floor_div(calc.labeled_mg - calc.administered_mg, unit)
    return administered, max(min(discarded, labeled - administered), 0), labeled


def _amount_billed(calc: Calculation) -> str:
    """'the dose of 300 mg', or 'the amount given, 200 mg,' when less than the dose was given."""
    if calc.given_mg is not None:
        return f"the amount given, {format_amount(calc.given_mg, calc.drug.amount_unit)},"
    return f"the dose of {format_amount(calc.dose_mg, calc.drug.amount_unit)}"


@emits(
    ADMIN_UNITS_DIFFER,
    JWJZ_MISSING,
    JZ_BUT_DISCARDED,
    JW_DOSE_UNDER_ONE_UNIT,
    JW_OVER_LABELED,
    JW_UNITS_DIFFER,
)
def _totals(calc: Calculation, lines: Sequence[ClaimLine]) -> list[Check]:
    """Units on the lines against the dose: JW/JZ present,
    administered and discarded units right."""
    expected_given, expected_jw, labeled_units = billable_units(calc)
    jw_lines = [line for line in lines if "JW" in _modifiers(line)]
    given_lines = [line for line in lines if "JW" not in _modifiers(line)]
    administered = sum(line.units for line in given_lines)
    discarded = sum(line.units for line in jw_lines)
    found = []
    if given_lines and administered != expected_given:
        found.append(
            ADMIN_UNITS_DIFFER(
                f"The administered lines bill {administered} units; {_amount_billed(calc)} is "
                f"{expected_given} units of {calc.drug.billing_unit} "
                "(rounded up). Correct the units.",
            )
        )
    if not calc.single_dose:
        return found
    if not jw_lines:
        bare = [line for line in given_lines if "JZ" not in _modifiers(line)]
        if bare:
            fix = (
                f"bill the {expected_jw} discarded units on a separate JW line"
                if expected_jw
                else "add JZ (nothing billable was discarded)"
            )
            found.append(
                JWJZ_MISSING(
                    f"{', '.join(label(line) for line in bare)} "
                    f"{'has' if len(bare) == 1 else 'have'} neither JW nor JZ: single-dose "
                    f"container claims without one are returned as unprocessable; {fix}.",
                )
            )
    if expected_jw and any("JZ" in _modifiers(line) for line in lines):
        found.append(
            JZ_BUT_DISCARDED(
                "JZ says nothing was discarded, but "
                f"{format_amount(calc.labeled_mg - calc.administered_mg, calc.drug.amount_unit)} "
                f"was: {expected_jw} billable unit{'s' if expected_jw != 1 else ''} of "
                f"{calc.drug.billing_unit}. Remove JZ and bill them on a JW line.",
            )
        )
    # No JW when the administered units already pay for every labeled unit opened.
    one_unit_covers_all = (
        bool(jw_lines)
        and calc.administered_mg < calc.drug.billing_unit.value
        and labeled_units <= expected_given
    )
    if one_unit_covers_all:
        found.append(
            JW_DOSE_UNDER_ONE_UNIT(
                f"Remove {label(jw_lines[0])}: {_amount_billed(calc)} is billed as one unit "
                f"of {calc.drug.billing_unit}, which already covers all "
                f"{format_amount(calc.labeled_mg, calc.drug.amount_unit)} "
                "opened, so JW is not permitted. Bill the administered "
                "line with JZ, and document the waste in the record.",
            )
        )
    elif administered + discarded > labeled_units:
        found.append(
            JW_OVER_LABELED(
                f"Administered {administered} + JW {discarded} = {administered + discarded} units, "
                f"more than the {labeled_units} units on the labels of the vials opened: lower the "
                f"JW units to at most {max(labeled_units - administered, 0)}.",
            )
        )
    elif jw_lines and discarded != expected_jw:
        more = discarded > expected_jw
        found.append(
            JW_UNITS_DIFFER(
                f"The JW line(s) bill {discarded} units; the waste is {expected_jw} units "
                "(labeled amount opened minus "
                f"{'the amount given' if calc.given_mg is not None else 'the dose'}, rounded down, "
                "within the labeled units). "
                + (
                    "Billing more than was discarded is an overpayment: correct it."
                    if more
                    else "Correct it, or document why fewer units are billed."
                ),
                Severity.ERROR if more else Severity.WARNING,
            )
        )
    return found
