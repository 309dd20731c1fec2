"""Chart text: a plain-text note a nurse pastes into the record and the licensed provider signs.

Deterministic: the same calculation and encounter always give the same text, in the same
order. Lines for details not entered are left out rather than padded with blanks, except the
REMS line (a safety program left unconfirmed is stated, not hidden) and the signature line.
No patient name or identifier is asked for, so none is printed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from infusion_calc.core.calculation.billing import ClaimLine, VialUse, given_from
from infusion_calc.core.calculation.dose_given import drawn_from_text
from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.catalog.indications import ClinicalRules
from infusion_calc.core.checks.admin_codes import describe_minutes
from infusion_calc.core.numbers import rounding
from infusion_calc.core.numbers.rounding import plain
from infusion_calc.core.numbers.units import format_amount
from infusion_calc.core.record.encounter import Encounter
from infusion_calc.core.record.encounter_fields import ENCOUNTER_FIELDS, FIELD
from infusion_calc.core.record.encounter_row import ChartBlock
from infusion_calc.core.record.encounter_values import ClockTime
from infusion_calc.core.record.steps import BILLING, DOSE_ARITHMETIC
from infusion_calc.core.words.labels import line_brief, ndc_for_people, vial_text
from infusion_calc.core.words.step_text import step_text

BLANK_NAME = "______________________"
SIGN_HERE = "Signature: ______________________  Date/time: ________________"


def chart_note(
    calc: Calculation, encounter: Encounter | None = None, *, rules: ClinicalRules
) -> str:
    """The administration note for this calculation, with the encounter details entered.

    `rules` (the packaged clinical rules, loaded by the
    caller) name the diagnosis and the REMS program.
    """
    encounter = encounter or Encounter()
    drug = calc.drug
    out = [
        "Drug administration note",
        f"Drug: {drug.display_name}, HCPCS {drug.hcpcs} ({drug.descriptor})",
    ]
    out.extend(_who_when_why(encounter, rules))
    out.extend(_rems(calc, encounter, rules))
    out.extend(_dose(calc, encounter))
    out.extend(_vials(calc, encounter))
    out.extend(_preparation(calc, encounter))
    out.append("Billing units:")
    out.extend(f"  {step_text(step)}" for step in calc.steps if step.kind in BILLING)
    out.append(_waste(calc, encounter))
    out.append("Claim lines:")
    out.extend(f"  {_claim_line(line)}" for line in calc.lines)
    out.extend(_times(calc, encounter))
    out.extend(_block(encounter, "closing"))
    out.extend(_signatures(encounter))
    return "\n".join(out) + "\n"


def _block(encounter: Encounter, block: ChartBlock) -> list[str]:
    """The free-text fields whose declaration puts them in this block of the note, in its order."""
    out = []
    for field in ENCOUNTER_FIELDS:
        if field.chart_block == block:
            out.extend(_text(field.name, getattr(encounter, field.name)))
    return out


def _text(name: str, value: str | None) -> list[str]:
    """A labelled entry, its further lines indented under it; nothing when it was not entered."""
    if not value:
        return []
    first, *rest = value.split("\n")
    return [_labelled(name, first), *(f"  {line}" for line in rest)]


def _labelled(name: str, value: object) -> str:
    """One field on its line, after the label its declaration gives it (record/encounter_fields)."""
    return f"{FIELD[name].in_chart}: {value}"


def _ticked(name: str) -> str:
    """A ticked box, in its declaration's words ("Consent: on file")."""
    return _labelled(name, FIELD[name].chart_yes)


def _signatures(encounter: Encounter) -> list[str]:
    """Who signs what: the nurse the administration, the waste and this note;
    the provider the order."""
    return [
        "Signatures:",
        "  Administering nurse (administration, waste and this note): "
        f"{encounter.nurse or BLANK_NAME}",
        f"    {SIGN_HERE}",
        f"  Ordering provider (the order and the dose ordered): {encounter.provider or BLANK_NAME}",
        f"    {SIGN_HERE}",
    ]


