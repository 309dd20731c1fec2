"""What one save stores: the finished calculation as plain JSON-ready values.

Inputs (what was typed), the engine's JSON contract (vial plan, units, lines,
arithmetic, warnings), the chart text and the checks when given, and encounter
details when given. Objects from other parts of the app (dataclasses, pydantic
models, enums, dates, Decimals) are turned into JSON here, so the log does not
depend on their classes.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.record.check_types import Check
from infusion_calc.core.words.contract import calculation_to_dict


def plain_data(value: Any) -> Any:
    """A JSON-ready copy of `value`: dicts, lists, strings, ints, bools and None only."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, Enum):
        return plain_data(value.value)
    if isinstance(value, (Decimal, float)):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: plain_data(getattr(value, field.name))
            for field in dataclasses.fields(value)
        }
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # a NamedTuple keeps its field names
        return plain_data(value._asdict())
    if hasattr(value, "model_dump"):
        return plain_data(value.model_dump(mode="json"))
    if isinstance(value, Mapping):
        return {str(key): plain_data(item) for key, item in value.items()}
    if isinstance(value, Sequence):
        return [plain_data(item) for item in value]
    return str(value)


PATIENT_ID_MAX = 64
"""Longer than any medical record number; short enough to stay one line in `log list`."""


def clean_patient_id(value: str | None) -> str | None:
    """The identifier trimmed, or None when blank; ValueError saying what to fix.

    Like every other free-text field, it is refused when it holds control or invisible
    characters: an escape sequence stored here would be replayed by `log list`, and a
    zero-width or bidirectional mark makes two identifiers look the same.
    """
    text = value.strip() if value else ""
    if not text:
        return None
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            shown = (
                "a line break" if char in "\r\n" else f"the invisible character U+{ord(char):04X}"
            )
            raise ValueError(
                f"the patient identifier contains {shown}: type it as plain text on one line"
            )
    if len(text) > PATIENT_ID_MAX:
        raise ValueError(
            f"the patient identifier is {len(text)} characters long; at most {PATIENT_ID_MAX}"
        )
    return text


def to_json(value: Any) -> str:
    return json.dumps(plain_data(value), ensure_ascii=False, separators=(",", ":"))


@dataclasses.dataclass(frozen=True, slots=True)
class Record:
    """One row of the log, ready to insert."""

    drug: str
    hcpcs: str
    dose: str
    administered_units: int
    discarded_units: int
    inputs: str
    result: str
    claim_lines: tuple[tuple[int, str, str, int, str | None, str | None, str | None, str], ...]
    """(line, code, modifiers, units, NDC, NDC unit, NDC quantity,
    Medicare payment or "" when none)."""
    note: str | None
    checks: str | None
    encounter: str | None


def _payment_text(amount: Any) -> str:
    """The payment as the saved result's JSON has it (a string), "" for
    none: stored beside the line, so an export reads it without parsing
    the whole result (entries saved before this have NULL there)."""
    return "" if amount is None else str(plain_data(amount))


def record_for(
    calc: Calculation,
    note: str | None = None,
    checks: Sequence[Check] | None = None,
    encounter: Mapping[str, Any] | None = None,
) -> Record:
    result = calculation_to_dict(calc)
    lines = tuple(
        (
            number,
            line["hcpcs"],
            " ".join(line["modifiers"]),
            line["units"],
            line["ndc"],
            line["ndc_unit"],
            line["ndc_quantity"],
            _payment_text(line.get("medicare_payment")),
        )
        for number, line in enumerate(result["lines"], start=1)
    )
    return Record(
        drug=calc.drug.display_name,
        hcpcs=calc.drug.hcpcs,
        dose=result["dose"],
        administered_units=calc.billing.administered_units,
        discarded_units=calc.billing.discarded_units,
        inputs=to_json(calc.request),
        result=to_json(result),
        claim_lines=lines,
        note=note,
        checks=to_json([check.to_dict() for check in checks]) if checks is not None else None,
        encounter=to_json(encounter) if encounter is not None else None,
    )
