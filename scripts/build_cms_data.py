"""Build the packaged CMS quarters
(infusion_calc/data/cms-quarters.jsonl.xz) from ../shared/data/cms.

    python scripts/build_cms_data.py [CMS_FOLDER]

Every quarter whose crosswalk and payment-limit files are in the folder is built, by the
same reader and pydantic models as `infusion-calc data import`, with the newest HCPCS
Level II file for the descriptors; only what the calculator needs is kept (mass-billed
HCPCS codes, their NDCs, payment limits, descriptors), and no CPT row.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from infusion_calc.cms.importer import build_quarters, read_paths
from infusion_calc.cms.models import Quarter
from infusion_calc.cms.store import PACKAGED_FILE, pack_quarters
from infusion_calc.unit_definitions import use_packaged_units

ROOT = Path(__file__).resolve().parent.parent


def build(folder: Path) -> list[Quarter]:
    """Every quarter in the folder, oldest first."""
    hcpcs = sorted(folder.glob("HCPC*.xlsx"))[-1]
    labels = sorted(
        path.name.removeprefix("asp-ndc-hcpcs-crosswalk-").removesuffix(".csv")
        for path in folder.glob("asp-ndc-hcpcs-crosswalk-*.csv")
    )
    descriptors = read_paths([hcpcs]).hcpcs or {}
    quarters = []
    for label in labels:
        found = read_paths(
            [
                folder / f"asp-ndc-hcpcs-crosswalk-{label}.csv",
                folder / f"asp-payment-limits-{label}.csv",
            ]
        )
        quarters.extend(build_quarters(found, descriptors))
    return quarters


def write_seal(packed: bytes) -> None:
    """Record the digest of what was just validated and written:
    a cache miss trusts these bytes (cms/sealed.py)."""
    seal = ROOT / "infusion_calc" / "cms" / "sealed.py"
    text = seal.read_text(encoding="utf-8")
    start = text.index('PACKAGED_SHA256 = "') + len('PACKAGED_SHA256 = "')
    seal.write_text(
        text[:start] + hashlib.sha256(packed).hexdigest() + text[start + 64 :], encoding="utf-8"
    )


def main() -> int:
    # CMS's billing units are parsed by the core, with the definitions handed over
    use_packaged_units()
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "cms"
    quarters = build(folder)
    target = ROOT / "infusion_calc" / "data" / PACKAGED_FILE
    packed = pack_quarters([quarter.model_dump_json() for quarter in quarters])
    target.write_bytes(packed)
    write_seal(packed)
    for quarter in quarters:
        items = sum(len(code.items) for code in quarter.codes)
        print(f"{quarter.quarter}: {len(quarter.codes)} codes, {items} NDCs")
    print(f"{target.relative_to(ROOT)}: {len(quarters)} quarters, {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
