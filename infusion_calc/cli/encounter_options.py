"""`infusion-calc calc` encounter options: details for the chart note and the pre-submission checks.

Thin: the options are built from the field table (core/record/encounter_fields.py), and the text
typed goes to core.record.encounter's strict parsers unchanged, so a malformed date, time or code is
an InputError naming the field, shown as `error: --start: ...` (exit 2; cli/common.py
OPTION_FOR_FIELD takes each field's option from the same table).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from infusion_calc.core.record.encounter import Encounter, EncounterText, parse_encounter
from infusion_calc.core.record.encounter_fields import ENCOUNTER_FIELDS
from infusion_calc.core.record.encounter_row import EncounterField


def add_field_option(group: argparse._ActionsContainer, field: EncounterField) -> None:
    """One encounter field's option, as its row in the field table declares it."""
    if field.parser == "flag":
        group.add_argument(field.flag, dest=field.name, action="store_true", help=field.help)
    elif field.parser in ("lots", "expires"):  # one per vial opened
        group.add_argument(
            field.flag,
            dest=field.name,
            action="append",
            default=[],
            metavar=field.metavar,
            help=field.help,
        )
    else:
        group.add_argument(field.flag, dest=field.name, metavar=field.metavar, help=field.help)


def add_encounter_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "encounter (optional: for the chart note and the pre-submission checks; "
        "no patient identifier is needed)"
    )
    for field in ENCOUNTER_FIELDS:
        if (
            field.parser != "dose"
        ):  # the amount given is calc's own option (it changes the billed units)
            add_field_option(group, field)
    group.add_argument(
        "--note",
        action="store_true",
        help="also print the chart note and the pre-submission checks",
    )


@dataclass(frozen=True, slots=True)
class Entered:
    """The encounter as typed (kept in the log) and as parsed once
    (for the claim, the checks and the note)."""

    typed: EncounterText
    encounter: Encounter

    @property
    def details(self) -> dict[str, object] | None:
        """The fields typed, for the log; None when nothing was."""
        return {name: value for name, value in self.typed._asdict().items() if value} or None


def read_entered(typed: EncounterText) -> Entered:
    """The encounter options, parsed once; InputError naming the field for a malformed one."""
    return Entered(typed, parse_encounter(typed))
