"""Build validated quarters from the files a user downloads from CMS (zips, CSVs, the HCPCS xlsx).

Nothing here writes: `import_paths` returns what it read, and the caller stores it only
when every file given was read. A file that is unreadable or of an unknown kind is an
InputError naming it.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from infusion_calc.cms.archives import FILE_LIMIT, checked_zip
from infusion_calc.cms.hcpcs_file import read_hcpcs_xlsx
from infusion_calc.cms.models import Quarter
from infusion_calc.cms.rows import read_crosswalk, read_pricing
from infusion_calc.cms.tables import Table, read_table
from infusion_calc.core.errors import InputError
from infusion_calc.site_files import UnreadableFile, read_regular_file

PRICING_UNIT_DIFFERS = "payment file gives the code another billing unit than the crosswalk"


@dataclass
class Found:
    """The files found among the paths given, read but not yet combined."""

    tables: list[tuple[Table, str, str]] = field(default_factory=list)  # (table, file name, sha256)
    hcpcs: dict[str, dict[str, str]] | None = None
    hcpcs_file: str | None = None
    skipped: list[str] = field(default_factory=list)
    """CSV files inside a zip that are not ASP tables
    (CMS's zips also hold the NOC pricing file)."""


def _take(found: Found, name: str, data: bytes) -> None:
    lowered = name.lower()
    if lowered.endswith(".csv"):
        found.tables.append(
            (read_table(data, name), PurePath(name).name, hashlib.sha256(data).hexdigest())
        )
    elif lowered.endswith(".xlsx") and PurePath(lowered).name.startswith("hcpc"):
        found.hcpcs = read_hcpcs_xlsx(data, name)
        found.hcpcs_file = PurePath(name).name
    else:
        raise InputError(
            "file",
            f"{name}: not a file this import reads (an ASP .csv, a HCPC*.xlsx, or a zip of them)",
        )


def _member(archive: zipfile.ZipFile, name: str, member: str) -> bytes:
    try:
        return archive.read(member)
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        NotImplementedError,
        RuntimeError,
        zlib.error,
    ) as error:
        raise InputError("file", f"{name}:{member}: cannot unzip it ({error})") from None


def _read_zip(found: Found, path: Path, data: bytes) -> None:
    archive = checked_zip(data, str(path))
    taken = 0
    for member in archive.namelist():
        lowered = member.lower()
        # A CMS zip also holds PDFs and spreadsheets of the same tables:
        # only these two kinds are read.
        if lowered.endswith(".csv") or (
            lowered.endswith(".xlsx") and PurePath(lowered).name.startswith("hcpc")
        ):
            try:
                _take(found, f"{path}:{member}", _member(archive, str(path), member))
            except InputError as error:
                if not lowered.endswith(".csv") or not error.message.startswith(
                    f"{path}:{member}: not a CMS ASP"
                ):
                    raise
                found.skipped.append(
                    f"{path}:{member}"
                )  # another CMS table, not one this import reads
                continue
            taken += 1
    if not taken:
        raise InputError("file", f"{path}: the zip holds no ASP .csv file and no HCPC*.xlsx")


def read_paths(paths: list[Path]) -> Found:
    found = Found()
    for path in paths:
        try:
            # Regular files only, and bounded: a FIFO,
            # /dev/zero or a device is refused as a site file is.
            data = read_regular_file(Path(path), FILE_LIMIT)
        except UnreadableFile as problem:
            raise InputError("file", f"{path}: cannot read it: {problem}") from None
        if data[:4] == b"PK\x03\x04" and not str(path).lower().endswith(".xlsx"):
            _read_zip(found, Path(path), data)
        else:
            _take(found, str(path), data)
    return found


def build_quarters(found: Found, descriptors: dict[str, dict[str, str]]) -> list[Quarter]:
    """One quarter per crosswalk + pricing pair; a file without its partner is an error."""
    by_quarter: dict[str, dict[str, tuple[Table, str, str]]] = {}
    for table, name, digest in found.tables:
        pair = by_quarter.setdefault(table.quarter, {})
        if table.kind in pair:
            raise InputError(
                "file",
                f"{name}: a second {table.kind} file for {table.quarter} ({pair[table.kind][1]})",
            )
        pair[table.kind] = (table, name, digest)
    quarters = []
    for label, pair in sorted(by_quarter.items()):
        missing = {"crosswalk", "pricing"} - set(pair)
        if missing:
            have = next(iter(pair.values()))[1]
            wanted = (
                "NDC-HCPCS crosswalk" if "crosswalk" in missing else "payment-limit (pricing) file"
            )
            raise InputError(
                "file",
                f"{have}: {label} needs its {wanted} too; give both (CMS's quarterly zip has both)",
            )
        quarters.append(_quarter(label, pair["crosswalk"], pair["pricing"], descriptors))
    return quarters


def _quarter(
    label: str,
    crosswalk: tuple[Table, str, str],
    pricing: tuple[Table, str, str],
    descriptors: dict[str, dict[str, str]],
) -> Quarter:
    table = crosswalk[0]
    if (pricing[0].effective_from, pricing[0].effective_to) != (
        table.effective_from,
        table.effective_to,
    ):
        raise InputError("file", f"{pricing[1]}: its effective dates differ from {crosswalk[1]}'s")
    # The descriptors settle which strength a combination code's unit is billed by (cms/dosage.py).
    products, prices = read_crosswalk(table, descriptors), read_pricing(pricing[0], descriptors)
    refused = Counter(products.refused) + Counter(prices.refused)
    codes = []
    for code in sorted(set(products.codes) | set(prices.codes)):
        entry = products.codes.get(code)
        price = prices.codes.get(code)
        if (
            entry is not None
            and price is not None
            and price["billing_unit"] != entry["billing_unit"]
        ):
            refused[PRICING_UNIT_DIFFERS] += 1
            price = None
        listed = entry or price
        assert listed is not None, code  # each code comes from the crosswalk or the pricing file
        described = descriptors.get(code, {})
        codes.append(
            {
                "hcpcs": code,
                "short_description": (entry or {}).get("short_description")
                or described.get("short", ""),
                "descriptor": described.get("descriptor") or None,
                "hcpcs_added": described.get("added"),
                "hcpcs_terminated": described.get("terminated"),
                "billing_unit": listed["billing_unit"],
                "payment_limit": price["payment_limit"] if price else None,
                "coinsurance_percent": price["coinsurance_percent"] if price else None,
                "items": [
                    (
                        item["ndc"],
                        item["labeler"],
                        item["brand"],
                        item["package_size"],
                        item["package_count"],
                        item["units_per_item"],
                    )
                    for item in (entry or {}).get("items", {}).values()
                ],
            }
        )
    return Quarter.model_validate(
        {
            "quarter": label,
            "effective_from": table.effective_from,
            "effective_to": table.effective_to,
            "sources": [
                {"file": crosswalk[1], "sha256": crosswalk[2]},
                {"file": pricing[1], "sha256": pricing[2]},
            ],
            "refused": dict(sorted(refused.items(), key=lambda pair: -pair[1])),
            "kept": dict(products.kept),
            "refused_codes": {
                code: reason
                for code, reason in sorted(products.refused_codes.items())
                if code not in prices.codes
            },
            "codes": codes,
        }
    )
