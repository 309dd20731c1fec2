"""Every encounter field, declared once: its name, label, CLI option, parser, limit, placeholder and help.

The CLI's encounter options (cli/encounter_options.py), the app's encounter panel
(tui/widgets/encounter_panel.py), the CLI's error lines (which option to blame) and the
strict reader (core/encounter.py: which parser reads each field, the free-text limits) are
all built from this table, so a new field is one row here plus its typed attribute on
`EncounterText` and `Encounter`, which a type checker needs declared (tests check all three
list the same names). Rows are in the order the panel shows them; nothing here imports
more than the standard library, since the app's first frame imports it.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Parser = Literal["date_time", "clock", "dx", "payer", "text", "flag", "lots", "expires", "dose"]
"""How the typed text is read: core/encounter.py maps each to its strict parser ("dose" is
the engine's, since the amount given changes the billed units)."""


class EncounterField(NamedTuple):
    name: str
    """The `EncounterText` attribute, and the CLI option's destination."""
    label: str
    """The app's label for the field."""
    flag: str
    """The CLI option."""
    parser: Parser
    help: str
    """The CLI help line."""
    placeholder: str = ""
    """The app's example text in an empty field."""
    metavar: str | None = None
    limit: int | None = None
    """Longest text accepted (free text and lot numbers)."""
    message_label: str = ""
    """The field's name at the start of a message about its text ("The waste reason contains ...")."""
    multiline: bool = False
    """Free text that may span lines (narrative fields only)."""


DATE_TIME_FORMAT = "YYYY-MM-DD HH:MM (24-hour, e.g. 2026-03-02 14:05)"
SERVICE_DATE_FORMAT = "YYYY-MM-DD, or YYYY-MM-DD HH:MM with the time (24-hour, e.g. 2026-03-02 14:05)"
CLOCK_FORMAT = "HH:MM (24-hour, e.g. 09:05) or YYYY-MM-DD HH:MM"
EXPIRY_FORMAT = "YYYY-MM-DD or YYYY-MM (e.g. 2027-03)"

_NAME = "name, credentials"

# The limits are long enough for real entries and short enough for a chart line.
ENCOUNTER_FIELDS = (
    EncounterField("given_at", "Date/time given", "--given-at", "date_time", f"date of service, with the time given when known: {SERVICE_DATE_FORMAT}",
                   "2026-03-02 09:40", "DATETIME"),
    EncounterField("start", "Infusion start", "--start", "clock", f"infusion start: {CLOCK_FORMAT}", "09:40", "TIME"),
    EncounterField("stop", "Infusion stop", "--stop", "clock", f"infusion stop: {CLOCK_FORMAT}", "10:45", "TIME"),
    EncounterField("dose_given", "Dose given, if less than prepared", "--dose-given", "dose",
                   'amount actually given when the infusion stopped short of the dose prepared, e.g. "200 mg" '
                   "(billed administered units come from it; give the reason with --stop-reason)",
                   "e.g. 200 mg; blank = all of it", "QTY"),
    EncounterField("stop_reason", "Why less was given", "--stop-reason", "text",
                   "why less than the dose prepared was given (with --dose-given)", "e.g. hives at 40 min", "TEXT",
                   200, "The reason less was given"),
    EncounterField("dx", "Diagnosis (ICD-10-CM)", "--dx", "dx", "diagnosis, ICD-10-CM (e.g. G35.A, K50.00, G12.0)",
                   "e.g. G35.A, K50.00, G12.0", "ICD10"),
    EncounterField("payer", "Payer type", "--payer", "payer",
                   "payer type: medicare, medicare-advantage, medicaid or commercial"),
    EncounterField("prior_auth", "Prior authorization no.", "--pa", "text", "prior authorization number",
                   "PA number, if any", "NUMBER", 40, "The prior authorization number"),
    EncounterField("rems_checked", "REMS checklist done", "--rems-checked", "flag",
                   "REMS confirmed before infusion (natalizumab: TOUCH authorization and checklist; Tyruko: its own REMS)"),
    EncounterField("consent", "Consent on file", "--consent", "flag", "consent is on file"),
    EncounterField("step_therapy", "Step therapy attested", "--step-therapy", "flag",
                   "step therapy attested (commercial plans)"),
    EncounterField("lots", "Lot of each vial opened", "--lot", "lots",
                   "lot of a vial opened; repeat once per vial, in the order the vials are listed", "lot", "LOT", 20),
    EncounterField("expires", "Expiry of each vial opened", "--expires", "expires",
                   f"expiration of a vial opened, {EXPIRY_FORMAT}; repeat once per vial, same order as --lot",
                   "exp. 2027-03", "DATE"),
    EncounterField("iv_site", "IV site", "--iv-site", "text", "IV site, e.g. left forearm, 22G",
                   "e.g. left forearm, 22G", "TEXT", 80, "IV site"),
    EncounterField("premeds", "Premedications", "--premeds", "text", "premedications given, free text",
                   "e.g. acetaminophen 650 mg PO", "TEXT", 300, "Premedications"),
    EncounterField("diluent", "Diluent and bag used", "--diluent", "text",
                   "diluent and bag actually used, e.g. 100 mL 0.9%% NaCl", "e.g. 100 mL 0.9% NaCl", "TEXT",
                   120, "Diluent and bag"),
    EncounterField("filter", "Filter used", "--filter", "text", "in-line filter used, if any",
                   "e.g. 0.2 micron in-line", "TEXT", 80, "Filter"),
    EncounterField("rate_changes", "Rate changes", "--rate-changes", "text",
                   "infusion rate changes as charted, free text", "e.g. slowed to 50 mL/h at 10:05", "TEXT",
                   500, "Rate changes", multiline=True),
    EncounterField("observation", "Post-infusion observation", "--observation", "text",
                   "post-infusion observation: how long, and what was seen", "e.g. 60 min, no reaction", "TEXT",
                   200, "Post-infusion observation"),
    EncounterField("waste_reason", "Waste reason", "--waste-reason", "text", "why the drug left over was discarded",
                   "e.g. dose reduced per order", "TEXT", 200, "The waste reason"),
    EncounterField("waste_witness", "Waste witness", "--witness", "text", "who witnessed the waste", _NAME, "NAME",
                   80, "The waste witness"),
    EncounterField("nurse", "Administered by (nurse)", "--nurse", "text", "administering nurse", _NAME, None,
                   80, "Nurse"),
    EncounterField("provider", "Ordering provider", "--provider", "text", "ordering/supervising provider", _NAME, None,
                   80, "Provider"),
    EncounterField("site", "Site of care", "--site", "text", "site of care", "e.g. infusion center, chair 4", None,
                   80, "Site of care"),
    EncounterField("events", "Adverse events / deviations", "--events", "text",
                   "adverse events or deviations, free text", "none, or what happened", "TEXT",
                   1000, "Adverse events/deviations", multiline=True),
)

FIELD = {field.name: field for field in ENCOUNTER_FIELDS}
