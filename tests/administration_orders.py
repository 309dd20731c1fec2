"""The orders the differential tests send through every front end, and what each front end gave,
reduced to the same plain values: claim lines, payment, check codes and the chart note.

Dates inside the packaged CMS quarter (2026Q1), so every front end can price them; the date of
service comes from `given_at`, or from a dated `start` when there is no `given_at` (the case
`calc` used to price by today).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from infusion_calc.cli import main

ORDERS: tuple[dict[str, str], ...] = (
    {"drug": "J2323", "dose": "250 mg", "start": "2026-02-02 09:40", "stop": "2026-02-02 10:45"},
    {"drug": "J2323", "dose": "300 mg", "given_at": "2026-03-02 09:00", "dx": "G35.A"},
    {"drug": "J1745", "dose": "5 mg/kg", "weight": "70 kg", "given_at": "2026-01-15 10:00"},
)
"""Engine fields (drug is the HCPCS code), then encounter fields."""

ENGINE_FIELDS = ("drug", "dose", "weight")


def contract_view(result: dict[str, Any]) -> dict[str, Any]:
    """What must agree, from a contract dict (calc --json, a saved entry's result)."""
    payment = result.get("payment")
    return {
        "lines": [
            (line["hcpcs"], tuple(line["modifiers"]), line["units"], line.get("medicare_payment"))
            for line in result["lines"]
        ],
        "payment": None if payment is None else (payment["quarter"], payment["total"]),
    }


def cli_json(
    capsys: pytest.CaptureFixture[str], order: dict[str, str], *extra: str
) -> dict[str, Any]:
    """`calc --json` for the order: the contract, the note and the checks."""
    args = ["calc", "--hcpcs", order["drug"]]
    for name, value in order.items():
        if name != "drug":
            args += [f"--{name.replace('_', '-')}", value]
    assert main([*args, "--json", *extra]) == 0
    answer: dict[str, Any] = json.loads(capsys.readouterr().out)
    return answer
