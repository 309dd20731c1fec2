"""The strict parser: everything pint would misread is refused with a sentence
("1,5 mg", "1 000 mg", "-5 mg", "nan mg")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers.units import (
    DoseBasis,
    Kind,
    parse_concentration,
    parse_dose,
    parse_measure,
    parse_vial_size,
)


@pytest.mark.parametrize(
    ("text", "value", "unit", "basis"),
    [
        ("300 mg", "300", "mg", DoseBasis.FLAT),
        ("300mg", "300", "mg", DoseBasis.FLAT),
        ("0.3 g", "300", "mg", DoseBasis.FLAT),
        ("300000 mcg", "300", "mg", DoseBasis.FLAT),
        ("  300 MG ", "300", "mg", DoseBasis.FLAT),
        (".5 mg", "0.5", "mg", DoseBasis.FLAT),
        ("5 mg/kg", "5", "mg/kg", DoseBasis.PER_KG),
        ("200 mcg/kg", "0.2", "mg/kg", DoseBasis.PER_KG),
        ("375 mg/m2", "375", "mg/m**2", DoseBasis.PER_M2),
        ("375 mg/m^2", "375", "mg/m**2", DoseBasis.PER_M2),
        ("375 mg/m²", "375", "mg/m**2", DoseBasis.PER_M2),
        ("15 mL", "15", "mL", DoseBasis.VOLUME),
        ("15 ml", "15", "mL", DoseBasis.VOLUME),
        ("0.015 L", "15", "mL", DoseBasis.VOLUME),
    ],
)
def test_accepted_doses_are_exact_in_canonical_units(
    text: str, value: str, unit: str, basis: DoseBasis
) -> None:
    order = parse_dose(text)
    assert order.amount.value == Decimal(value)
    assert order.amount.unit == unit
    assert order.basis is basis


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("1,5 mg", "dot for decimals"),  # pint: 15 mg
        ("1 000 mg", "without spaces"),  # pint: 0 mg
        ("1..2 mg", "Could not read"),  # pint: 0.2 mg
        ("2 mg 3", "Could not read"),  # pint: 6 mg
        ("mg", "Start with a number"),  # pint: 1 mg
        ("nan mg", "Start with a number"),
        ("inf mg", "Start with a number"),
        ("-5 mg", "more than zero"),
        ("0 mg", "more than zero"),
        ("10**10**10 mg", "Could not read"),  # pint's float registry hangs on this
        ("1e3 mg", "Could not read"),
        ("300", "Add a unit"),
        ("", "Enter a dose"),
        ("   ", "Enter a dose"),
        ("5 µg", "write mcg"),
        ("3 cc", "write mL"),
        ("100 furlong", "not a unit"),
        ("5 mg/", "Could not read"),
        ("5 mg/lb", "per kg"),
        ("5 kg/mg", "not"),
        ("300 mg mg", "Could not read"),
        ("1234567890 mg", "too many digits"),
        ("__import__('os') mg", "Start with a number"),
        ("5 mL/kg", "start with a mass"),
    ],
)
def test_pint_traps_are_refused_with_what_to_type(text: str, says: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_dose(text)
    assert caught.value.field == "dose"
    assert says in caught.value.message
    assert (
        "e.g." in caught.value.message
        or "Enter" in caught.value.message
        or "per kg" in caught.value.message
    )


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("70 kg", Kind.BODY_WEIGHT, "70"),
        ("154 lb", Kind.BODY_WEIGHT, "69.85322498"),  # 0.45359237 kg per lb, exactly
        ("170 cm", Kind.HEIGHT, "170"),
        ("67 in", Kind.HEIGHT, "170.18"),
        ("1.7 m", Kind.HEIGHT, "170"),
        ("1.9 m2", Kind.AREA, "1.9"),
        ("1.9 m^2", Kind.AREA, "1.9"),
        ("1.9 m²", Kind.AREA, "1.9"),
    ],
)
def test_body_measures_convert_exactly(text: str, kind: Kind, value: str) -> None:
    assert parse_measure(text, kind, "x").value == Decimal(value)


def test_wrong_dimension_names_what_was_expected() -> None:
    with pytest.raises(InputError, match="not a weight"):
        parse_measure("70 mL", Kind.BODY_WEIGHT, "weight")


def test_vial_sizes_and_concentrations() -> None:
    solution = parse_vial_size("300 mg/15 mL")
    assert solution.volume is not None
    assert (solution.strength.value, solution.volume.value) == (Decimal(300), Decimal(15))
    powder = parse_vial_size("100 mg")
    assert powder.volume is None
    assert parse_concentration("20 mg/mL", "c").value == Decimal(20)
    with pytest.raises(InputError, match="vial size"):
        parse_vial_size("15 mL/300 mg")
