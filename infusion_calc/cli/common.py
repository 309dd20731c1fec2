"""Pieces every subcommand shares: the catalog option and turning core errors into `error:` lines."""

from __future__ import annotations

import argparse
import sys

from infusion_calc.cli.exits import one_line
from infusion_calc.core.errors import InputError

# Loading lives at the edge (infusion_calc/loading.py) so the app shares it without importing the CLI.
from infusion_calc.loading import catalog_for, quarters_for, site_policy  # noqa: F401  (re-exported for the subcommands)

# Core field names -> the option a CLI user typed, so the error points at it.
OPTION_FOR_FIELD = {
    "dose": "--dose", "drug": "--drug", "hcpcs": "--hcpcs", "vial": "--vial", "weight": "--weight",
    "height": "--height", "bsa": "--bsa", "round_within": "--round-within", "billing_unit": "--billing-unit",
    # encounter fields (core/encounter.py, options in cli/encounter_options.py)
    "given_at": "--given-at", "site": "--site", "nurse": "--nurse", "provider": "--provider", "dx": "--dx",
    "payer": "--payer", "prior_auth": "--pa", "lots": "--lot", "expires": "--expires",
    "waste_reason": "--waste-reason", "waste_witness": "--witness", "start": "--start", "stop": "--stop",
    "events": "--events", "dose_given": "--dose-given", "stop_reason": "--stop-reason", "iv_site": "--iv-site",
    "premeds": "--premeds", "rate_changes": "--rate-changes", "observation": "--observation",
    "diluent": "--diluent", "filter": "--filter",
}


def add_catalog_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--catalog", metavar="PATH", default=argparse.SUPPRESS,
        help="site catalog file (TOML) to add to the packaged catalog; default: catalog.toml in the config folder",
    )


def fail(message: str) -> int:
    sys.stderr.write(f"error: {one_line(message)}\n")
    return 2


def describe_input_error(error: InputError) -> str:
    option = OPTION_FOR_FIELD.get(error.field)
    return f"{option}: {error.message}" if option else error.message
