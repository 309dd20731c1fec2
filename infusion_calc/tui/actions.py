"""What the nurse does with a result: copy it in an export format, save it to the log.

Kept apart from the presenter (`calculator.py`, form in, text out) since these touch the
world: the site config, the exports (pydantic, the FHIR models) and the log (sqlite3),
each imported on first use. Each answers with a `Delivery`: the text to copy and what to
tell the nurse, never an exception.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import uuid4

from infusion_calc import log as the_log  # read at call time: a test stands in for the_log.save
from infusion_calc.core.errors import SiteConfigError
from infusion_calc.core.exports import DESCRIPTIONS, FORMATS, ExportError, export_moment, render
from infusion_calc.core.record.encounter import EncounterText, read_encounter
from infusion_calc.tui.result_view import Delivery, ResultView

if TYPE_CHECKING:
    from infusion_calc.loading import Context
    from infusion_calc.log.location import LogLocation


def export_formats() -> tuple[tuple[str, str], ...]:
    """(format, description) for every export format, in the core's order."""
    return tuple((fmt, DESCRIPTIONS.get(fmt, fmt)) for fmt in FORMATS)


NO_CALCULATION = "Nothing to copy or save: the result holds no calculation."


def copy_as(result: ResultView, fmt: str, context: Context) -> Delivery:
    """The claim lines of `result` in `fmt`, with the site's claim rules and charges
    (the context's config)."""
    if result.calculation is None:
        return Delivery(False, NO_CALCULATION)
    encounter, _ = read_encounter(result.encounter or EncounterText())
    given_at = export_moment(encounter)  # a date alone stays a date
    try:
        config = context.site_config
        # A payer type with its own [payer.NAME] table in the site config gets its rules.
        payer = encounter.payer.value if encounter.payer is not None else None
        settings = config.export_settings(payer if payer in config.payer else None)
        export = render(result.calculation, fmt, settings, when=given_at)
    except (SiteConfigError, ExportError) as error:
        return Delivery(False, f"Nothing copied: {error}")
    rules = f", with the [payer.{settings.payer}] rules" if settings.payer else ""
    return Delivery(
        True,
        f"Copied the claim lines as {fmt} ({DESCRIPTIONS.get(fmt, fmt)}{rules})",
        export.text,
        tuple(notice.message for notice in export.notices),
    )


def retry_identifier(unsaved: tuple[Any, str] | None, form: Any) -> tuple[Any, str]:
    """(form, entry identifier) for a save: the identifier a failed save
    of this same form was sent with, so a save the log took but could
    not acknowledge is not made twice; a new one for any other form."""
    if unsaved is not None and unsaved[0] == form:
        return unsaved

    return form, str(uuid4())


def save_to_log(
    result: ResultView, log_path: LogLocation | None = None, entry_uuid: str | None = None
) -> Delivery:
    """Append the result, its chart note, checks and encounter details to the administration log
    (the app's context's; the data folder's when none is given). `entry_uuid`: the identifier of
    this administration, the same when a failed save is tried again (a new one when None)."""
    if result.calculation is None:
        return Delivery(False, NO_CALCULATION)
    typed = result.encounter or EncounterText()
    details = {name: value for name, value in typed._asdict().items() if value}
    try:
        entry = the_log.save(
            result.calculation,
            note=result.chart_text,
            checks=result.checks,
            encounter=details or None,
            path=log_path,
            entry_uuid=entry_uuid,
        )
    except the_log.LogError as error:
        return Delivery(False, str(error))
    except SiteConfigError as error:
        return Delivery(False, f"{error} Nothing was saved.")
    # A log folder or file others could read was made
    # private first: the nurse is told, as the CLI tells.
    fixed = "".join(f" Note: {notice[0].upper()}{notice[1:]}." for notice in entry.notices)
    return Delivery(
        True,
        f"Saved as entry {entry.id} in {entry.path}.{fixed}"
        if fixed
        else f"Saved as entry {entry.id} in {entry.path}",
    )
