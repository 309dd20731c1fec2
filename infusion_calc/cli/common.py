"""Pieces every subcommand shares: the catalog option and turning core errors into `error:`
lines."""

from __future__ import annotations

import argparse
import sys

from infusion_calc.cli.exits import one_line
from infusion_calc.core.errors import InputError
from infusion_calc.core.record.encounter_fields import ENCOUNTER_FIELDS

# Core field names -> the option a CLI user typed, so the error points at it.
OPTION_FOR_FIELD = {
    "dose": "--dose",
    "drug": "--drug",
    "hcpcs": "--hcpcs",
    "vial": "--vial",
    "weight": "--weight",
    "height": "--height",
    "bsa": "--bsa",
    "round_within": "--round-within",
    "billing_unit": "--billing-unit",
    "container": "--container",
    # encounter fields: each one's option, from the field table
    **{field.name: field.flag for field in ENCOUNTER_FIELDS},
}


def add_catalog_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--catalog",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help=(
            "site catalog file (TOML) to add to the packaged "
            "catalog; default: catalog.toml in the config folder"
        ),
    )


def fail(message: str) -> int:
    sys.stderr.write(f"error: {one_line(message)}\n")
    return 2


def describe_input_error(error: InputError) -> str:
    option = OPTION_FOR_FIELD.get(error.field)
    return f"{option}: {error.message}" if option else error.message
