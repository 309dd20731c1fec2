"""The JSON contract of `infusion-calc calc --json` (and of batch, exports and the log).

Scripts depend on these keys: add keys freely, never rename or remove one without
bumping CONTRACT_VERSION. Quantities are strings with their unit ("12.5 mL"); counts
and billing units are integers; decimals that stand alone (NDC quantity, percent) are
strings, so no reader ever sees a float.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from infusion_calc.core.calculation.billing import ClaimLine, VialUse
from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.numbers.rounding import plain
from infusion_calc.core.numbers.units import format_amount
from infusion_calc.core.words.step_text import step_text

if TYPE_CHECKING:
    from infusion_calc.core.calculation.payment import Payment

CONTRACT_VERSION = 1


def _vial(use: VialUse) -> dict[str, Any]:
    product = use.product
    return {
        "strength": str(product.strength),
        "volume": str(product.volume) if product.volume is not None else None,
        "count": use.count,
        "ndc": product.ndc11,
        "brand": product.brand,
        "form": product.form,
        "container": product.container,
    }


def line_to_dict(line: ClaimLine) -> dict[str, Any]:
    return {
        "hcpcs": line.hcpcs,
        "modifiers": list(line.modifiers),
        "units": line.units,
        "ndc": line.ndc,
        "ndc_unit": line.ndc_unit,
        "ndc_quantity": plain(line.ndc_quantity) if line.ndc_quantity is not None else None,
    }


def _line_payments(calc: Calculation) -> list[str | None]:
    if calc.payment is None:
        return [None] * len(calc.lines)
    return [str(amount) for amount in calc.payment.line_amounts]


def payment_to_dict(payment: Payment | None) -> dict[str, str] | None:
    """Decimal strings with cents ("7353.60"), so no reader ever sees a float."""
    if payment is None:
        return None
    return {
        "quarter": payment.quarter,
        "effective_from": payment.effective_from.isoformat(),
        "effective_to": payment.effective_to.isoformat(),
        "total": str(payment.total),
        "discarded": str(payment.discarded),
        "coinsurance_percent": plain(payment.coinsurance_percent),
        "coinsurance": str(payment.coinsurance),
        "limit_per_unit": str(payment.limit),
    }


def calculation_to_dict(calc: Calculation) -> dict[str, Any]:
    patient = calc.patient
    unit = calc.drug.amount_unit

    def _mg(value: Decimal) -> str:  # "300 mg", or "60 units" for a drug measured in units
        return format_amount(value, unit)

    result: dict[str, Any] = {
        "contract": CONTRACT_VERSION,
        "hcpcs": calc.drug.hcpcs,
        "descriptor": calc.drug.descriptor,
        "drug": calc.drug.generic,
        "brand": calc.drug.brands[0] if calc.drug.brands else None,
        "billing_unit": str(calc.drug.billing_unit),
        "amount_unit": unit,
        "dose_ordered": str(calc.order.amount),
        "dose_basis": calc.order.basis.value,
        "dose": _mg(calc.dose_mg),
        # The amount given when it was entered; null means
        # the whole dose prepared was billed as given.
        "dose_given": _mg(calc.given_mg) if calc.given_mg is not None else None,
        "patient": {
            "weight": format_amount(patient.weight_kg, "kg")
            if patient.weight_kg is not None
            else None,
            "height": format_amount(patient.height_cm, "cm")
            if patient.height_cm is not None
            else None,
            "bsa": format_amount(patient.bsa_m2, "m**2") if patient.bsa_m2 is not None else None,
            "bsa_method": ("mosteller" if patient.bsa_from_mosteller else "given")
            if patient.bsa_m2 is not None
            else None,
        },
        "vials": [_vial(use) for use in calc.vials],
        "labeled_amount": _mg(calc.labeled_mg),
        "draw_volume": format_amount(calc.preparation.draw_volume_ml, "mL")
        if calc.preparation.draw_volume_ml is not None
        else None,
        "reconstitution": [
            {"vials": use.count, "diluent_per_vial": format_amount(diluent, "mL")}
            for use, diluent in calc.preparation.reconstitution
        ],
        "administered_units": calc.billing.administered_units,
        "discarded_units": calc.billing.discarded_units,
        "discarded_amount": _mg(calc.billing.discarded_mg),
        "single_dose": calc.single_dose,
        # false: no JW/JZ yet, claim formats refuse
        "container_confirmed": calc.container_confirmed,
        "lines": [
            line_to_dict(line) | {"medicare_payment": amount}
            for line, amount in zip(calc.lines, _line_payments(calc))
        ],
        "calculation": [step_text(step) for step in calc.steps],
        "warnings": [{"code": notice.code, "message": notice.message} for notice in calc.warnings],
    }
    result["payment"] = payment_to_dict(calc.payment)
    if calc.rounding_threshold is not None:
        option = calc.rounding_option
        result["dose_rounding"] = (
            None
            if option is None
            else {
                "dose": _mg(option.dose_mg),
                "change_percent": plain(option.change_percent),
                "threshold_percent": plain(option.threshold_percent),
                "vials": [_vial(use) for use in option.vials],
                # What Medicare would allow for the option
                # minus what it allows for the order: "-24.51".
                "medicare_payment_difference": (
                    str(calc.payment.whole_vial_total - calc.payment.total)
                    if calc.payment is not None and calc.payment.whole_vial_total is not None
                    else None
                ),
            }
        )
    return result
