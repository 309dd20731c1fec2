"""The words and figures a person reads, written once for every front end and export.

Pure text from values: no I/O, no Textual or rich. The CLI, the app, the log and the
exports call these, so a vial, a claim code, an NDC or a step reads the same everywhere.
Two NDC forms on purpose: a person reads the carton's (`NDC 64406-0008-01, 12.5 mL`);
a claim form wants its own syntax (`N464406000801 ML12.5`), used by the exports only.

Kept light to import (pint is loaded only when an amount with a unit is written), so the
log's listing can use it without paying for the unit library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from infusion_calc.core.numbers.rounding import plain
from infusion_calc.core.record.steps import Figure, Step, StepKind

if TYPE_CHECKING:
    from infusion_calc.core.calculation.billing import ClaimLine, VialUse
    from infusion_calc.core.calculation.engine import Calculation
    from infusion_calc.core.catalog.catalog import Drug
    from infusion_calc.core.record.check_types import Check


def amount(value: Decimal, unit: str) -> str:
    """'300 mg', '12.5 mL', '1.9 m²'."""
    from infusion_calc.core.numbers.units import format_amount  # pint: only when an amount is written

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
    StepKind.DOSE_BY_VOLUME: "{volume} × {concentration} {u}/mL = {dose} {u}",
    StepKind.DOSE_PER_KG: "{per_kg} {u}/kg × {weight} = {dose} {u}",
    StepKind.DOSE_PER_M2: "{per_m2} {u}/m² × {bsa} m² = {dose} {u}",
    StepKind.VIALS: "Vials: {vials} = {labeled} {u} labeled",
    StepKind.DOSE_GIVEN: "Dose given: {given} {u} of the {dose} {u} prepared",
    StepKind.ADMINISTERED: "Administered: {dose} {u} ÷ {unit} {u} per unit = {ratio} → {units} units (rounded up)",
    StepKind.DISCARDED: (
        "Discarded: {labeled} {u} opened − {dose} {u} = {discarded} {u} ÷ {unit} {u} = {ratio} → {units} units (rounded down)"
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
    figures = {"u": "mg"} | {name: _figure(value) for name, value in step.figures}  # u: the amount's unit, mg unless stated
    text = STEP_TEXTS[step.kind].format(**figures)
    if figures["u"].endswith("s"):  # "1 doses labeled", "÷ 1 units per unit": one of a counted unit is singular
        text = re.sub(rf"(?<![0-9.]){re.escape('1 ' + figures['u'])}\b", "1 " + figures["u"][:-1], text)
    if "rounded_from" in figures:  # a calculated dose stated to 0.01 of its unit
        text += f" (from {figures['rounded_from']} {figures['u']}, rounded to 0.01 {figures['u']})"
    return text


# -- the calculation summary ---------------------------------------------------------------

def summary(calc: Calculation) -> str:
    """A short plain-text answer a person reads in one glance (what `calc` prints)."""
    from infusion_calc.core.checks.dose_checks import dose_checks
    from infusion_calc.core.words.contract import calculation_to_dict  # the engine: only when a summary is written

    heading, rest = result_summary(calculation_to_dict(calc), calc.rounding_threshold).split("\n", 1)
    # A dose far outside the label is said under the heading, before "Open 20 vials" is read.
    alerts = [f"  ! CHECK THE DOSE: {check.message}" for check in dose_checks(calc) if check.code == "DOSE_OUT_OF_RANGE"]
    return "\n".join([heading, *alerts, rest])


def drug_heading(generic: str, brand: str | None, hcpcs: str, descriptor: str) -> str:
    """'natalizumab (Tysabri) · J2323 Injection, natalizumab, 1 mg'."""
    name = f"{generic} ({brand})" if brand else generic
    return f"{name} · {hcpcs} {descriptor}"


def vial_size(vial: Mapping[str, Any]) -> str:
    """'300 mg/15 mL' for a solution, '100 mg' for a powder, from the contract's vial."""
    return f"{vial['strength']}/{vial['volume']}" if vial["volume"] else vial["strength"]


