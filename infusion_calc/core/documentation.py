"""Chart text: a plain-text note a nurse pastes into the record. Deterministic."""

from __future__ import annotations

from infusion_calc.core.engine import Calculation
from infusion_calc.core.rounding import plain
from infusion_calc.core.units import format_amount


def _line_label(hcpcs: str, modifiers: tuple[str, ...]) -> str:
    return "-".join((hcpcs, *modifiers))


def chart_note(calc: Calculation) -> str:
    """The administration note: product, dose, vials, volumes, unit arithmetic, waste, claim lines."""
    drug = calc.drug
    out = [f"{drug.generic} ({', '.join(drug.brands)}) {drug.route}; HCPCS {drug.hcpcs}: {drug.descriptor}."]
    ordered = str(calc.order.amount)
    dose = format_amount(calc.dose_mg, "mg")
    out.append(f"Dose ordered: {ordered}" + (f" = {dose}." if ordered != dose else "."))
    vials = "; ".join(
        f"{use.count} × {use.product.label} (NDC {use.product.ndc or 'not verified: from carton'})" for use in calc.vials
    )
    out.append(f"Vials opened: {vials}.")
    if calc.preparation.draw_volume_ml is not None:
        out.append(f"Volume drawn: {format_amount(calc.preparation.draw_volume_ml, 'mL')}.")
    out.append("Units:")
    out.extend(f"  {step}" for step in calc.steps if step.startswith(("Administered", "Discarded", "Cap")))
    out.append(f"Discarded: {format_amount(calc.billing.discarded_mg, 'mg')} ({calc.billing.discarded_units} billing units).")
    out.append("Claim lines: " + "; ".join(f"{_line_label(l.hcpcs, l.modifiers)} × {l.units}" for l in calc.lines) + ".")
    out.append("Signature: ______________________  Date/time: ____________")
    return "\n".join(out) + "\n"
