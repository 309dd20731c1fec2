"""The app's result panel: the same facts as the summary, in the chair's words (preparation,
the JW/JZ reason, the whole-vial option, the payment, a claim grid to paste)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infusion_calc.core.numbers.rounding import plain
from infusion_calc.core.words.labels import amount, modifiers_text, money, uses_text, vial_text

if TYPE_CHECKING:
    from infusion_calc.core.calculation.engine import Calculation


# -- the app's result panel (the same facts, in the chair's words) ------------------------


def preparation_steps(calc: Calculation) -> tuple[str, ...]:
    """Reconstitute (powders) and draw, as instructions."""
    steps = [
        (
            f"Reconstitute each of the {vial_text(use.count, use.product.label)} vials"
            if use.count > 1
            else f"Reconstitute the {use.product.label} vial"
        )
        + f" with {amount(diluent, 'mL')} sterile water"
        for use, diluent in calc.preparation.reconstitution
    ]
    draw = calc.preparation.draw_volume_ml
    steps.append(
        f"Draw {amount(draw, 'mL')}" if draw is not None else "Draw the volume per the label"
    )
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
        f"Whole-vial option (site policy, within {threshold}%): "
        f"{amount(option.dose_mg, calc.drug.amount_unit)} = {uses_text(option.vials)} "
        f"({sign}{plain(option.change_percent)}%). NOT applied: the result above is the dose as "
        "ordered; use this only if the prescriber changes the order."
    )


def payment_sentence(calc: Calculation) -> str | None:
    """What Medicare allows per claim line and in all, and what the JW line recovers, as the app
    shows it; None when no loaded quarter prices this code on this day (a warning then says why)."""
    payment = calc.payment
    if payment is None:
        return None
    per_line = ", ".join(
        f"{line.code} {money(value)}" for line, value in zip(calc.lines, payment.line_amounts)
    )
    text = (
        f"Medicare allows {money(payment.total)}: {per_line} "
        f"({payment.quarter} limit ${payment.limit} per unit; coinsurance "
        f"{money(payment.coinsurance)})."
    )
    if payment.discarded:
        text += f" The JW line recovers {money(payment.discarded)}."
    if payment.whole_vial_total is not None:  # the site's whole-vial option, in dollars
        difference = payment.whole_vial_total - payment.total
        text += (
            " The whole-vial option: Medicare "
            f"{'+' if difference >= 0 else '-'}{money(abs(difference))}."
        )
    return text


def claim_grid(calc: Calculation, missing_ndc: str) -> str:
    """The claim lines as tab-separated text, with a header: pastes into a billing grid."""
    header = "HCPCS\tModifier\tUnits\tNDC\tNDC unit\tNDC quantity"
    rows = [
        "\t".join(
            (
                line.hcpcs,
                modifiers_text(line.modifiers),
                str(line.units),
                line.ndc or missing_ndc,
                line.ndc_unit or "",
                plain(line.ndc_quantity) if line.ndc_quantity is not None else "",
            )
        )
        for line in calc.lines
    ]
    return "\n".join([header, *rows]) + "\n"
