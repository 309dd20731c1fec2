"""Pieces every subcommand shares: the catalog option and turning core errors into `error:` lines."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from infusion_calc.cli.exits import one_line
from infusion_calc.core.catalog import Catalog
from infusion_calc.core.check_types import SitePolicy
from infusion_calc.core.errors import InputError
from infusion_calc.core.files import present
from infusion_calc.locations import site_catalog_path

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


def site_policy() -> SitePolicy:
    """The site's check policy from config.toml (340B, waste witness, complex codes), else the defaults.

    Read only when the file is there: the config model needs pydantic (~60 ms), which a site
    without a config file should not pay on every run.
    """
    from infusion_calc.locations import site_config_path

    if not present(site_config_path()):
        return SitePolicy()
    from infusion_calc.core.site_config import site_check_policy

    return site_check_policy()


def add_catalog_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--catalog", metavar="PATH", default=argparse.SUPPRESS,
        help="site catalog file (TOML) to add to the packaged catalog; default: catalog.toml in the config folder",
    )


def _compiled(options: argparse.Namespace):
    """The catalog and CMS quarters for this command, loaded once (the calculation and the checks share them)."""
    cached = getattr(options, "_compiled", None)
    if cached is None:
        from infusion_calc.catalog_cache import load

        given = getattr(options, "catalog", None)
        default = site_catalog_path()
        # A folder, named pipe or broken link there is reported by the catalog reader, not skipped.
        cached = options._compiled = load(Path(given) if given else (default if present(default) else None))
    return cached


def catalog_for(options: argparse.Namespace) -> Catalog:
    """The packaged catalog plus the site file given (or the one in the config folder) and CMS's codes."""
    return _compiled(options).catalog


def quarters_for(options: argparse.Namespace) -> list:
    """The CMS quarters loaded (packaged and imported), oldest first."""
    return list(_compiled(options).quarters)


def fail(message: str) -> int:
    sys.stderr.write(f"error: {one_line(message)}\n")
    return 2


def describe_input_error(error: InputError) -> str:
    option = OPTION_FOR_FIELD.get(error.field)
    return f"{option}: {error.message}" if option else error.message
