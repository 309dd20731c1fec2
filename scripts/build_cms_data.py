"""Build the packaged CMS quarters (infusion_calc/data/cms-quarters.jsonl.xz)
from ../shared/data/cms.

    python scripts/build_cms_data.py [CMS_FOLDER]
    python scripts/build_cms_data.py --compiled-only


Every quarter whose crosswalk and payment-limit files are in the folder is built, by the
same reader and pydantic models as `infusion-calc data import`, with the newest HCPCS
Level II file for the descriptors; only what the calculator needs is kept (mass-billed
HCPCS codes, their NDCs, payment limits, descriptors), and no CPT row.

Then the packaged sources (the curated catalog and these quarters) are compiled as a cache miss
compiles them and written as data/compiled-catalog.json, the cache a fresh install starts from
(catalog_cache.shipped_cache); both files' digests go into cms/sealed.py. `--compiled-only` does
that last step alone: after a change to data/catalog.toml or to the code that compiles it
(tests/test_shipped_cache.py says when).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from infusion_calc.catalog_cache import SHIPPED_FILE
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


def write_seal(packed: bytes, name: str = "PACKAGED_SHA256") -> None:
    """Record the digest of what was just validated and written:
    a cache miss trusts these bytes (cms/sealed.py)."""
    seal = ROOT / "infusion_calc" / "cms" / "sealed.py"
    text = seal.read_text(encoding="utf-8")
    start = text.index(f'{name} = "') + len(f'{name} = "')
    seal.write_text(
        text[:start] + hashlib.sha256(packed).hexdigest() + text[start + 64 :], encoding="utf-8"
    )


def write_compiled() -> None:
    """The packaged sources compiled, in a fresh process
    (its unit answers are only the compile's)."""
    code = (
        "import sys; from infusion_calc.catalog_cache import shipped_cache; "
        "sys.stdout.buffer.write(shipped_cache())"
    )
    compiled = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, check=True
    ).stdout
    target = ROOT / "infusion_calc" / "data" / SHIPPED_FILE
    target.write_bytes(compiled)
    write_seal(compiled, "COMPILED_SHA256")
    print(f"{target.relative_to(ROOT)}: {len(compiled)} bytes")


def main() -> int:
    if sys.argv[1:] == ["--compiled-only"]:
        write_compiled()
        return 0
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
    write_compiled()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