def _who_when_why(encounter: Encounter, rules: ClinicalRules) -> list[str]:
    out = []
    if encounter.given_at is not None:
        out.append(_labelled("given_at", _stamp(encounter.given_at)))
    for name, value in (
        ("site", encounter.site),
        ("provider", encounter.provider),
        ("nurse", encounter.nurse),
    ):
        if value:
            out.append(_labelled(name, value))
    if encounter.dx:
        fact = rules.code(encounter.dx)
        title = f" {fact.title}" if fact is not None and fact.title else ""
        out.append(_labelled("dx", f"{encounter.dx}{title}"))
    if encounter.payer is not None:
        out.append(_labelled("payer", encounter.payer.value.capitalize()))
    if encounter.prior_auth:
        out.append(_labelled("prior_auth", encounter.prior_auth))
    if encounter.step_therapy:
        out.append(_ticked("step_therapy"))
    if encounter.consent:
        out.append(_ticked("consent"))
    return out


def _rems(calc: Calculation, encounter: Encounter, rules: ClinicalRules) -> list[str]:
    program = rules.rems_for(calc.drug.hcpcs)
    if program is None:
        return []
    if encounter.rems_checked:
        return [f"{program.program}: {program.requires} confirmed before infusion"]
    return [f"{program.program}: NOT confirmed in this record"]


def _dose(calc: Calculation, encounter: Encounter) -> list[str]:
    """Ordered as typed (with the arithmetic of a per-kg,
    per-m² or volume order), prepared, given, route.

    Given is what reached the patient: the amount entered, else the whole dose prepared, said
    in those words so the note never passes a copy of the order off as a record.
    """
    ordered = str(calc.order.amount)
    out = [f"Dose ordered: {ordered}"]
    out.extend(f"  {step_text(step)}" for step in calc.steps if step.kind in DOSE_ARITHMETIC)
    unit = (
        calc.drug.amount_unit
    )  # mg, mL, or the product's own units: never "mg" for 60 units of Botox
    prepared = format_amount(calc.dose_mg, unit)
    out.append(f"Dose prepared: {prepared}")
    given = calc.given_mg
    if given is None or given >= calc.dose_mg:
        out.append(f"Dose given: {prepared}, the whole dose prepared")
    else:
        reason = encounter.stop_reason or "not recorded"
        out.append(
            f"Dose given: {format_amount(given, unit)} of the "
            f"{prepared} prepared; stopped early, reason: {reason}"
        )
        if (
            len(calc.vials) > 1
        ):  # which containers the lines bill the amount given from: the order drawn
            out.append(
                "  Billed as drawn from the vials in order (largest first): "
                f"{drawn_from_text(given_from(calc.vials, given), unit)}"
            )
    out.append(f"Route: {calc.drug.route}")
    out.extend(_block(encounter, "dose"))
    return out


def _vials(calc: Calculation, encounter: Encounter) -> list[str]:
    out = ["Vials opened:"]
    for use in calc.vials:
        product = use.product
        plural = "s" if use.count != 1 else ""
        ndc = ndc_for_people(product.ndc, missing="NDC not verified: record it from the carton")
        kind = (
            f"{product.container} vial{plural}"
            if product.container != "unconfirmed"
            else f"vial{plural} (single- or multi-dose NOT confirmed)"
        )
        out.append(f"  {vial_text(use.count, f'{product.brand} {product.label}')} {kind}, {ndc}")
    records = encounter.vials
    if records:
        sizes = [use.product.label for use in calc.vials for _ in range(use.count)]
        for number in range(1, max(len(sizes), len(records)) + 1):
            record = records[number - 1] if number <= len(records) else None
            lot = record.lot if record and record.lot else "not recorded"
            expires = str(record.expires) if record and record.expires else "not recorded"
            size = (
                f" ({sizes[number - 1]})"
                if number <= len(sizes)
                else " (more lots entered than vials opened)"
            )
            out.append(f"  Vial {number}{size}: lot {lot}, exp {expires}")
    return out


def _single_concentration(uses: tuple[VialUse, ...]) -> Decimal | None:
    values = {use.product.concentration for use in uses}
    value = values.pop() if len(values) == 1 else None
    # Shown only when it is a short exact figure (20 mg/mL, 2.4 mg/mL), never a long repeating one.
    if value is None or value != rounding.round_half_up(value, Decimal("0.001")):
        return None
    return value


def _preparation(calc: Calculation, encounter: Encounter) -> list[str]:
    """What was done to prepare the dose. The label's instructions are a reminder shown with the
    result, not a record of this administration, so only what the nurse entered is charted."""
    out = []
    for use, diluent in calc.preparation.reconstitution:
        vials = f"{vial_text(use.count, use.product.label)} vial" + (
            "s, each" if use.count != 1 else ""
        )
        out.append(f"Reconstituted: {vials} with {plain(diluent)} mL diluent")
    draw = calc.preparation.draw_volume_ml
    if draw is not None:
        concentration = _single_concentration(calc.vials)
        unit = calc.drug.amount_unit
        at = (
            f" ({format_amount(calc.dose_mg, unit)} at {format_amount(concentration, unit)}/mL)"
            if concentration
            else ""
        )
        out.append(f"Volume drawn: {format_amount(draw, 'mL')}{at}")
    out.extend(_block(encounter, "preparation"))
    return out


