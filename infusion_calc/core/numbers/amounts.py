"""A typed amount bound to what its drug is measured in: mg, mL, or the product's own activity unit.

The parser reads "60 units" or "50 IU/kg" without knowing the drug; the unit is bound
here, once the drug is known. A drug's amount unit is its billing unit's: "mg" for a code
billed by mass, "mL" for one billed by volume, or an activity kind from units.txt
("onabotulinumtoxinA_unit", "factor_viii_iu", or the generic "unit"/"IU"/"usp_unit" of a
code known only from CMS). Binding never converts: 60 typed units of Botox are 60
onabotulinumtoxinA units, and a mass, a volume or "IU" typed for Botox is refused, saying
what the product is measured in.
"""

from __future__ import annotations

from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers.activity_kinds import ACTIVITY_KINDS
from infusion_calc.core.numbers.units import (
    DoseBasis,
    DoseOrder,
    Measure,
    VialSize,
    kind_defined,
    unit_symbol,
)

_GENERIC = {"unit": "this code's own units", "IU": "this code's own IU", "usp_unit": "USP units"}


def measured_in(unit: str) -> str:
    """'units of onabotulinumtoxinA (its own units: not IU, not a mass,
    not another product's units)'."""
    if unit in _GENERIC:
        return _GENERIC[unit]
    if unit in ACTIVITY_KINDS:
        substance, _, word = unit.rpartition("_")
        printed = ACTIVITY_KINDS[unit][1]
        return (
            f"{printed} of {substance.replace('_', ' ')} "
            f"({'its own ' + printed if word == 'unit' else printed}: "
            "never a mass, nor another product's units)"
        )
    return {"mg": "mass (mg)", "mL": "volume (mL)"}.get(unit, unit)


def example(unit: str) -> str:
    if unit in ACTIVITY_KINDS:
        return f"60 {ACTIVITY_KINDS[unit][1]}"
    return {"mL": "500 mL"}.get(unit, "300 mg")


def bind(measure: Measure, unit: str, field: str, what: str) -> Measure:
    """`measure` as typed ("unit", "IU", "mg", "mL", with "/kg" or "/m**2") in the drug's `unit`."""
    typed, slash, per = measure.unit.partition("/")
    if unit in ACTIVITY_KINDS:
        if typed in ACTIVITY_KINDS[unit][2] and kind_defined(unit):
            return Measure(measure.value, unit + slash + per, measure.text)
    elif typed == unit:
        return measure
    shown = measure.text or str(measure)
    raise InputError(
        field,
        f"{what} is measured in {measured_in(unit)}, "
        f"so '{shown}' cannot be used. Enter e.g. {example(unit)}.",
    )


def bind_vial(size: VialSize, unit: str, what: str) -> VialSize:
    """A typed vial size in the drug's unit; a bag or
    vial of a code billed by volume holds its volume."""
    strength = bind(size.strength, unit, "vial", what)
    return VialSize(strength, strength if strength.unit == "mL" else size.volume)


def step_unit(unit: str) -> str | None:
    """The unit figure of a calculation step: left out for mg (the sentences' default),
    so mass steps read as before."""
    return None if unit == "mg" else unit_symbol(unit)


def fits_listed(listed: str, unit: str) -> bool:
    """Whether an entry measured in `unit` can bill a code
    CMS lists in `listed` ("mg", "mL", or a generic kind).

    CMS's generic "unit" or "IU" is the code's own unit: an entry may name the exact kind
    (Botox's onabotulinumtoxinA_unit for "1 UNIT"), as long as a person types that kind the
    same way. A mass never fits units, nor units a mass.
    """
    if listed in ACTIVITY_KINDS and unit in ACTIVITY_KINDS:
        return listed == unit or listed in ACTIVITY_KINDS[unit][2]
    return listed == unit


def bind_order(order: DoseOrder, unit: str, what: str) -> DoseOrder:
    """The ordered dose in the drug's unit; a volume is
    the amount itself for a code billed by volume."""
    if unit == "mL" and order.basis is DoseBasis.VOLUME:
        return DoseOrder(order.amount, DoseBasis.FLAT)
    if (
        order.basis is DoseBasis.VOLUME
    ):  # mL of a solution: converted by its concentration (mg or units per mL)
        return order
    bound = bind(order.amount, unit, "dose", what)
    return order if bound is order.amount else DoseOrder(bound, order.basis)  # unchanged: as is
