"""The words and figures a person reads, written once for every front end and export.

Pure text from values: no I/O, no Textual or rich. The CLI, the app, the log and the
exports call these, so a vial, a claim code, an NDC or a step reads the same everywhere.
Two NDC forms on purpose: a person reads the carton's (`NDC 64406-0008-01, 12.5 mL`);
a claim form wants its own syntax (`N464406000801 ML12.5`), used by the exports only.

Kept light to import (pint is loaded only when an amount with a unit is written), so the
log's listing can use it without paying for the unit library.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from infusion_calc.core.rounding import plain
from infusion_calc.core.steps import Figure, Step, StepKind

if TYPE_CHECKING:
    from infusion_calc.core.billing import ClaimLine, VialUse
    from infusion_calc.core.catalog import Drug
    from infusion_calc.core.engine import Calculation


def amount(value: Decimal, unit: str) -> str:
    """'300 mg', '12.5 mL', '1.9 m²'."""
    from infusion_calc.core.units import format_amount  # pint: only when an amount is written

    return format_amount(value, unit)


# -- vials, codes, NDCs -------------------------------------------------------------------

def vial_text(count: int, size: str) -> str:
    """'2 × 300 mg/15 mL': how many vials of which size."""
    return f"{count} × {size}"


def vials_text(vials: Iterable[tuple[int, str]]) -> str:
    """'1 × 300 mg/15 mL + 1 × 100 mg/5 mL'."""
    return " + ".join(vial_text(count, size) for count, size in vials)


def uses_text(uses: Iterable[VialUse]) -> str:
    return vials_text((use.count, use.product.label) for use in uses)


def code_label(hcpcs: str, modifiers: Iterable[str]) -> str:
    """'J2323-JW': the code with its modifiers, as billers write it."""
    return "-".join((hcpcs, *modifiers))


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


def ndc_for_people(ndc: str | None, quantity: Decimal | str | None = None, unit: str | None = None,
                   missing: str = "NDC not verified") -> str:
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
    """'N464406000801 ML12.5': the claim syntax (qualifier N4, 11 digits, unit, quantity), exports only."""
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
    return f"{vial_text(use.count, use.product.label)} {use.product.brand} vial{'s' if use.count > 1 else ''}"


def money(value: Decimal) -> str:
    """'$1,234.56'."""
    return f"${value:,}"


# -- calculation steps ---------------------------------------------------------------------

STEP_TEXTS = {
    StepKind.DOSE_ORDERED: "Dose ordered: {order}",
    StepKind.WEIGHT: "Weight: {typed} ≈ {kg} kg",
    StepKind.BSA_GIVEN: "BSA (given): {bsa} m²",
    StepKind.BSA_MOSTELLER: "BSA (Mosteller): √({height} cm × {weight} kg ÷ 3600) = {bsa} m²",
    StepKind.DOSE_BY_VOLUME: "{volume} × {concentration} mg/mL = {dose} mg",
    StepKind.DOSE_PER_KG: "{per_kg} mg/kg × {weight} = {dose} mg",
    StepKind.DOSE_PER_M2: "{per_m2} mg/m² × {bsa} m² = {dose} mg",
    StepKind.VIALS: "Vials: {vials} = {labeled} mg labeled",
    StepKind.DOSE_GIVEN: "Dose given: {given} mg of the {dose} mg prepared",
    StepKind.ADMINISTERED: "Administered: {dose} mg ÷ {unit} mg per unit = {ratio} → {units} units (rounded up)",
    StepKind.DISCARDED: (
        "Discarded: {labeled} mg opened − {dose} mg = {discarded} mg ÷ {unit} mg = {ratio} → {units} units (rounded down)"
    ),
    StepKind.CAP: "Cap: {administered} + JW ≤ {labeled_units} labeled units → {jw} JW units",
}


def _figure(value: Figure) -> str:
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, tuple):
        return vials_text(value)
    return str(value)


def step_text(step: Step) -> str:
    figures = {name: _figure(value) for name, value in step.figures}
    text = STEP_TEXTS[step.kind].format(**figures)
    if "rounded_from" in figures:  # a calculated dose stated to 0.01 mg
        text += f" (from {figures['rounded_from']} mg, rounded to 0.01 mg)"
    return text


# -- the calculation summary ---------------------------------------------------------------

def summary(calc: Calculation) -> str:
    """A short plain-text answer a person reads in one glance (what `calc` prints)."""
    drug = calc.drug
    out = [f"{drug.display_name} · {drug.hcpcs} {drug.descriptor}"]
    out.append(f"  Dose          {amount(calc.dose_mg, 'mg')}")
    if calc.given_mg is not None and calc.given_mg < calc.dose_mg:
        out.append(f"  Given         {amount(calc.given_mg, 'mg')} of the dose prepared")
    for use in calc.vials:
        out.append(f"  Open          {vial_text(use.count, use.product.label)} vial  ({ndc_for_people(use.product.ndc)})")
    for use, diluent in calc.preparation.reconstitution:
        out.append(f"  Reconstitute  each of {vial_text(use.count, use.product.label)} with {plain(diluent)} mL sterile water")
    draw = calc.preparation.draw_volume_ml
    out.append(f"  Draw          {amount(draw, 'mL') if draw is not None else 'see label'}")
    out.append(
        f"  Units         {calc.billing.administered_units} administered, "
        f"{calc.billing.discarded_units} discarded ({amount(calc.billing.discarded_mg, 'mg')} left in the vials)"
    )
    out.append("  Claim lines")
    cartons = {use.product.ndc11: use.product.ndc for use in calc.vials if use.product.ndc}
    for line in calc.lines:
        ndc = ndc_for_people(cartons.get(line.ndc, line.ndc) if line.ndc else None, line.ndc_quantity, line.ndc_unit,
                             missing="NDC from the carton (not verified)")
        out.append(f"    {line.code:<14}{line.units:>6} {'unit ' if line.units == 1 else 'units'}   {ndc}")
    out.extend(payment_lines(calc))
    option_line = whole_vial_option(calc)
    if option_line is not None:
        out.append(f"  {option_line}")
    out.append("  Arithmetic")
    out.extend(f"    {step.text}" for step in calc.steps)
    for notice in calc.warnings:
        out.append(f"  ! {notice.message}")
    return "\n".join(out) + "\n"


def whole_vial_option(calc: Calculation) -> str | None:
    """The nearest whole-vial dose within the site's threshold, in one line; None without a threshold."""
    if calc.rounding_threshold is None:
        return None
    option = calc.rounding_option
    if option is None:
        return f"Whole-vial option: none within {plain(calc.rounding_threshold)}%"
    payment = calc.payment
    dollars = ""
    if payment is not None and payment.whole_vial_total is not None:
        difference = payment.whole_vial_total - payment.total
        dollars = f", Medicare {'+' if difference >= 0 else '-'}{money(abs(difference))}"
    return (
        f"Whole-vial option: {amount(option.dose_mg, 'mg')} "
        f"({plain(option.change_percent)}%, {uses_text(option.vials)}{dollars}); not applied: the order stands"
    )


