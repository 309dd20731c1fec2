"""Generate an orders CSV for the batch benchmark: the engine mix, with patients that vary.

Each row takes one of the ten benchmark scenarios in turn, with the patient's
weight, height or BSA drawn at random (seeded, so every run reads the same file),
plus two encounter columns that pass through. One row in every 1,000 is bad on
purpose, so the error path is timed too.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from benchmarks.scenarios import SCENARIOS
from infusion_calc.core.calculation.request import CalcRequest

HEADER = (
    "encounter",
    "drug",
    "hcpcs",
    "dose",
    "weight",
    "height",
    "bsa",
    "vial",
    "round_within",
    "billing_unit",
    "date",
)


def _varied(scenario: CalcRequest, rng: random.Random) -> list[str]:
    weight = scenario.weight
    if weight and weight.endswith("kg"):
        weight = f"{rng.uniform(45, 120):.1f} kg"
    elif weight:
        weight = f"{rng.randint(100, 260)} lb"
    height = f"{rng.randint(150, 195)} cm" if scenario.height else ""
    bsa = f"{rng.uniform(1.4, 2.3):.2f} m2" if scenario.bsa else ""
    return [
        # A file names every row's drug; calc's default (Tysabri) is for a person at a keyboard.
        scenario.drug or ("" if scenario.hcpcs else "Tysabri"),
        scenario.hcpcs or "",
        scenario.dose,
        weight or "",
        height,
        bsa,
        ";".join(scenario.vials),
        scenario.round_within or "",
        scenario.billing_unit or "",
    ]


def write_orders(
    path: Path, rows: int, seed: int = 6, date_column: str = "date", month: str = "2026-10"
) -> Path:
    """`date_column` "given_at" makes each row's date its date of service
    (every line priced in `month`)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow((*HEADER[:-1], date_column))
        for index in range(rows):
            cells = _varied(SCENARIOS[index % len(SCENARIOS)], rng)
            if index % 1000 == 999:
                cells[2] = "1,5 mg"  # refused: a comma decimal
            writer.writerow([f"E{index + 1:07d}", *cells, f"{month}-{index % 28 + 1:02d}"])
    return path
