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

from infusion_calc.core.errors import InputError
from infusion_calc.core.notices import Notice, NoticeSpec
from infusion_calc.core.units import Kind, format_amount, parse_amount, parse_measure

DOSE_PARTLY_GIVEN = NoticeSpec(
    "DOSE_PARTLY_GIVEN", "calculation", "less given than prepared: what was not infused is counted as discarded (not billed from a multi-dose vial)"
)

FIELD = "dose_given"
JW_STATUS = "PARTIAL"
"""Status of "the unused part of a prepared single-dose dose is reported with JW" (see the module doc)."""


def dose_given(text: str | None, prepared_mg: Decimal, unit: str = "mg", what: str = "This drug") -> Decimal | None:
    """The amount given in mg, strictly parsed; None when blank (the whole dose prepared was given).

    More than was prepared cannot have been given from this preparation, so it is refused
    rather than billed.
    """
    if text is None or not text.strip():
        return None
    from infusion_calc.core.amounts import bind

    if unit == "mg":
        given = parse_measure(text, Kind.MASS, FIELD).value
    else:
        given = bind(parse_amount(text, FIELD), unit, FIELD, what).value
    if given > prepared_mg:
        raise InputError(
            FIELD,
            f"{format_amount(given, unit)} given is more than the {format_amount(prepared_mg, unit)} prepared for this order. "
            "Enter the amount that reached the patient (at most the dose prepared), or leave it blank "
            "when the whole dose was given.",
        )
    return given


def partly_given_notice(prepared_mg: Decimal, given_mg: Decimal, *, single_dose: bool, unit: str = "mg") -> Notice | None:
    """The warning every result with less given than prepared carries; None when all was given."""
    if given_mg >= prepared_mg:
        return None
    not_given = format_amount(prepared_mg - given_mg, unit)
    given = format_amount(given_mg, unit)
    head = (
        f"{given} of the {format_amount(prepared_mg, unit)} prepared was given: the administered units are "
        f"billed from the {given} given"
    )
    if not single_dose:
        return DOSE_PARTLY_GIVEN(f"{head}; the {not_given} not infused is not billed (multi-dose container).")
    return DOSE_PARTLY_GIVEN(
        f"{head}, and the {not_given} prepared but not infused is counted as discarded (JW, in whole units). "
        f"Reporting an unused prepared dose with JW is {JW_STATUS}, not verified against a CMS or MAC text: "
        "confirm with your MAC. Record the amount given, the amount discarded and why the infusion stopped.",
    )
