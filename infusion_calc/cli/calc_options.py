"""What `calc` was asked, as one typed value: read from argparse's namespace once, then passed down.

argparse gives a bag of attributes any module could read or change; `calc`'s steps (the
order, the encounter, the output, the exports and the log) read this frozen value instead,
so a mistyped option name is a type error and no step changes what another one reads.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Self

from infusion_calc.cli.options import CommandOptions
from infusion_calc.core.record.encounter import EncounterText
from infusion_calc.core.record.encounter_fields import FIELD
from infusion_calc.core.record.encounter_row import EncounterField


def _typed(options: argparse.Namespace, field: EncounterField) -> str | bool | tuple[str, ...]:
    """One encounter field as EncounterText holds it: a flag, the values repeated,
    or the text ("" when absent)."""
    value = getattr(options, field.name, None)
    if field.parser == "flag":
        return bool(value)
    if field.parser in ("lots", "expires"):
        return tuple(value or ())
    return str(value or "")


@dataclass(frozen=True, kw_only=True)
class CalcOptions(CommandOptions):
    """`calc`'s options (see cli/calc.py for their help)."""

    dose: str
    drug: str | None = None
    hcpcs: str | None = None
    vials: tuple[str, ...] = ()
    weight: str | None = None
    height: str | None = None
    bsa: str | None = None
    round_within: str | None = None
    billing_unit: str | None = None
    container: str | None = None
    """single-dose or multi-dose, as the carton says, for a vial no catalog verified."""
    encounter: EncounterText = EncounterText()
    """The encounter options as typed (the amount given among them); parsed by the core."""
    json: bool = False
    note: bool = False
    format: str | None = None
    payer_rules: str | None = None
    save: bool = False
    patient_id: str | None = None
    corrects: int | None = None
    """With --save: the log entry this one corrects."""

    @property
    def wants_json(self) -> bool:
        """`--json`, or `--format json`: the same output."""
        return self.json or self.format == "json"

    @classmethod
    def read(cls, options: argparse.Namespace) -> Self:
        encounter = EncounterText._make(
            _typed(options, FIELD[name]) for name in EncounterText._fields
        )
        return cls(
            catalog=vars(options).get("catalog"),
            dose=options.dose,
            drug=options.drug,
            hcpcs=options.hcpcs,
            vials=tuple(options.vial),
            weight=options.weight,
            height=options.height,
            bsa=options.bsa,
            round_within=options.round_within,
            billing_unit=options.billing_unit,
            container=options.container,
            encounter=encounter,
            json=options.json,
            note=options.note,
            format=options.format,
            payer_rules=options.payer_rules,
            save=options.save,
            patient_id=options.patient_id,
            corrects=options.corrects,
        )
