"""The visit as the result panel shows it: the drugs added (F9) in time order, then the whole claim."""

from __future__ import annotations

from collections.abc import Sequence

from infusion_calc.core.record.check_types import SitePolicy
from infusion_calc.core.record.encounter import Encounter, read_encounter
from infusion_calc.core.visit.admin_hierarchy import Setting
from infusion_calc.core.visit.visit import codes_for
from infusion_calc.core.words.labels import line_brief
from infusion_calc.tui.state import ResultView


def _encounter(view: ResultView) -> Encounter:
    return read_encounter(view.encounter)[0] if view.encounter is not None else Encounter()


def _when(encounter: Encounter) -> str:
    start, stop = encounter.start, encounter.stop
    text = "-".join(f"{moment:%H:%M}" for moment in (start, stop) if moment is not None)
    return text or "times not recorded"


def visit_text(views: Sequence[ResultView], policy: SitePolicy, setting: Setting = Setting.OFFICE) -> str:
    """'Visit: 3 drugs' with one row each, then every drug line and the administration lines."""
    items = [(view.calculation, _encounter(view)) for view in views if view.calculation is not None]
    items.sort(key=lambda item: (item[1].start is None, f"{item[1].start:%H:%M}" if item[1].start else ""))
    out = [f"Visit: {len(items)} drug{'s' if len(items) != 1 else ''} (F9 adds the one on screen; Ctrl+N next patient)"]
    for number, (calc, encounter) in enumerate(items, start=1):
        out.append(f"  {number}. {_when(encounter)}  {calc.drug.hcpcs} {calc.drug.display_name} {calc.order.amount}")
    out.append("Claim for the visit:")
    out += [f"  {line_brief(line.hcpcs, line.modifiers, line.units)}" for calc, _ in items for line in calc.lines]
    codes = codes_for(items, setting, policy)
    out += [f"  {line_brief(line.code, line.modifiers, line.units)}" for line in codes.lines]
    if codes.findings:
        out += [f"  ! {finding.service + 1}. {finding.message}" for finding in codes.findings]
    return "\n".join(out)
