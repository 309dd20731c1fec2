"""`infusion-calc catalog confirm-container`: keep, once per product,
whether a vial is single- or multi-dose.

CMS's files do not say; the person holding the carton does. The answer goes into the site
catalog as a `[[container]]` table with who confirmed it and today's date, so no later
calculation for that code and vial size asks again. The file is checked as a whole before
it is replaced, so a failed write or a bad answer leaves it as it was.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from infusion_calc.cli.common import fail
from infusion_calc.cli.options import CommandOptions
from infusion_calc.core.catalog.catalog import parse_catalog
from infusion_calc.core.catalog.container import (
    ConfirmedContainer,
    confirmed_toml,
    parse_confirmed_containers,
)
from infusion_calc.core.errors import CatalogError
from infusion_calc.locations import site_catalog_path
from infusion_calc.site_files import present, read_site_file
from infusion_calc.unit_definitions import use_packaged_units


def register(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = actions.add_parser(
        "confirm-container",
        help="keep single-dose or multi-dose for a product in the site catalog",
        description="Add a [[container]] table to the site catalog: the code, the vial strength, "
        "what the carton says and who read it (dated today). Calculations for that product then "
        "bill JW/JZ (or neither) without asking.",
    )
    parser.add_argument("--hcpcs", required=True, help="the code, e.g. Q5126")
    parser.add_argument("--strength", required=True, help='the vial strength, e.g. "400 mg"')
    parser.add_argument(
        "--container",
        required=True,
        metavar="KIND",
        help="single-dose or multi-dose, as the carton says",
    )
    parser.add_argument("--confirmed-by", required=True, metavar="NAME", help="who read the carton")
    parser.add_argument(
        "--catalog",
        metavar="PATH",
        help="site catalog file; default: catalog.toml in the config folder",
    )
    parser.set_defaults(run=run)


@dataclass(frozen=True, kw_only=True)
class ConfirmOptions(CommandOptions):
    """`catalog confirm-container`'s options: the product, what its carton says and who read it."""

    hcpcs: str
    strength: str
    container: str
    confirmed_by: str


def run(namespace: argparse.Namespace) -> int:
    options = ConfirmOptions.read(namespace)
    use_packaged_units()  # the answer's strength and the file's amounts are parsed
    path = Path(options.catalog) if options.catalog else site_catalog_path()
    try:
        raw = {
            "hcpcs": options.hcpcs,
            "strength": options.strength,
            "container": options.container,
            "confirmed_by": options.confirmed_by,
            "confirmed_on": date.today(),
        }
        entry: ConfirmedContainer = parse_confirmed_containers([raw], "the answer")[0]
        before = read_site_file(path) if present(path) else ""
        after = (
            before + ("" if before.endswith("\n") or not before else "\n") + confirmed_toml(entry)
        )
        parse_catalog(
            after, str(path)
        )  # the whole file must still load: a duplicate or a bad table is refused here
    except CatalogError as error:
        return fail(str(error))
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(after, encoding="utf-8")
    os.replace(temporary, path)  # all or nothing: the catalog is never half written
    sys.stdout.write(f"kept: {entry.source.replace('(site catalog)', f'in {path}')}\n")
    return 0
