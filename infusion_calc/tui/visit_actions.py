"""What the copy and save keys do with a visit (F9's drugs): the whole claim, the one chart note, an
export, one log entry. Each drug added is the app's own calculation; the visit around them is the
core's (core/visit/visit_of_drugs.py), so the app's visit bills as `infusion-calc visit` does.

Kept apart from the screen: text in, text or a `Delivery` out, never an exception.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from infusion_calc.core.errors import ClaimLineError, SiteConfigError
from infusion_calc.core.exports import DESCRIPTIONS, ExportError
from infusion_calc.core.record.encounter import Encounter, read_encounter
from infusion_calc.core.record.safe_text import json_safe
from infusion_calc.core.visit.visit import DrugResult, VisitResult, visit_note, visit_to_dict
from infusion_calc.core.visit.visit_exports import render_visit
from infusion_calc.core.visit.visit_note import SETTING_WORDS
from infusion_calc.core.visit.visit_of_drugs import visit_of
from infusion_calc.core.words.labels import line_brief
from infusion_calc.core.words.presentation import claim_grid
from infusion_calc.log import LogError
from infusion_calc.log.visit_record import save_visit
from infusion_calc.tui.result_view import Delivery, ResultView

if TYPE_CHECKING:
    from infusion_calc.core.record.check_types import SitePolicy
    from infusion_calc.loading import Context
    from infusion_calc.log.location import LogLocation

MISSING_NDC = "NDC not verified: take it from the carton"


def visit_result(views: Sequence[ResultView], policy: SitePolicy, setting: str) -> VisitResult:
    """The visit of the drugs added, in time order, billed by the site's setting
    ("office" or "hospital")."""
    drugs = [
        DrugResult(
            view.calculation,
            read_encounter(view.encounter)[0] if view.encounter else Encounter(),
            view.checks,
            view.chart_text,
        )
        for view in views
        if view.calculation is not None
    ]
    return visit_of(drugs, setting, policy)


def claim_text(result: VisitResult) -> str:
    """The visit's claim as tab-separated text: every drug line (JW/JZ on them) in time order,
    then the administration lines, as billers list them."""
    header, *_ = claim_grid(result.drugs[0].calc, MISSING_NDC).splitlines()
    rows = [
        row for drug in result.drugs for row in claim_grid(drug.calc, MISSING_NDC).splitlines()[1:]
    ]
    rows += [
        "\t".join((line.code, " ".join(line.modifiers), str(line.units), "", "", ""))
        for line in result.codes.lines
    ]
    return "\n".join([header, *rows]) + "\n"


def summary(result: VisitResult) -> str:
    """'Visit: 3 drugs (hospital outpatient department)', one row per drug in time order,
    then the whole claim."""
    count = len(result.drugs)
    out = [
        f"Visit: {count} drug{'s' if count != 1 else ''}, {SETTING_WORDS[result.spec.setting]} "
        "(F9 adds the one on screen; Ctrl+N next patient)"
    ]
    for number, item in enumerate(result.administrations, start=1):
        times = (
            "-".join(filter(None, (item.spec.text("start"), item.spec.text("stop"))))
            or "times not recorded"
        )
        calc = item.drug.calc if item.drug is not None else None
        out.append(
            f"  {number}. {times}  {calc.drug.hcpcs} {calc.drug.display_name} {calc.order.amount}"
            if calc
            else f"  {number}. {times}  hydration"
        )
    out.append("Claim for the visit:")
    out += [f"  {line_brief(line.hcpcs, line.modifiers, line.units)}" for line in result.drug_lines]
    out += [f"  {line_brief(line.code, line.modifiers, line.units)}" for line in result.codes.lines]
    out += [f"  ! {finding.service + 1}. {finding.message}" for finding in result.codes.findings]
    return "\n".join(out)


def note_and_claim(result: VisitResult) -> str:
    """What F4 writes for a visit: the visit's chart note, then its claim lines."""
    return f"{visit_note(result).rstrip()}\n\nClaim lines\n{claim_text(result)}"


def copy_as(result: VisitResult, fmt: str, context: Context) -> Delivery:
    """The visit's claim in `fmt`: an export format, the visit's JSON, or the claim as text."""
    what = (
        f"Copied the visit's claim ({len(result.drugs)} "
        f"drugs and the administration lines) as {fmt}"
    )
    if fmt == "json":
        return Delivery(
            True,
            what,
            json_safe(json.dumps(visit_to_dict(result), ensure_ascii=False, indent=2)) + "\n",
        )
    if fmt == "text":
        return Delivery(True, what, claim_text(result))
    payer = result.spec.encounter.get("payer")
    try:
        config = context.site_config
        settings = config.export_settings(payer if payer in config.payer else None)
        export = render_visit(result, fmt, settings)
    except (SiteConfigError, ExportError) as error:
        return Delivery(False, f"Nothing copied: {error}")
    rules = f", with the [payer.{settings.payer}] rules" if settings.payer else ""
    return Delivery(
        True,
        f"{what} ({DESCRIPTIONS.get(fmt, fmt)}{rules})",
        export.text,
        tuple(notice.message for notice in export.notices),
    )


def save(
    result: VisitResult, context: Context, log_path: LogLocation | None, entry_uuid: str
) -> Delivery:
    """The visit as one administration-log entry
    (its drugs, administration lines, note and checks)."""
    try:
        config = context.site_config if context.has_site_config else None
        entry = save_visit(result, config=config, path=log_path, entry_uuid=entry_uuid)
    except (LogError, ClaimLineError) as error:
        return Delivery(
            False,
            f"{error}. Nothing was saved." if isinstance(error, ClaimLineError) else str(error),
        )
    except SiteConfigError as error:
        return Delivery(False, f"{error} Nothing was saved.")
    return Delivery(
        True, f"Saved the visit ({len(result.drugs)} drugs) as entry {entry.id} in {entry.path}"
    )
