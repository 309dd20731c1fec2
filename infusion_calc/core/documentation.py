"""Chart text: a plain-text note a nurse pastes into the record and the licensed provider signs.

Deterministic: the same calculation and encounter always give the same text, in the same
order. Lines for details not entered are left out rather than padded with blanks, except the
REMS line (a safety program left unconfirmed is stated, not hidden) and the signature line.
No patient name or identifier is asked for, so none is printed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from infusion_calc.core import rounding
from infusion_calc.core.billing import ClaimLine, VialUse
from infusion_calc.core.encounter import ClockTime, Encounter
from infusion_calc.core.admin_codes import describe_minutes
from infusion_calc.core.engine import Calculation
from infusion_calc.core.indications import clinical_rules
from infusion_calc.core.rounding import plain
from infusion_calc.core.units import format_amount

SIGNATURE_LINE = "Signature (licensed provider): ______________________  Date/time: ________________"


def chart_note(calc: Calculation, encounter: Encounter | None = None) -> str:
    """The administration note for this calculation, with the encounter details entered."""
    encounter = encounter or Encounter()
    drug = calc.drug
    out = [
        "Drug administration note",
        f"Drug: {drug.display_name}, HCPCS {drug.hcpcs} ({drug.descriptor})",
    ]
    out.extend(_who_when_why(encounter))
    out.extend(_rems(calc, encounter))
    out.extend(_dose(calc))
    out.extend(_vials(calc, encounter))
    out.extend(_preparation(calc))
    out.append("Billing units:")
    out.extend(f"  {step}" for step in calc.steps if step.startswith(("Vials:", "Administered", "Discarded", "Cap")))
    out.append(_waste(calc, encounter))
    out.append("Claim lines:")
    out.extend(f"  {_claim_line(line)}" for line in calc.lines)
    out.extend(_times(calc, encounter))
    if encounter.events:
        first, *rest = encounter.events.split("\n")
        out.append(f"Adverse events/deviations: {first}")
        out.extend(f"  {line}" for line in rest)
    out.append(SIGNATURE_LINE)
    return "\n".join(out) + "\n"


def _who_when_why(encounter: Encounter) -> list[str]:
    out = []
    if encounter.given_at is not None:
        out.append(f"Date/time given: {_stamp(encounter.given_at)}")
    for label, value in (
        ("Site of care", encounter.site),
        ("Ordering/supervising provider", encounter.provider),
        ("Administered by", encounter.nurse),
    ):
        if value:
            out.append(f"{label}: {value}")
    if encounter.dx:
        fact = clinical_rules().code(encounter.dx)
        title = f" {fact.title}" if fact is not None and fact.title else ""
        out.append(f"Diagnosis (ICD-10-CM): {encounter.dx}{title}")
    if encounter.payer is not None:
        out.append(f"Payer type: {encounter.payer.value.capitalize()}")
    if encounter.prior_auth:
        out.append(f"Prior authorization: {encounter.prior_auth}")
    if encounter.step_therapy:
        out.append("Step therapy: attested")
    if encounter.consent:
        out.append("Consent: on file")
    return out


def _rems(calc: Calculation, encounter: Encounter) -> list[str]:
    program = clinical_rules().rems_for(calc.drug.hcpcs)
    if program is None:
        return []
    if encounter.rems_checked:
        return [f"{program.program}: {program.requires} confirmed before infusion"]
    return [f"{program.program}: NOT confirmed in this record"]


def _dose(calc: Calculation) -> list[str]:
    """Ordered as typed, the arithmetic for a per-kg, per-m² or volume order, then given and route."""
    ordered = str(calc.order.amount)
    out = [f"Dose ordered: {ordered}"]
    for step in calc.steps:
        if step.startswith("Vials:"):
            break  # dose arithmetic comes before the vial plan in the steps
        if not step.startswith("Dose ordered"):
            out.append(f"  {step}")
    out.append(f"Dose given: {format_amount(calc.dose_mg, 'mg')}")
    out.append(f"Route: {calc.drug.route}")
    return out


def _vials(calc: Calculation, encounter: Encounter) -> list[str]:
    out = ["Vials opened:"]
    for use in calc.vials:
        product = use.product
        plural = "s" if use.count != 1 else ""
        ndc = f"NDC {product.ndc}" if product.ndc else "NDC not verified: record it from the carton"
        out.append(f"  {use.count} × {product.brand} {product.label} {product.container} vial{plural}, {ndc}")
    records = encounter.vials
    if records:
        sizes = [use.product.label for use in calc.vials for _ in range(use.count)]
        for number in range(1, max(len(sizes), len(records)) + 1):
            record = records[number - 1] if number <= len(records) else None
            lot = record.lot if record and record.lot else "not recorded"
            expires = str(record.expires) if record and record.expires else "not recorded"
            size = f" ({sizes[number - 1]})" if number <= len(sizes) else " (more lots entered than vials opened)"
            out.append(f"  Vial {number}{size}: lot {lot}, exp {expires}")
    return out


def _single_concentration(uses: tuple[VialUse, ...]) -> Decimal | None:
    values = {use.product.concentration for use in uses}
    value = values.pop() if len(values) == 1 else None
    # Shown only when it is a short exact figure (20 mg/mL, 2.4 mg/mL), never a long repeating one.
    if value is None or value != rounding.round_half_up(value, Decimal("0.001")):
        return None
    return value


def _preparation(calc: Calculation) -> list[str]:
    out = []
    for use, diluent in calc.preparation.reconstitution:
        vials = f"{use.count} × {use.product.label} vials, each" if use.count != 1 else f"1 × {use.product.label} vial"
        out.append(f"Reconstituted: {vials} with {plain(diluent)} mL diluent")
    draw = calc.preparation.draw_volume_ml
    if draw is not None:
        concentration = _single_concentration(calc.vials)
        at = f" ({format_amount(calc.dose_mg, 'mg')} at {plain(concentration)} mg/mL)" if concentration else ""
        out.append(f"Volume drawn: {format_amount(draw, 'mL')}{at}")
    if calc.drug.preparation:
        out.append(f"Preparation (per label): {calc.drug.preparation}")
    return out


def _waste(calc: Calculation, encounter: Encounter) -> str:
    billing = calc.billing
    if not calc.single_dose:
        return "Waste: multi-dose container; no JW/JZ, and any remainder is not billed"
    if billing.discarded_mg == 0:
        return "Waste: none; the full labeled amount opened was given (JZ)"
    amount = format_amount(billing.discarded_mg, "mg")
    concentration = _single_concentration(calc.vials)
    if concentration:
        amount += f" ({format_amount(rounding.volume(billing.discarded_mg / concentration), 'mL')})"
    if billing.discarded_units:
        units = "unit" if billing.discarded_units == 1 else "units"
        text = f"Waste: {amount} discarded = {billing.discarded_units} billing {units} on the JW line"
    elif billing.discarded_mg < calc.drug.billing_unit.value:
        text = f"Waste: {amount} discarded, less than one billing unit: not billed (JZ)"
    else:  # rule 4: the administered units already pay for every labeled unit opened
        text = f"Waste: {amount} discarded, already covered by the administered units: not billed again (JZ)"
    if encounter.given_at is not None:
        text += f", {_stamp(encounter.given_at)}"
    if encounter.waste_reason:
        text += f"; reason: {encounter.waste_reason}"
    if encounter.waste_witness:
        text += f"; witnessed by {encounter.waste_witness}"
    return text


def _claim_line(line: ClaimLine) -> str:
    code = line.code
    ndc = f"NDC {line.ndc}, {plain(line.ndc_quantity)} {line.ndc_unit}" if line.ndc and line.ndc_quantity is not None else "NDC from the carton"
    return f"{code} × {line.units} unit{'s' if line.units != 1 else ''}; {ndc}"


def _stamp(moment: ClockTime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if isinstance(moment, datetime) else f"{moment:%H:%M}"


def _times(calc: Calculation, encounter: Encounter) -> list[str]:
    what = "Infusion" if calc.drug.route.strip().lower() in ("iv", "intravenous") else "Administration"
    start, stop = encounter.start, encounter.stop
    if start is not None and stop is not None:
        minutes = encounter.infusion_minutes or 0
        return [f"{what}: start {_stamp(start)}, stop {_stamp(stop)} ({describe_minutes(minutes)})"]
    if start is not None:
        return [f"{what}: start {_stamp(start)}, stop not recorded"]
    if stop is not None:
        return [f"{what}: stop {_stamp(stop)}, start not recorded"]
    return []
