"""One chart note for a visit: the encounter once, then each administration in time order with its
dose, vials, waste and claim lines (the single-drug note's own sections,
core/pipeline/documentation.py), then the visit's administration codes and the signatures once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from infusion_calc.core.checks.admin_codes import describe_minutes
from infusion_calc.core.pipeline.documentation import (
    _claim_line,
    _dose,
    _preparation,
    _signatures,
    _vials,
    _waste,
)
from infusion_calc.core.record.encounter_fields import FIELD
from infusion_calc.core.words.labels import line_brief

if TYPE_CHECKING:
    from infusion_calc.core.visit.visit import AdministrationResult, VisitResult

SETTING_WORDS = {"office": "physician office", "hospital": "hospital outpatient department"}


def _heading(item: AdministrationResult) -> str:
    spec = item.spec
    start, stop = spec.text("start"), spec.text("stop")
    minutes = (
        spec.minutes("stop") - spec.minutes("start")  # type: ignore[operator]
        if start and stop
        else None
    )
    when = (
        f"{start}-{stop} ({describe_minutes(minutes)})"
        if minutes is not None
        else (f"{start or 'start not recorded'}-{stop or 'stop not recorded'}")
    )
    route = (
        f"IV {spec.values['route']}"
        if spec.values["route"] in ("infusion", "push")
        else spec.values["route"]
    )
    name = (
        f"{item.drug.calc.drug.display_name}, HCPCS {item.drug.calc.drug.hcpcs}"
        if item.drug is not None
        else "hydration"
    )
    site = f", IV site {spec.text('iv_site')}" if spec.text("iv_site") else ""
    return f"{when}  {name}, {route}{site}"


def _body(item: AdministrationResult) -> list[str]:
    if item.drug is None:
        return []
    calc, encounter = item.drug.calc, item.drug.encounter
    lines = [
        *_dose(calc, encounter),
        *_vials(calc, encounter),
        *_preparation(calc, encounter),
        _waste(calc, encounter),
        "Claim lines:",
    ]
    lines += [f"  {_claim_line(line)}" for line in calc.lines]
    return [f"  {line}" for line in lines]


def visit_note_text(result: VisitResult, in_order: Sequence[AdministrationResult]) -> str:
    encounter = result.spec.encounter
    out = [
        "Visit administration note",
        f"Date of service: {encounter['date']}",
        f"Setting: {SETTING_WORDS[encounter['setting']]}",
    ]
    shared = ("dx", "payer", "site", "provider", "nurse")  # labelled as the chart note labels them
    out += [f"{FIELD[key].in_chart}: {encounter[key]}" for key in shared if encounter.get(key)]
    out.append(f"Administrations ({len(in_order)}, in time order):")
    for number, item in enumerate(in_order, start=1):
        out.append(f"{number}. {_heading(item)}")
        out += _body(item)
    out.append("Administration codes:")
    out += [
        f"  {line_brief(line.code, line.modifiers, line.units)}" for line in result.codes.lines
    ] or ["  none"]
    out += _signatures(result.drugs[0].encounter) if result.drugs else []
    return "\n".join(out) + "\n"
