"""`infusion-calc catalog list [--json]`: every code the calculator knows,
and where its facts come from."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from infusion_calc.cli import catalog_confirm
from infusion_calc.cli.common import add_catalog_option, fail
from infusion_calc.cli.options import CommandOptions
from infusion_calc.core.errors import CatalogError
from infusion_calc.core.record.safe_text import escape_controls

if TYPE_CHECKING:
    from infusion_calc.core.catalog.catalog import Catalog


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "catalog", help="list the drug codes the calculator knows, or keep a vial's container"
    )
    actions = parser.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=type(parser)
    )
    listing = actions.add_parser(
        "list",
        help="one line (or JSON object) per HCPCS code",
        description=(
            "Source: curated (packaged clinical catalog), site "
            "(your catalog file) or cms (CMS's files only)."
        ),
    )
    listing.add_argument(
        "--json", action="store_true", help="print a JSON array, one object per code"
    )
    add_catalog_option(listing)
    listing.set_defaults(run=run)

    catalog_confirm.register(actions)


def entries(catalog: Catalog) -> list[dict[str, Any]]:
    out = []
    for code in catalog.codes():
        drug = catalog.by_code(code)
        if drug is None:  # codes() lists only codes it answers for
            continue
        out.append(
            {
                "hcpcs": drug.hcpcs,
                "drug": drug.generic,
                "brands": list(drug.brands),
                "billing_unit": str(drug.billing_unit),
                "products": len(drug.products) if drug.source != "cms" else len(drug.cms_items),
                "source": drug.source,
            }
        )
    return out


@dataclass(frozen=True, kw_only=True)
class CatalogListOptions(CommandOptions):
    """`catalog list`'s options: JSON or a table."""

    json: bool = False


def run(namespace: argparse.Namespace) -> int:
    options = CatalogListOptions.read(namespace)
    try:
        listed = entries(options.context.catalog)
    except CatalogError as error:
        return fail(str(error))
    if options.json:
        json.dump(listed, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0

    for entry in listed:
        brands = ", ".join(entry["brands"][:3]) + (", ..." if len(entry["brands"]) > 3 else "")
        # Names come from CMS's files and site files: a control character in one must show, not act.
        line = (
            f"{entry['hcpcs']}  {entry['source']:<7}  {entry['billing_unit']:>8}  {entry['drug']}"
            f"{f' ({brands})' if brands else ''}  {entry['products']} products"
        )
        sys.stdout.write(escape_controls(line, keep="") + "\n")
    return 0
