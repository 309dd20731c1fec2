"""The log's entries as the report's records
(core/report/report_records.py): read, decoded, nothing identifying.

Reads through `AdministrationLog.report_rows()` (no patient identifier, no chart note is
even fetched) and decodes only the fields the report uses with msgspec: on 100,000
entries that is about a third of the time `json.loads` of the whole result takes.
An entry that cannot be read (a hand-edited log) is skipped and its id returned, so the
report says how many it left out.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import msgspec

from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers.units import format_amount, parse_amount, parse_vial_size
from infusion_calc.core.report.report_records import SavedAdministration, SavedLine
from infusion_calc.log.reader import AdministrationLog


class _Line(msgspec.Struct):
    modifiers: list[str]
    units: int
    medicare_payment: str | None = None


class _Vial(msgspec.Struct):
    strength: str
    count: int
    container: str = "single-dose"


class _Payment(msgspec.Struct):
    limit_per_unit: str | None = None


class _Result(msgspec.Struct):
    hcpcs: str
    drug: str
    billing_unit: str
    dose: str
    vials: list[_Vial]
    labeled_amount: str
    administered_units: int
    discarded_units: int
    discarded_amount: str
    lines: list[_Line]
    brand: str | None = None
    dose_given: str | None = None
    single_dose: bool = True
    payment: _Payment | None = None


class _Inputs(msgspec.Struct):
    vials: list[str] = []


class _Check(msgspec.Struct):
    code: str
    severity: str


class _Encounter(msgspec.Struct):
    given_at: str | None = None
    payer: str | None = None
    waste_reason: str | None = None


_RESULT = msgspec.json.Decoder(_Result)
_INPUTS = msgspec.json.Decoder(_Inputs)
_CHECKS = msgspec.json.Decoder(list[_Check] | None)
_ENCOUNTER = msgspec.json.Decoder(_Encounter | None)


class Unreadable(ValueError):
    """An entry the report cannot use (a hand-edited log)."""


# Amounts and payments repeat from entry to entry (the
# same doses, vials and prices): each text is read once.
_amounts: dict[str, tuple[Decimal, str]] = {}
_payments: dict[str, Decimal] = {}
_CACHED = 100_000
_TEXTS_CACHED = 8_192
"""Saved results and checks kept by their text (a few KB each): about 20 MB at most."""


def saved_amount(text: str) -> tuple[Decimal, str]:
    """An amount as the engine saved it ("365 mg", "60
    units", "3540 IU", "250 mL", "1 dose") and its unit.

    Read by the strict parser that reads typed amounts, so whatever it writes reads back
    and anything else is refused, not guessed. Never converted: units stay units.
    """
    found = _amounts.get(text)
    if found is None:
        try:
            measure = parse_amount(text, "saved amount", zero_ok=True)
        except InputError as error:
            raise Unreadable(
                f"an amount the report cannot read: {text!r} ({error.message})"
            ) from None
        found = (measure.value, measure.unit)
        if len(_amounts) < _CACHED:
            _amounts[text] = found
    return found


def _in_unit(texts: tuple[str, ...]) -> tuple[tuple[Decimal, ...], str]:
    """The entry's amounts and the one unit they are all in (an entry never mixes mg and units)."""
    read = [saved_amount(text) for text in texts]
    units = {unit for _, unit in read}
    if len(units) != 1:
        raise Unreadable(f"amounts in different units in one entry: {', '.join(texts)}")
    return tuple(value for value, _ in read), units.pop()


def _money(text: str | None) -> Decimal | None:
    if text is None:
        return None
    value = _payments.get(text)
    if value is None:
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise Unreadable(f"a payment the report cannot read: {text!r}") from None
        if not value.is_finite():
            raise Unreadable(f"a payment the report cannot read: {text!r}")
        if len(_payments) < _CACHED:
            _payments[text] = value
    return value


def _lines(lines: list[_Line]) -> tuple[SavedLine, ...]:
    return tuple(
        SavedLine(tuple(line.modifiers), line.units, _money(line.medicare_payment))
        for line in lines
    )


@lru_cache(maxsize=1024)
def _typed_strength(text: str) -> tuple[Decimal, str]:
    try:
        strength = parse_vial_size(text).strength
    except InputError as error:
        raise Unreadable(
            f"a typed vial size the report cannot read: {text!r} ({error.message})"
        ) from None
    return strength.value, strength.unit


def _typed_strengths(typed: list[str], unit: str) -> tuple[Decimal, ...]:
    """The typed vial sizes, in the entry's unit; a size in another unit cannot be planned from."""
    sizes = [_typed_strength(text) for text in typed]
    if any(size_unit != unit for _, size_unit in sizes):
        raise Unreadable(f"a typed vial size not in the entry's unit ({unit}): {', '.join(typed)}")
    return tuple(sorted({value for value, _ in sizes}))


def catalog_strengths(
    catalog: Catalog, single_dose: bool = True
) -> dict[tuple[str, str], tuple[Decimal, ...]]:
    """Every code's vial sizes of one container kind, keyed by (code,
    unit) as a saved entry reads its amounts.

    The unit is the one the strict parser reads back from the size as the engine prints it
    ("mg", "mL", "unit", "IU", "dose"), so an entry is only ever planned from sizes in its own unit.
    """
    kind = "single-dose" if single_dose else "multi-dose"
    found: dict[tuple[str, str], set[Decimal]] = {}
    for hcpcs in catalog.codes():
        drug = catalog.by_code(hcpcs)
        for product in drug.products if drug else ():
            if product.container == kind:
                value, unit = saved_amount(
                    format_amount(product.strength.value, product.strength.unit)
                )
                found.setdefault((hcpcs, unit), set()).add(value)
    return {key: tuple(sorted(sizes)) for key, sizes in found.items()}


@lru_cache(maxsize=4096)
def _given_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None  # an unreadable date given: the day it was saved stands in


def _day(saved_at: str, encounter: _Encounter | None) -> date:
    given = _given_day(encounter.given_at) if encounter is not None and encounter.given_at else None
    return given or datetime.fromisoformat(saved_at).astimezone().date()


_Figures = tuple[Any, ...]
_by_result: dict[tuple[str, str], _Figures] = {}


def _result_figures(
    result_text: str, inputs_text: str, strengths: Mapping[tuple[str, str], tuple[Decimal, ...]]
) -> _Figures:
    """The record's fields from the saved result and inputs, read once per distinct text
    (fixed doses repeat)."""
    key = (result_text, inputs_text)
    cached = _by_result.get(key)
    if cached is not None:
        return cached
    try:
        result = _RESULT.decode(result_text)
        typed = _INPUTS.decode(inputs_text).vials
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise Unreadable(str(error)) from None
    texts = (result.billing_unit, result.dose, result.labeled_amount, result.discarded_amount)
    (unit_amount, dose, labeled, discarded, *given), unit = _in_unit(
        texts + ((result.dose_given,) if result.dose_given else ())
    )
    figures = (
        result.hcpcs,
        f"{result.drug} ({result.brand})" if result.brand else result.drug,
        unit_amount,
        dose,
        labeled,
        discarded,
        result.administered_units,
        result.discarded_units,
        result.single_dose,
        _lines(result.lines),
        sum(vial.count for vial in result.vials),
        given[0] if given else None,
        _money(result.payment.limit_per_unit if result.payment else None),
        _typed_strengths(typed, unit) if typed else strengths.get((result.hcpcs, unit), ()),
        unit,
    )
    if len(_by_result) < _TEXTS_CACHED:
        _by_result[key] = figures
    return figures


_by_checks: dict[str, tuple[bool, tuple[str, ...]]] = {}


def _findings(checks_text: str | None) -> tuple[bool, tuple[str, ...]] | None:
    """(waste undocumented, codes of the errors) from the saved checks; None when none were saved.

    The same findings are saved again and again (the same drug, the same gaps): read once per text.
    """
    if checks_text is None:
        return None
    found = _by_checks.get(checks_text)
    if found is None:
        try:
            checks = _CHECKS.decode(checks_text)
        except (msgspec.DecodeError, msgspec.ValidationError) as error:
            raise Unreadable(str(error)) from None
        if checks is None:
            return None
        found = (
            any(check.code == "WASTE_UNDOCUMENTED" for check in checks),
            tuple(sorted(check.code for check in checks if check.severity == "error")),
        )
        if len(_by_checks) < _TEXTS_CACHED:
            _by_checks[checks_text] = found
    return found


def record_from(
    row: tuple[int, str, str, str, str | None, str | None],
    strengths: Mapping[tuple[str, str], tuple[Decimal, ...]],
) -> SavedAdministration:
    """One stored row as a report record; Unreadable when a field is not what the engine writes."""
    entry_id, saved_at, inputs_text, result_text, checks_text, encounter_text = row
    (
        hcpcs,
        drug,
        unit,
        dose,
        labeled,
        discarded,
        administered_units,
        discarded_units,
        single_dose,
        lines,
        vial_count,
        given,
        limit,
        planned,
        amount_unit,
    ) = _result_figures(result_text, inputs_text, strengths)
    try:
        encounter = _ENCOUNTER.decode(encounter_text or "null")
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise Unreadable(str(error)) from None
    found = _findings(checks_text)
    # Saved without checks: the waste is undocumented unless a waste reason was typed.
    undocumented, errors = (
        found if found is not None else (not (encounter and encounter.waste_reason), ())
    )
    return SavedAdministration(
        entry_id,
        _day(saved_at, encounter),
        hcpcs,
        drug,
        unit,
        dose,
        labeled,
        discarded,
        administered_units,
        discarded_units,
        single_dose,
        lines,
        vial_count,
        given,
        encounter.payer if encounter else None,
        limit,
        planned,
        errors,
        undocumented,
        amount_unit,
    )


def read_records(
    log: AdministrationLog, catalog: Catalog, skipped: list[int]
) -> Iterator[SavedAdministration]:
    """Every entry of the log as a record; the ids of those
    that cannot be read are appended to `skipped`."""
    single = catalog_strengths(catalog)
    for row in log.report_rows():
        try:
            yield record_from(row, single)
        except Unreadable:
            skipped.append(row[0])
