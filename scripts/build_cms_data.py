"""Build the packaged CMS quarter (infusion_calc/data/cms-<quarter>.json.gz) from ../shared/data/cms.

    python scripts/build_cms_data.py [CMS_FOLDER] [QUARTER]

Runs the same reader and pydantic models as `infusion-calc data import`, with the
HCPCS Level II file for the descriptors; only what the calculator needs is kept
(mass-billed HCPCS codes, their NDCs, payment limits, descriptors), and no CPT row.
"""

from __future__ import annotations

import sys
from pathlib import Path

from infusion_calc.cms.importer import build_quarters, read_paths
from infusion_calc.cms.store import compress

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "cms"
    label = sys.argv[2] if len(sys.argv) > 2 else "2026Q1"
    hcpcs = sorted(folder.glob("HCPC*.xlsx"))[-1]
    paths = [folder / f"asp-ndc-hcpcs-crosswalk-{label}.csv", folder / f"asp-payment-limits-{label}.csv", hcpcs]
    found = read_paths(paths)
    (quarter,) = build_quarters(found, found.hcpcs or {})
    target = ROOT / "infusion_calc" / "data" / f"cms-{label}.json.gz"
    target.write_bytes(compress(quarter.model_dump_json()))
    items = sum(len(code.items) for code in quarter.codes)
    print(f"{target.relative_to(ROOT)}: {len(quarter.codes)} codes, {items} NDCs, {target.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