def payment_lines(calc: Calculation) -> list[str]:
    """What Medicare allows, per line and in total; nothing when no quarter prices the code."""
    payment = calc.payment
    if payment is None:
        return []
    per_line = ", ".join(f"{line.code} {money(value)}" for line, value in zip(calc.lines, payment.line_amounts))
    out = [f"  Medicare      {money(payment.total)} allowed ({per_line}; {payment.quarter} limit ${payment.limit} per unit)"]
    if payment.discarded:
        out.append(f"                the JW line recovers {money(payment.discarded)}")
    out.append(f"                coinsurance {plain(payment.coinsurance_percent)}%: {money(payment.coinsurance)}")
    return out


# -- the app's result panel (the same facts, in the chair's words) ------------------------

def preparation_steps(calc: Calculation) -> tuple[str, ...]:
    """Reconstitute (powders) and draw, as instructions."""
    steps = [
        (f"Reconstitute each of the {vial_text(use.count, use.product.label)} vials" if use.count > 1
         else f"Reconstitute the {use.product.label} vial")
        + f" with {amount(diluent, 'mL')} sterile water"
        for use, diluent in calc.preparation.reconstitution
    ]
    draw = calc.preparation.draw_volume_ml
    steps.append(f"Draw {amount(draw, 'mL')}" if draw is not None else "Draw the volume per the label")
    return tuple(steps)


def waste_modifier_note(calc: Calculation) -> str:
    """Why the lines carry JW, JZ or neither, in one sentence."""
    billing = calc.billing
    left = amount(billing.discarded_mg, "mg")
    if not calc.single_dose:
        return "Multi-dose container: no JW or JZ; discarded drug is not billed."
    if billing.discarded_units == 0 and not billing.discarded_mg:
        return "JZ: nothing discarded; the whole labeled amount was given."
    if billing.discarded_units == 0 and billing.discarded_mg >= calc.drug.billing_unit.value:
        return f"JZ: the units billed already cover the vials ({left} left)."
    if billing.discarded_units == 0:
        return f"JZ: less than one billing unit discarded ({left} left)."
    units = f"{billing.discarded_units} unit{'s' if billing.discarded_units > 1 else ''}"
    return f"JW line: {units} discarded ({left} left)."


def whole_vial_advice(calc: Calculation) -> str | None:
    """The whole-vial option as advice beside the result; None when the site set no threshold."""
    if calc.rounding_threshold is None:
        return None
    threshold = plain(calc.rounding_threshold)
    option = calc.rounding_option
    if option is None:
        return f"Whole-vial option: none within {threshold}% of the order."
    sign = "+" if option.change_percent > 0 else ""
    return (
        f"Whole-vial option (site policy, within {threshold}%): {amount(option.dose_mg, 'mg')} "
        f"= {uses_text(option.vials)} ({sign}{plain(option.change_percent)}%). NOT applied: the result above is the dose as "
        "ordered; use this only if the prescriber changes the order."
    )


def claim_grid(calc: Calculation, missing_ndc: str) -> str:
    """The claim lines as tab-separated text, with a header: pastes into a billing grid."""
    header = "HCPCS\tModifier\tUnits\tNDC\tNDC unit\tNDC quantity"
    rows = [
        "\t".join((
            line.hcpcs,
            modifiers_text(line.modifiers),
            str(line.units),
            line.ndc or missing_ndc,
            line.ndc_unit or "",
            plain(line.ndc_quantity) if line.ndc_quantity is not None else "",
        ))
        for line in calc.lines
    ]
    return "\n".join([header, *rows]) + "\n"


def drug_choices(drugs: Iterable[Drug]) -> str:
    """'J1745 infliximab (Remicade); Q5103 infliximab (Inflectra, infliximab-dyyb)': the codes a name could mean."""
    return "; ".join(
        f"{drug.hcpcs} {drug.generic}" + (f" ({', '.join(drug.brands[:3])})" if drug.brands else "") for drug in drugs
    )
