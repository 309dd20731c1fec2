"""Claim lines in the formats billers paste: CMS-1500, UB-04, X12 837P/837I, FHIR, CSV, JSON, text.

One call for every caller (CLI, TUI copy-as menu, the log):

    export(calc, "837p", settings) -> str
    render(calc, "837p", settings) -> Export(text, notices)

`settings` is one payer's `ExportSettings` from the site config (NDC spacing, accepted
NDC unit qualifiers, chargemaster); None means the defaults with no charges. Notices
are warnings the biller must act on (a line without a verified NDC, a code with no
charge, an NDC quantity converted for the payer); the text itself never invents an
NDC or a charge. Text and notices are safe to print and paste: a control character,
bidi override or U+2028 in a typed name is written as a visible escape (core/record/safe_text.py).
Each format lives in its own module, imported only when asked for
(the FHIR models alone take ~0.1 s to import).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from importlib import import_module

from infusion_calc.core.calculation.engine import Calculation
from infusion_calc.core.checks.claim_invariants import require_valid_claim_lines
from infusion_calc.core.errors import ClaimLineError
from infusion_calc.core.exports.lines import ExportError
from infusion_calc.core.pipeline.site_config import ExportSettings
from infusion_calc.core.record.encounter import Encounter
from infusion_calc.core.record.notices import Notice, NoticeSpec
from infusion_calc.core.record.safe_text import json_safe, terminal_safe

SERVICE_DATE_TODAY = NoticeSpec(
    "SERVICE_DATE_TODAY", "export", "no date of administration given: a dated format is dated now"
)

FORMATS: dict[str, str] = {
    "cms1500": "cms1500",
    "ub04": "ub04",
    "837p": "x12",
    "837i": "x12",
    "fhir": "fhir",
    "csv": "csv_lines",
    "json": "json_contract",
    "text": "text",
}
"""Format name -> the module under infusion_calc.core.exports that writes it."""

DATED_FORMATS = frozenset({"837p", "837i", "fhir"})
"""Formats that carry the date of service: without `when` they would date the claim today."""

DESCRIPTIONS: dict[str, str] = {
    "cms1500": "CMS-1500 item 24 fields (24A shaded NDC, 24D, 24F, 24G)",
    "ub04": "UB-04 form locators FL42, FL43, FL44, FL46, FL47",
    "837p": "X12 837P service lines (LX, SV1, DTP, LIN, CTP)",
    "837i": "X12 837I service lines (LX, SV2, DTP, LIN, CTP)",
    "fhir": "FHIR MedicationAdministration (JSON)",
    "csv": "CSV, one row per claim line",
    "json": "the engine's JSON contract",
    "text": "plain text",
}

__all__ = ["DESCRIPTIONS", "FORMATS", "Export", "ExportError", "ExportSettings", "export", "render"]


@dataclass(frozen=True, slots=True)
class Export:
    text: str
    notices: tuple[Notice, ...]


def export_moment(encounter: Encounter) -> date | None:
    """The administration's date and time in local time; the date alone when no time was given."""
    given = encounter.given_at
    return given.astimezone() if isinstance(given, datetime) else given


def render(
    calc: Calculation, fmt: str, settings: ExportSettings | None = None, *, when: date | None = None
) -> Export:
    """The claim lines of `calc` in `fmt`, with the warnings that go with them.

    `when` is the date and time of the administration (the 837 service date, the FHIR
    effectiveDateTime), or its date alone when no time was given; default: now, in local time, with
    a SERVICE_DATE_TODAY notice so no claim dates itself silently.
    """
    module_name = FORMATS.get(fmt)
    if module_name is None:
        raise ExportError(f"'{fmt}' is not an export format; choose one of: {', '.join(FORMATS)}.")
    try:  # the last line of defence: a line that breaks a claim-line invariant never leaves
        require_valid_claim_lines(calc, claim=fmt not in ("json", "text"))
    except ClaimLineError as error:
        raise ExportError(str(error)) from None
    module = import_module(f"infusion_calc.core.exports.{module_name}")
    now = datetime.now().astimezone()
    text, notices = module.write(
        calc, fmt, settings or ExportSettings(), when if when is not None else now
    )
    if (
        when is None and fmt in DATED_FORMATS
    ):  # a claim that dates itself says so: never a silent default
        notices = (*notices, _dated_today(fmt, now))
    # A typed drug name may hold ESC or U+2028: shown as an escape, never acted on. JSON keeps
    # the exact value, with such characters as \u escapes; the CSV writer escapes cell by cell.
    if fmt in ("json", "fhir"):
        text = json_safe(text)
    elif fmt != "csv":
        text = terminal_safe(text)
    return Export(text, tuple(notice.reworded(terminal_safe(notice.message)) for notice in notices))


def _dated_today(fmt: str, moment: datetime) -> Notice:
    where = "effectiveDateTime" if fmt == "fhir" else "the DTP*472 service date"
    return SERVICE_DATE_TODAY(
        f"No date and time of administration was given, so {where} is now, "
        f"{moment:%Y-%m-%d %H:%M}: if the drug was given at another time, give it (--given-at, or "
        "Date/time given in the app) and export again.",
    )


def export(
    calc: Calculation, fmt: str, settings: ExportSettings | None = None, *, when: date | None = None
) -> str:
    """Just the text of `render` (for a clipboard)."""
    return render(calc, fmt, settings, when=when).text
