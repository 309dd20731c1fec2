"""`infusion-calc data import PATH...` and `infusion-calc data status`:
CMS quarters for the catalog and payments."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from infusion_calc.catalog_cache import load
from infusion_calc.cli.common import fail
from infusion_calc.cli.options import CommandOptions
from infusion_calc.cms.changes import change
from infusion_calc.cms.importer import build_quarters, read_paths
from infusion_calc.cms.store import (
    import_lock,
    packaged_descriptors,
    save_descriptors,
    save_quarter,
    stored_descriptors,
)
from infusion_calc.core.errors import CatalogError, InputError

if TYPE_CHECKING:
    from infusion_calc.cms.importer import Found
    from infusion_calc.cms.models import Quarter


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "data",
        help="import CMS's quarterly drug files, or show which quarters are loaded",
        description=(
            "CMS's ASP NDC-HCPCS crosswalk and payment-limit files (and the HCPCS Level II file)."
        ),
    )
    actions = parser.add_subparsers(
        dest="action", metavar="ACTION", required=True, parser_class=type(parser)
    )
    importing = actions.add_parser(
        "import",
        help="read CMS zips or files and keep them in the user data folder",
        description=(
            "Read the quarterly ASP zip files as CMS publishes them (or the CSV files inside them: "
            "the NDC-HCPCS crosswalk and the payment-limit file of the same quarter), and "
            "optionally the HCPCS Level II xlsx for the descriptors. Nothing is written unless "
            "every file given can be read and proved whole; each import says which codes it adds "
            "to and removes from the quarter it replaces."
        ),
    )
    importing.add_argument(
        "paths", nargs="+", metavar="PATH", type=Path, help="a .zip, .csv or HCPC*.xlsx file"
    )
    importing.add_argument(
        "--replace",
        action="store_true",
        help=(
            "replace a stored quarter even if the new files lose "
            "more than 3%% of its codes (the summary lists them)"
        ),
    )
    importing.set_defaults(run=run_import)
    status = actions.add_parser("status", help="list the quarters loaded and their effective dates")
    status.add_argument("--json", action="store_true", help="print the quarters as JSON")
    status.add_argument(
        "--refused",
        action="store_true",
        help="also list every code CMS lists that was not imported, with the reason",
    )
    status.set_defaults(run=run_status)


@dataclass(frozen=True, kw_only=True)
class ImportOptions(CommandOptions):
    """`data import`'s options: the files, and whether a large loss of codes may replace a
    quarter."""

    paths: tuple[Path, ...]
    replace: bool = False


def run_import(namespace: argparse.Namespace) -> int:
    options = ImportOptions.read(namespace)
    try:
        found = read_paths(list(options.paths))
        descriptors = found.hcpcs or stored_descriptors() or packaged_descriptors()
        quarters = build_quarters(found, descriptors)
        with (
            import_lock()
        ):  # compared with what is stored and written with no other import in between
            changes = [
                change(quarter, quarter.sources[0].file, options.replace) for quarter in quarters
            ]
            out = _store(found, quarters)
    except InputError as error:
        return fail(error.message)
    except ValidationError as error:
        return fail(f"the files read do not make a valid quarter: {error.errors()[0]['msg']}")
    out.extend(each.describe() for each in changes)
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _store(found: Found, quarters: list[Quarter]) -> list[str]:
    """Write what was read (every check already passed) and say what was written."""
    out = [f"skipped {name}: not an ASP crosswalk or payment-limit table" for name in found.skipped]
    if found.hcpcs is not None:
        path = save_descriptors(found.hcpcs)
        out.append(
            f"HCPCS descriptors: {len(found.hcpcs)} codes from {found.hcpcs_file} -> {path} "
            "(used by this import and the next ones)"
        )
    for quarter in quarters:
        path = save_quarter(quarter.model_dump_json(), quarter.quarter)
        items = sum(len(code.items) for code in quarter.codes)
        priced = sum(1 for code in quarter.codes if code.payment_limit is not None)
        out.append(
            f"{quarter.quarter} (effective {quarter.effective_from} to {quarter.effective_to}): "
            f"{len(quarter.codes)} codes, {items} NDCs, {priced} with a payment limit -> {path}"
        )
        refused = sum(quarter.refused.values())
        out.append(f"  rows not imported: {refused}")
        out.extend(f"    {count:>6}  {reason}" for reason, count in quarter.refused.items())
        if quarter.kept:
            out.append(f"  rows imported with a notice: {sum(quarter.kept.values())}")
            out.extend(f"    {count:>6}  {notice}" for notice, count in quarter.kept.items())
    return out


def quarters_as_dicts() -> list[dict[str, Any]]:
    return [
        {
            "quarter": quarter.quarter,
            "effective_from": quarter.effective_from.isoformat(),
            "effective_to": quarter.effective_to.isoformat(),
            "origin": quarter.origin,
            "codes": quarter.code_count,
            "ndcs": quarter.ndc_count,
            "priced_codes": len(quarter.prices),
            "sources": list(quarter.sources),
            "refused_codes": dict(quarter.refused_codes),
        }
        for quarter in load().quarters
    ]


@dataclass(frozen=True, kw_only=True)
class StatusOptions(CommandOptions):
    """`data status`'s options: JSON, and whether to list the codes not imported."""

    json: bool = False
    refused: bool = False


def run_status(namespace: argparse.Namespace) -> int:
    options = StatusOptions.read(namespace)
    try:
        quarters = quarters_as_dicts()
    except CatalogError as error:
        return fail(str(error))
    if options.json:
        json.dump({"quarters": quarters}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not quarters:
        sys.stdout.write(
            "No CMS quarter loaded: import one with 'infusion-calc data import PATH...'.\n"
        )
        return 0
    for quarter in quarters:
        sys.stdout.write(
            f"{quarter['quarter']}  {quarter['effective_from']} to {quarter['effective_to']}  "
            f"{quarter['origin']:<8}  {quarter['codes']} codes, {quarter['ndcs']} NDCs, "
            f"{quarter['priced_codes']} priced\n"
        )
        if options.refused:
            refused = quarter["refused_codes"]
            sys.stdout.write(f"  {len(refused)} codes not imported:\n")
            sys.stdout.writelines(f"    {code}  {reason}\n" for code, reason in refused.items())
    return 0