def result_summary(result: Mapping[str, Any], rounding_threshold: Decimal | None = None) -> str:
    """The summary from the JSON contract (`calculation_to_dict`): `calc` prints it for the
    calculation it made and `log show` for the one it saved, so the two read alike.

    `rounding_threshold` says "none within N%" when the site's whole-vial option found none
    (the contract then holds `dose_rounding: null`, without the threshold).
    """
    out = [drug_heading(result["drug"], result["brand"], result["hcpcs"], result["descriptor"])]
    out.append(f"  Dose          {result['dose']}")
    given = result.get("dose_given")  # entries saved before the amount given was recorded have no such key
    if given and given != result["dose"]:
        out.append(f"  Given         {given} of the dose prepared")
    for vial in result["vials"]:
        out.append(f"  Open          {vial_text(vial['count'], vial_size(vial))} vial  ({ndc_for_people(_carton_ndc(vial['ndc']))})")
    for vial, diluent in _reconstituted(result):
        out.append(f"  Reconstitute  each of {vial} with {diluent} sterile water")
    out.append(f"  Draw          {result['draw_volume'] or 'see label'}")
    out.append(
        f"  Units         {result['administered_units']} administered, "
        f"{result['discarded_units']} discarded ({result['discarded_amount']} left in the vials)"
    )
    out.append("  Claim lines")
    for line in result["lines"]:
        ndc = ndc_for_people(_carton_ndc(line["ndc"]), line["ndc_quantity"], line["ndc_unit"],
                             missing="NDC from the carton (not verified)")
        units = line["units"]
        out.append(f"    {code_label(line['hcpcs'], line['modifiers']):<14}{units:>6} {'unit ' if units == 1 else 'units'}   {ndc}")
    out.extend(_payment_lines(result))
    option_line = _whole_vial_option(result, rounding_threshold)
    if option_line is not None:
        out.append(f"  {option_line}")
    out.append("  Arithmetic")
    out.extend(f"    {step}" for step in result["calculation"])
    out.extend(f"  ! {warning['message']}" for warning in result["warnings"])
    return "\n".join(out) + "\n"


def _carton_ndc(ndc: str | None) -> str | None:
    """The contract's 11 digits as the carton prints them (the catalog's NDCs are all 5-4-2)."""
    return readable_ndc(ndc) if ndc else None


def _reconstituted(result: Mapping[str, Any]) -> list[tuple[str, str]]:
    """('4 × 100 mg', '10 mL') per powder reconstituted: the contract gives each its vial count,
    in the order of the powders among the vials (a powder without a diluent is left out)."""
    powders = [vial for vial in result["vials"] if vial.get("form") == "lyophilized"]
    out = []
    for entry in result.get("reconstitution") or ():
        while powders and powders[0]["count"] != entry["vials"]:
            powders.pop(0)
        size = vial_size(powders.pop(0)) if powders else "vial"
        out.append((vial_text(entry["vials"], size), entry["diluent_per_vial"]))
    return out


def _whole_vial_option(result: Mapping[str, Any], threshold: Decimal | None) -> str | None:
    """The nearest whole-vial dose within the site's threshold, in one line; None without a threshold."""
    if "dose_rounding" not in result:
        return None
    option = result["dose_rounding"]
    if option is None:
        return f"Whole-vial option: none within {plain(threshold)}%" if threshold is not None else "Whole-vial option: none"
    difference = option.get("medicare_payment_difference")
    dollars = ""
    if difference is not None:
        value = Decimal(difference)
        dollars = f", Medicare {'+' if value >= 0 else '-'}{money(abs(value))}"
    vials = vials_text((vial["count"], vial_size(vial)) for vial in option["vials"])
    return (
        f"Whole-vial option: {option['dose']} "
        f"({option['change_percent']}%, {vials}{dollars}); not applied: the order stands"
    )