def _waste(calc: Calculation, encounter: Encounter) -> str:
    billing = calc.billing
    if not calc.container_confirmed:
        return (
            "Waste: not billed: single-dose or multi-dose is "
            "not confirmed, so neither JW nor JZ is written"
        )
    if not calc.single_dose:
        return "Waste: multi-dose container; no JW/JZ, and any remainder is not billed"
    if billing.discarded_mg == 0:
        return "Waste: none; the full labeled amount opened was given (JZ)"
    unit = calc.drug.amount_unit
    amount = format_amount(billing.discarded_mg, unit)
    concentration = _single_concentration(calc.vials)
    if concentration:
        amount += f" ({format_amount(rounding.volume(billing.discarded_mg / concentration), 'mL')})"
    not_infused = calc.dose_mg - calc.administered_mg
    if not_infused > 0:  # the part of the dose prepared that never reached the patient is waste too
        amount += f" discarded ({format_amount(not_infused, unit)} of it prepared but not infused)"
    else:
        amount += " discarded"
    if billing.discarded_units:
        units = "unit" if billing.discarded_units == 1 else "units"
        jw_lines = sum(
            1 for line in calc.lines if "JW" in line.modifiers
        )  # one per NDC with drug left
        where = "the JW line" if jw_lines < 2 else f"{jw_lines} JW lines (one per NDC)"
        text = f"Waste: {amount} = {billing.discarded_units} billing {units} on {where}"
    elif billing.discarded_mg < calc.drug.billing_unit.value:
        text = f"Waste: {amount}, less than one billing unit: not billed (JZ)"
    else:  # the administered units already pay for every labeled unit opened
        text = f"Waste: {amount}, already covered by the administered units: not billed again (JZ)"
    when = _waste_time(encounter)
    if when:
        text += f", {when}"
    if encounter.waste_reason:
        text += f"; reason: {encounter.waste_reason}"
    if encounter.waste_witness:
        text += f"; witnessed by {encounter.waste_witness}"
    return text


def _waste_time(encounter: Encounter) -> str | None:
    """When the waste happened: at the infusion's stop (the drug left in the bag and vials is
    discarded then), on the date given; the time given when no stop was recorded."""
    stop = encounter.stop
    if isinstance(stop, datetime):
        return _stamp(stop)
    if stop is not None:
        day = f"{encounter.given_at:%Y-%m-%d} " if encounter.given_at is not None else ""
        return f"{day}{stop:%H:%M}"
    return _stamp(encounter.given_at) if encounter.given_at is not None else None


def _claim_line(line: ClaimLine) -> str:
    """'J2323-JW × 50 units; NDC 64406-0008-01, 2.5 mL':
    the NDC as the carton and the summary show it."""
    ndc = ndc_for_people(line.ndc, line.ndc_quantity, line.ndc_unit, missing="NDC from the carton")
    return (
        f"{line_brief(line.hcpcs, line.modifiers, line.units)} "
        f"unit{'s' if line.units != 1 else ''}; {ndc}"
    )


def _stamp(moment: ClockTime | date) -> str:
    if isinstance(moment, datetime):
        return f"{moment:%Y-%m-%d %H:%M}"
    return (
        f"{moment:%Y-%m-%d}" if isinstance(moment, date) else f"{moment:%H:%M}"
    )  # a date of service alone


def _times(calc: Calculation, encounter: Encounter) -> list[str]:
    what = (
        "Infusion" if calc.drug.route.strip().lower() in ("iv", "intravenous") else "Administration"
    )
    start, stop = encounter.start, encounter.stop
    if start is not None and stop is not None:
        minutes = encounter.infusion_minutes or 0
        return [f"{what}: start {_stamp(start)}, stop {_stamp(stop)} ({describe_minutes(minutes)})"]
    if start is not None:
        return [f"{what}: start {_stamp(start)}, stop not recorded"]
    if stop is not None:
        return [f"{what}: stop {_stamp(stop)}, start not recorded"]
    return []
