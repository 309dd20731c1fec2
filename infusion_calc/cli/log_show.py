"""`infusion-calc log show ID`: one saved entry, as text around the summary `calc` printed for it,
or as its stored JSON."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from infusion_calc.cli.common import fail
from infusion_calc.cli.exits import one_line
from infusion_calc.cli.log_common import guarded, local_time, open_log
from infusion_calc.cli.options import CommandOptions
from infusion_calc.core.errors import InputError
from infusion_calc.core.record.check_types import Check
from infusion_calc.core.record.safe_text import json_safe
from infusion_calc.core.words.labels import checks_text
from infusion_calc.core.words.summary_text import result_summary

if TYPE_CHECKING:
    from decimal import Decimal


@dataclass(frozen=True, kw_only=True)
class ShowOptions(CommandOptions):
    """`log show`'s options: the entry, and whether as its stored JSON."""

    id: int
    json: bool = False


def run_show(namespace: argparse.Namespace) -> int:
    options = ShowOptions.read(namespace)

    def action() -> int:
        log = open_log(options)
        entry = log.entry(options.id)
        if entry is None:
            return fail(
                f"no entry {options.id} in the administration log (see 'infusion-calc log list')"
            )
        entry["chain"] = log.correction_chain(options.id)
        if options.json:
            # The same JSON value, with C1 controls, bidi overrides and U+2028 as \u escapes.
            sys.stdout.write(json_safe(json.dumps(entry, ensure_ascii=False, indent=2)) + "\n")
        else:
            sys.stdout.write(_show_text(entry))
        return 0

    return guarded(options, action)


def _show_text(entry: dict[str, Any]) -> str:
    """The entry's details around the summary `calc` printed for it (core/words/summary_text.py)."""
    result = entry["result"]
    where = f" on {entry['workstation']}" if entry.get("workstation") else ""
    out = [
        f"Entry {entry['id']}, saved {local_time(entry['saved_at'])}{where} "
        f"by infusion-calc {entry['tool_version']}"
    ]
    if entry.get("corrects") is not None:
        out.append(f"Corrects       entry {entry['corrects']}")
    if entry.get("corrected_by"):
        out.append(
            "Corrected by   entry "
            f"{', '.join(str(later) for later in entry['corrected_by'])}: see the latest"
        )
    if len(entry.get("chain", ())) > 1:
        out.append(
            "Chain          "
            + " → ".join(
                f"[{step}]" if step == entry["id"] else str(step) for step in entry["chain"]
            )
        )
    if entry["patient_id"]:
        out.append(f"Patient ID     {entry['patient_id']}")
    if (
        "administration_lines" in result
    ):  # a whole visit saved by `visit --save` (log/visit_record.py)
        out.extend(_visit_lines(result))
    else:
        patient = {
            key: value for key, value in result["patient"].items() if value and key != "bsa_method"
        }
        if patient:
            out.append(
                "Patient size   " + ", ".join(f"{key} {value}" for key, value in patient.items())
            )
        out.extend(result_summary(result, _rounding_threshold(entry["inputs"])).splitlines())
    if entry["checks"] is not None:
        checks, unreadable = _saved_checks(entry["checks"])
        out.extend(checks_text(checks).splitlines())
        out.extend(f"  {item}" for item in unreadable)
    if entry["note"]:
        out.append("Chart note")
        out.extend(f"  {line}" for line in entry["note"].rstrip("\n").splitlines())
    typed = ", ".join(f"{key} {value!r}" for key, value in entry["inputs"].items() if value)
    out.append(f"Typed          {typed}")
    return "\n".join(one_line(line) for line in out) + "\n"


def _visit_lines(result: dict[str, Any]) -> list[str]:
    visit = result["visit"]
    out = [
        f"Visit          {visit['date']}, {visit['setting']}, "
        f"{len(result['administrations'])} administrations"
    ]
    out += [
        f"  {line['hcpcs']}{''.join('-' + m for m in line['modifiers'])} × {line['units']}"
        for line in result["lines"]
    ]
    out += [
        f"  {line['code']}{''.join('-' + m for m in line['modifiers'])} × {line['units']}"
        for line in result["administration_lines"]
    ]
    return out


def _rounding_threshold(inputs: dict[str, Any]) -> Decimal | None:
    """The whole-vial threshold the calculation was made with
    (the summary says "none within N%")."""
    from infusion_calc.core.calculation.engine import (
        parse_rounding_threshold,
    )  # lazy: the engine loads pint, `log list` does not

    try:
        return parse_rounding_threshold(inputs.get("round_within"))
    except InputError:  # an entry edited by hand: the summary then says only "none"
        return None


def _saved_checks(saved: list[Any]) -> tuple[list[Any], list[str]]:
    """The stored checks as the core's `Check`; anything else a hand-edited log holds, as text."""
    checks, unreadable = [], []
    for item in saved:
        try:
            checks.append(Check.from_dict(item))
        except (TypeError, KeyError, ValueError):
            unreadable.append(str(item))
    return checks, unreadable
