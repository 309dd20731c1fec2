"""A visit as one administration-log entry: every drug line and administration line,
the visit's note and checks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from infusion_calc.core.checks.claim_invariants import require_valid_claim_lines
from infusion_calc.core.visit.visit import VisitResult, combined_checks, visit_note, visit_to_dict
from infusion_calc.core.words.contract import calculation_to_dict
from infusion_calc.log.record import Record, to_json
from infusion_calc.log.store import SavedEntry, save

if TYPE_CHECKING:
    from infusion_calc.core.pipeline.site_config import SiteConfig
    from infusion_calc.log.location import LogLocation


def _payment(amount: object) -> str:
    return "" if amount is None else str(amount)


def record_for_visit(result: VisitResult) -> Record:
    """One row for the whole visit; its `result` is the visit's JSON
    (drugs, administrations, codes)."""
    drugs = result.drugs
    lines = [
        (
            line["hcpcs"],
            " ".join(line["modifiers"]),
            line["units"],
            line["ndc"],
            line["ndc_unit"],
            line["ndc_quantity"],
            _payment(line.get("medicare_payment")),
        )
        for drug in drugs
        for line in calculation_to_dict(drug.calc)["lines"]
    ]
    lines += [
        (line.code, " ".join(line.modifiers), line.units, None, None, None, "")
        for line in result.codes.lines
    ]
    spec = result.spec
    return Record(
        drug="visit: " + ", ".join(drug.calc.drug.display_name for drug in drugs),
        hcpcs=" ".join(dict.fromkeys(drug.calc.drug.hcpcs for drug in drugs)),
        dose="; ".join(str(drug.calc.order.amount) for drug in drugs),
        administered_units=sum(drug.calc.billing.administered_units for drug in drugs),
        discarded_units=sum(drug.calc.billing.discarded_units for drug in drugs),
        inputs=to_json(
            {
                "encounter": spec.encounter,
                "administrations": [item.values for item in spec.administrations],
            }
        ),
        result=to_json(visit_to_dict(result)),
        claim_lines=tuple((number, *line) for number, line in enumerate(lines, start=1)),
        note=visit_note(result),
        checks=to_json([check.to_dict() for check in combined_checks(result)]),
        encounter=to_json(spec.encounter),
    )


def save_visit(
    result: VisitResult,
    *,
    config: SiteConfig | None = None,
    path: LogLocation | None = None,
    entry_uuid: str | None = None,
) -> SavedEntry:
    """The visit as one log entry, each drug's lines checked as a single save checks them
    (ClaimLineError, nothing saved); LogError when the log cannot take it. The CLI's `visit
    --save` and the app's F6."""
    for drug in result.drugs:
        require_valid_claim_lines(drug.calc, "saved")
    return save(
        result.drugs[0].calc,
        record=record_for_visit(result),
        config=config,
        path=path,
        entry_uuid=entry_uuid,
    )