def _payment_lines(result: Mapping[str, Any]) -> list[str]:
    """What Medicare allows, per line and in total; nothing when no quarter prices the code."""
    payment = result.get("payment")
    if payment is None:
        return []
    per_line = ", ".join(
        f"{code_label(line['hcpcs'], line['modifiers'])} {money(Decimal(line['medicare_payment']))}"
        for line in result["lines"]
    )
    out = [f"  Medicare      {money(Decimal(payment['total']))} allowed "
           f"({per_line}; {payment['quarter']} limit ${payment['limit_per_unit']} per unit)"]
    if Decimal(payment["discarded"]):
        out.append(f"                the JW line recovers {money(Decimal(payment['discarded']))}")
    out.append(f"                coinsurance {payment['coinsurance_percent']}%: {money(Decimal(payment['coinsurance']))}")
    return out


def checks_text(checks: Iterable[Check]) -> str:
    """The pre-submission checks as plain lines for the readable output (`calc --note`, `log show`)."""
    rows = [f"  {check.severity.value:<8}{check.code}: {check.message}" for check in checks]
    if not rows:
        return "Pre-submission checks: none\n"
    return "\n".join(["Pre-submission checks:", *rows]) + "\n"


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
    left = amount(billing.discarded_mg, calc.drug.amount_unit)
    if not calc.container_confirmed:
        return "Single-dose or multi-dose not confirmed: no JW or JZ until the carton is checked."
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
        f"Whole-vial option (site policy, within {threshold}%): {amount(option.dose_mg, calc.drug.amount_unit)} "
        f"= {uses_text(option.vials)} ({sign}{plain(option.change_percent)}%). NOT applied: the result above is the dose as "
        "ordered; use this only if the prescriber changes the order."
    )


def payment_sentence(calc: Calculation) -> str | None:
    """What Medicare allows per claim line and in all, and what the JW line recovers, as the app
    shows it; None when no loaded quarter prices this code on this day (a warning then says why)."""
    payment = calc.payment
    if payment is None:
        return None
    per_line = ", ".join(f"{line.code} {money(value)}" for line, value in zip(calc.lines, payment.line_amounts))
    text = (f"Medicare allows {money(payment.total)}: {per_line} "
            f"({payment.quarter} limit ${payment.limit} per unit; coinsurance {money(payment.coinsurance)}).")
    if payment.discarded:
        text += f" The JW line recovers {money(payment.discarded)}."
    if payment.whole_vial_total is not None:  # the site's whole-vial option, in dollars
        difference = payment.whole_vial_total - payment.total
        text += f" The whole-vial option: Medicare {'+' if difference >= 0 else '-'}{money(abs(difference))}."
    return text


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
    """'J1745 infliximab (Remicade); Q5103 infliximab (Inflectra, infliximab-dyyb)': the codes a name could mean,
    each with the use its descriptor limits it to ('— for ESRD on dialysis')."""
    return "; ".join(
        f"{drug.hcpcs} {drug.generic}" + (f" ({', '.join(drug.brands[:3])})" if drug.brands else "")
        + (f" — {note}" if (note := use_note(drug.descriptor)) else "")
        for drug in drugs
    )


_USE_NOTE = re.compile(r"[0-9]\s*(?:mg|mcg|g|units?)\s*\(([^()]+)\)\s*$", re.IGNORECASE)
_ESRD = re.compile(r"\besrd\b", re.IGNORECASE)


def use_note(descriptor: str) -> str | None:
    """The use a descriptor ends with after its unit ('1 mg (non-esrd use)' -> 'non-ESRD use'), or None.

    Two codes of one drug can differ only there (ferumoxytol: Q0138 non-ESRD, Q0139 ESRD on
    dialysis), so a pick list that shows both must show it."""
    found = _USE_NOTE.search(descriptor)
    return _ESRD.sub("ESRD", found[1].strip()) if found else None
