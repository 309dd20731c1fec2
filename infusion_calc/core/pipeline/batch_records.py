"""A batch row's records: its pass-through cells and number, then one part per claim line with
the contract's key names (`RESULT_COLUMNS` in core/pipeline/batch.py).

What a line's part says is read from the administration alone. All of it but the patient's own
dose and dose given is read from objects the engine keeps per order and per plan (the drug, the
vials, the preparation, the billing, the option, the payment), so it is kept under them
(`kept_record_parts`): rows whose patients differ but whose doses share a plan share it.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from infusion_calc.core.calculation.kept import Kept
from infusion_calc.core.numbers.units import format_amount
from infusion_calc.core.pipeline.administration import Administration
from infusion_calc.core.words.contract import line_to_dict
from infusion_calc.core.words.labels import uses_text


class PlanRecords:
    """A plan's records' parts (`plan_parts`): what every line's record says before `dose` (the
    `head`: the code, the drug, the dose as ordered) and what each says after `dose_given` (its
    `tails`, one per claim line). Kept with them, what the CSV output wrote of them
    (cli/batch_render.py `plan_texts`): as long as the parts are kept (one per plan, shared by
    rows whose patients differ), their text is not worked out again. Equal when the parts are
    (the text is made from them)."""

    __slots__ = ("head", "tails", "written")

    def __init__(self, head: dict[str, Any], tails: tuple[dict[str, Any], ...]) -> None:
        self.head = head
        self.tails = tails
        self.written: PlanTexts | None = None
        """Set by the CSV output when it first writes a row of this plan."""

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, PlanRecords) and self.head == other.head and self.tails == other.tails
        )

    __hash__ = None  # type: ignore[assignment]  # equal by its parts, dicts

    def __repr__(self) -> str:
        return f"PlanRecords({self.head!r}, {self.tails!r})"


PlanTexts = tuple[str, list[str]]
"""What the CSV output keeps of a plan, as csv writes it inside a row: the cells before `dose`
(with the ',' after them), and each line's cells after `dose_given` (with the ',' before them
and the LF)."""
NO_LINES = PlanRecords({}, ())
"""The plan of an outcome without lines of its own (a refusal, a visit's lines given whole)."""

RowParts = tuple[PlanRecords, tuple[str, str | None]]
"""A row's records but its pass-through cells and number: its plan's parts (kept, shared by rows
whose doses share a plan) and the patient's dose and dose given, as worded."""


def rows_records(
    parts: RowParts, row: int, passthrough: dict[str, str]
) -> tuple[dict[str, Any], ...]:
    """The row's records: its pass-through cells and number, then the plan's part before `dose`,
    the doses, and each line's part after `dose_given` (`record_parts`)."""
    plan, (dose, given) = parts
    head = plan.head
    return tuple(
        [
            {**passthrough, "row": row, **head, "dose": dose, "dose_given": given, **tail}
            for tail in plan.tails
        ]
    )


def record_parts(done: Administration) -> RowParts:
    """What each line's record says after `row`,
    from the administration alone (so a batch may keep it).

    Read from the claim, its payment and its notices, not `done.calculation`: no copy per row."""
    return plan_parts(done, str(done.claim.order.amount)), _doses(done)


def plan_parts(done: Administration, dose_ordered: str) -> PlanRecords:
    """Each line's record parts but the patient's own doses (`_doses`): what comes before
    `dose` and what comes after `dose_given`, read from the drug, the order's dose as worded
    (`dose_ordered`), the vials, the preparation, the billing, the option, the notices and the
    payment."""
    calc, payment, notices = done.claim, done.payment, done.notices
    head = {"hcpcs": calc.drug.hcpcs, "drug": calc.drug.generic, "dose_ordered": dose_ordered}
    common = {
        "vials": uses_text(calc.vials),
        "draw_volume": format_amount(calc.preparation.draw_volume_ml, "mL")
        if calc.preparation.draw_volume_ml is not None
        else None,
        "administered_units": calc.billing.administered_units,
        "discarded_units": calc.billing.discarded_units,
        # The nearest whole-vial dose within round_within:
        # an option for the prescriber, never applied.
        "dose_rounding": format_amount(calc.rounding_option.dose_mg, calc.drug.amount_unit)
        if calc.rounding_option
        else None,
    }
    warnings = list(dict.fromkeys(notice.code for notice in notices))  # codes once each, in order
    tails = []
    amounts = payment.line_amounts if payment is not None else (None,) * len(calc.lines)
    for number, (line, amount) in enumerate(zip(calc.lines, amounts), start=1):
        contract_line = line_to_dict(line)
        del contract_line["hcpcs"]  # the same code as the calculation's, already in `hcpcs`
        tail = {
            **common,
            "line": number,
            **contract_line,
            "warnings": warnings,
            "medicare_payment": str(amount) if amount is not None else None,
        }
        tails.append(tail)
    return PlanRecords(head, tuple(tails))


def _doses(done: Administration) -> tuple[str, str | None]:
    """The patient's dose and dose given as worded: what a line's record says between
    `plan_parts`' two parts."""
    calc = done.claim
    unit = calc.drug.amount_unit
    given = format_amount(calc.given_mg, unit) if calc.given_mg is not None else None
    return format_amount(calc.dose_mg, unit), given


_CODE = attrgetter("code")  # a notice's code, in C: no comprehension's frame per row
KEPT_PARTS: Kept[PlanRecords] = Kept(2048)
"""Records' parts but the doses (`plan_parts`) by what they read, with their CSV text once
written: rows whose patients differ but whose doses share a plan share them. As many as the
engine keeps plans (dose_plan.PLANS_KEPT): with half as many, the benchmark file worked out 2,900
parts for its 1,756 plans."""


def kept_record_parts(done: Administration) -> RowParts:
    """`record_parts(done)`, its `plan_parts` kept under everything they read. The engine's kept
    objects (the drug, the order's amount, the plan's vials, preparation, billing and option:
    core/calculation/engine.py, dose_plan.py; the payment: payment.py) key by identity and are
    held; the billing stands for its lines."""
    calc, payment = done.claim, done.payment
    amount = calc.order.amount
    key = (
        id(calc.drug),
        # The ordered amount, not the order: the engine keeps one order per order and day, but
        # its amount is the one parsed from the dose's text (core/numbers/units.py parse_dose)
        # whatever the day, so a plan's parts are shared across days.
        id(amount),
        id(calc.vials),
        id(calc.preparation),
        id(calc.billing),
        id(calc.rounding_option),
        tuple(map(_CODE, done.notices)),
        id(payment),
    )
    found = KEPT_PARTS.get(key)
    if found is None:
        held = (calc.drug, amount, calc.vials, calc.preparation, calc.billing)
        found = KEPT_PARTS.keep(
            key, plan_parts(done, str(amount)), *held, calc.rounding_option, payment
        )
    return found, _doses(done)


KEPT = (KEPT_PARTS,)
"""What this module keeps (a test empties them to compare with answers worked out afresh)."""
