"""The amount actually given, when an infusion stops short of the dose prepared.

Infusions stop early: a reaction, a patient who leaves. The administered units are then
billed from the amount that reached the patient, and what was prepared but not infused
stays in the amount opened, so it is counted with the rest of the drug discarded.

Whether Medicare wants that unused prepared part on the JW line is not settled by a CMS
or MAC text we could read: JW's descriptor is "drug amount discarded/not administered to
any patient", and one oncology society's FAQ bills a stopped infusion as the amount given
plus JW for the rest, but the CMS FAQ's definition of the discarded amount ("not part of
the prescribed dose") is only quoted second-hand. So the result says it is not verified.
Sources and status: docs/sources/dose-given.md.
"""

from __future__ import annotations

from decimal import Decimal

from infusion_calc.core.calculation.billing import VialUse, given_from
from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers.amounts import bind
from infusion_calc.core.numbers.units import Kind, format_amount, parse_amount, parse_measure
from infusion_calc.core.record.notices import Notice, NoticeSpec

DOSE_PARTLY_GIVEN = NoticeSpec(
    "DOSE_PARTLY_GIVEN",
    "calculation",
    "less given than prepared: what was not infused is "
    "counted as discarded (not billed from a multi-dose vial)",
)

FIELD = "dose_given"
JW_STATUS = "PARTIAL"
"""Status of "the unused part of a prepared single-dose dose is reported with JW"
(see the module doc)."""


def dose_given(
    text: str | None, prepared_mg: Decimal, unit: str = "mg", what: str = "This drug"
) -> Decimal | None:
    """The amount given in mg, strictly parsed; None when blank (the whole dose prepared was given).

    More than was prepared cannot have been given from this preparation, so it is refused
    rather than billed.
    """
    if text is None or not text.strip():
        return None
    if unit == "mg":
        given = parse_measure(text, Kind.MASS, FIELD).value
    else:  # units, IU, mL or doses: bound to the drug's own unit, never converted
        given = bind(parse_amount(text, FIELD), unit, FIELD, what).value
    if given > prepared_mg:
        raise InputError(
            FIELD,
            f"{format_amount(given, unit)} given is more than the "
            f"{format_amount(prepared_mg, unit)} prepared for this order. "
            "Enter the amount that reached the patient (at most the dose "
            "prepared), or leave it blank when the whole dose was given.",
        )
    return given


def drawn_from_text(shares: tuple[tuple[VialUse, Decimal], ...], unit: str = "mg") -> str:
    """'300 mg from the 400 mg/20 mL vial; 2 × 80 mg/4 mL vials: not used'
    (billing.given_from's shares)."""
    parts = []
    for use, mg in shares:
        label = use.product.label
        if mg == 0:
            parts.append(f"{use.count} × {label} vial{'s' if use.count != 1 else ''}: not used")
        else:
            amount = format_amount(mg, unit)
            parts.append(
                f"{amount} from the {label} vial"
                if use.count == 1
                else f"{amount} from the {use.count} × {label} vials"
            )
    return "; ".join(parts)


def partly_given_notice(
    prepared_mg: Decimal,
    given_mg: Decimal,
    *,
    single_dose: bool,
    uses: tuple[VialUse, ...] = (),
    unit: str = "mg",
) -> Notice | None:
    """The warning every result with less given than prepared carries; None when all was given.

    It says which vials the amount given is billed from: they are taken in the order drawn
    (billing.given_from), so what was not given sits on the vials drawn last.
    """
    if given_mg >= prepared_mg:
        return None
    not_given = format_amount(prepared_mg - given_mg, unit)
    given = format_amount(given_mg, unit)
    head = (
        f"{given} of the {format_amount(prepared_mg, unit)} prepared was given: the administered "
        f"units are billed from the {given} given"
    )
    drawn = (
        " Taken as given from the vials in the order drawn (largest first), so what was not given "
        f"is on the last ones: {drawn_from_text(given_from(uses, given_mg), unit)}."
        if uses
        else ""
    )
    if not single_dose:
        return DOSE_PARTLY_GIVEN(
            f"{head}; the {not_given} not infused is not billed (multi-dose container).{drawn}"
        )
    return DOSE_PARTLY_GIVEN(
        f"{head}, and the {not_given} prepared but not infused is counted as discarded (JW, in "
        f"whole units).{drawn} Reporting an unused prepared dose with JW is {JW_STATUS}, not "
        "verified against a CMS or MAC text: confirm with your MAC. Record the amount given, the "
        "amount discarded and why the infusion stopped.",
    )
