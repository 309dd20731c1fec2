"""Every encounter field, declared once: its name,
label, CLI option, parser, limit, placeholder and help.

The CLI's encounter options (cli/encounter_options.py), the app's encounter panel
(tui/widgets/encounter_panel.py), the CLI's error lines (which option to blame) and the
strict reader (core/record/encounter.py: which parser reads each field, the free-text limits) are
all built from this table, so a new field is one row here plus its typed attribute on
`EncounterText` and `Encounter`, which a type checker needs declared (tests check all three
list the same names). Rows are in the order the panel shows them; nothing here imports
more than the standard library, since the app's first frame imports it.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Parser = Literal["date_time", "clock", "dx", "payer", "text", "flag", "lots", "expires", "dose"]
"""How the typed text is read: core/record/encounter.py maps each to its strict parser ("dose" is
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
    """The field's name at the start of a message about its text
    ("The waste reason contains ...")."""
    multiline: bool = False
    """Free text that may span lines (narrative fields only)."""
    chart_label: str = ""
    """The field's label in the chart note, when it differs from `message_label`."""

    @property
    def in_chart(self) -> str:
        """The label the chart note writes before the field's text ("Site of care: ...")."""
        return self.chart_label or self.message_label


DATE_TIME_FORMAT = "YYYY-MM-DD HH:MM (24-hour, e.g. 2026-03-02 14:05)"
SERVICE_DATE_FORMAT = (
    "YYYY-MM-DD, or YYYY-MM-DD HH:MM with the time (24-hour, e.g. 2026-03-02 14:05)"
)
CLOCK_FORMAT = "HH:MM (24-hour, e.g. 09:05) or YYYY-MM-DD HH:MM"
EXPIRY_FORMAT = "YYYY-MM-DD or YYYY-MM (e.g. 2027-03)"

_NAME = "name, credentials"

# The limits are long enough for real entries and short enough for a chart line.
ENCOUNTER_FIELDS = (
    EncounterField(
        name="given_at",
        label="Date/time given",
        flag="--given-at",
        parser="date_time",
        help=f"date of service, with the time given when known: {SERVICE_DATE_FORMAT}",
        placeholder="2026-03-02 09:40",
        metavar="DATETIME",
    ),
    EncounterField(
        name="start",
        label="Infusion start",
        flag="--start",
        parser="clock",
        help=f"infusion start: {CLOCK_FORMAT}",
        placeholder="09:40",
        metavar="TIME",
    ),
    EncounterField(
        name="stop",
        label="Infusion stop",
        flag="--stop",
        parser="clock",
        help=f"infusion stop: {CLOCK_FORMAT}",
        placeholder="10:45",
        metavar="TIME",
    ),
    EncounterField(
        name="dose_given",
        label="Dose given, if less than prepared",
        flag="--dose-given",
        parser="dose",
        help="amount actually given when the infusion stopped short of the dose prepared, "
        'e.g. "200 mg" '
        "(billed administered units come from it; give the reason with --stop-reason)",
        placeholder="e.g. 200 mg; blank = all of it",
        metavar="QTY",
    ),
    EncounterField(
        name="stop_reason",
        label="Why less was given",
        flag="--stop-reason",
        parser="text",
        help="why less than the dose prepared was given (with --dose-given)",
        placeholder="e.g. hives at 40 min",
        metavar="TEXT",
        limit=200,
        message_label="The reason less was given",
    ),
    EncounterField(
        name="dx",
        label="Diagnosis (ICD-10-CM)",
        flag="--dx",
        parser="dx",
        help="diagnosis, ICD-10-CM (e.g. G35.A, K50.00, G12.0)",
        placeholder="e.g. G35.A, K50.00, G12.0",
        metavar="ICD10",
    ),
    EncounterField(
        name="payer",
        label="Payer type",
        flag="--payer",
        parser="payer",
        help="payer type: medicare, medicare-advantage, medicaid or commercial",
    ),
    EncounterField(
        name="prior_auth",
        label="Prior authorization no.",
        flag="--pa",
        parser="text",
        help="prior authorization number",
        placeholder="PA number, if any",
        metavar="NUMBER",
        limit=40,
        message_label="The prior authorization number",
        chart_label="Prior authorization",
    ),
    EncounterField(
        name="rems_checked",
        label="REMS checklist done",
        flag="--rems-checked",
        parser="flag",
        help="REMS confirmed before infusion (natalizumab: TOUCH authorization and checklist; "
        "Tyruko: its own REMS)",
    ),
    EncounterField(
        name="consent",
        label="Consent on file",
        flag="--consent",
        parser="flag",
        help="consent is on file",
    ),
    EncounterField(
        name="step_therapy",
        label="Step therapy attested",
        flag="--step-therapy",
        parser="flag",
        help="step therapy attested (commercial plans)",
    ),
    EncounterField(
        name="lots",
        label="Lot of each vial opened",
        flag="--lot",
        parser="lots",
        help="lot of a vial opened; repeat once per vial, in the order the vials are listed",
        placeholder="lot",
        metavar="LOT",
        limit=20,
    ),
    EncounterField(
        name="expires",
        label="Expiry of each vial opened",
        flag="--expires",
        parser="expires",
        help=(
            f"expiration of a vial opened, {EXPIRY_FORMAT}; "
            "repeat once per vial, same order as --lot"
        ),
        placeholder="exp. 2027-03",
        metavar="DATE",
    ),
    EncounterField(
        name="iv_site",
        label="IV site",
        flag="--iv-site",
        parser="text",
        help="IV site, e.g. left forearm, 22G",
        placeholder="e.g. left forearm, 22G",
        metavar="TEXT",
        limit=80,
        message_label="IV site",
    ),
    EncounterField(
        name="premeds",
        label="Premedications",
        flag="--premeds",
        parser="text",
        help="premedications given, free text",
        placeholder="e.g. acetaminophen 650 mg PO",
        metavar="TEXT",
        limit=300,
        message_label="Premedications",
    ),
    EncounterField(
        name="diluent",
        label="Diluent and bag used",
        flag="--diluent",
        parser="text",
        help="diluent and bag actually used, e.g. 100 mL 0.9%% NaCl",
        placeholder="e.g. 100 mL 0.9% NaCl",
        metavar="TEXT",
        limit=120,
        message_label="Diluent and bag",
    ),
    EncounterField(
        name="filter",
        label="Filter used",
        flag="--filter",
        parser="text",
        help="in-line filter used, if any",
        placeholder="e.g. 0.2 micron in-line",
        metavar="TEXT",
        limit=80,
        message_label="Filter",
    ),
    EncounterField(
        name="rate_changes",
        label="Rate changes",
        flag="--rate-changes",
        parser="text",
        help="infusion rate changes as charted, free text",
        placeholder="e.g. slowed to 50 mL/h at 10:05",
        metavar="TEXT",
        limit=500,
        message_label="Rate changes",
        multiline=True,
    ),
    EncounterField(
        name="observation",
        label="Post-infusion observation",
        flag="--observation",
        parser="text",
        help="post-infusion observation: how long, and what was seen",
        placeholder="e.g. 60 min, no reaction",
        metavar="TEXT",
        limit=200,
        message_label="Post-infusion observation",
    ),
    EncounterField(
        name="waste_reason",
        label="Waste reason",
        flag="--waste-reason",
        parser="text",
        help="why the drug left over was discarded",
        placeholder="e.g. dose reduced per order",
        metavar="TEXT",
        limit=200,
        message_label="The waste reason",
    ),
    EncounterField(
        name="waste_witness",
        label="Waste witness",
        flag="--witness",
        parser="text",
        help="who witnessed the waste",
        placeholder=_NAME,
        metavar="NAME",
        limit=80,
        message_label="The waste witness",
    ),
    EncounterField(
        name="nurse",
        label="Administered by (nurse)",
        flag="--nurse",
        parser="text",
        help="administering nurse",
        placeholder=_NAME,
        metavar=None,
        limit=80,
        message_label="Nurse",
        chart_label="Administered by",
    ),
    EncounterField(
        name="provider",
        label="Ordering provider",
        flag="--provider",
        parser="text",
        help="ordering/supervising provider",
        placeholder=_NAME,
        metavar=None,
        limit=80,
        message_label="Provider",
        chart_label="Ordering/supervising provider",
    ),
    EncounterField(
        name="site",
        label="Site of care",
        flag="--site",
        parser="text",
        help="site of care",
        placeholder="e.g. infusion center, chair 4",
        metavar=None,
        limit=80,
        message_label="Site of care",
    ),
    EncounterField(
        name="events",
        label="Adverse events / deviations",
        flag="--events",
        parser="text",
        help="adverse events or deviations, free text",
        placeholder="none, or what happened",
        metavar="TEXT",
        limit=1000,
        message_label="Adverse events/deviations",
        multiline=True,
    ),
)

FIELD = {field.name: field for field in ENCOUNTER_FIELDS}
