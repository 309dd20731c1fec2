"""Every encounter field, declared once, on `EncounterText`: its name, its text's type and, in its
annotation, its row (label, CLI option, parser, limit, placeholder, help, chart label).

The table (`ENCOUNTER_FIELDS`) is read from that declaration, so the CLI's encounter options
(cli/encounter_options.py), the app's encounter panel (tui/widgets/encounter_panel.py), the CLI's
error lines (which option to blame), the strict reader (core/record/encounter.py) and the chart
note's labels (core/pipeline/documentation.py) all come from one place. Only the parsed record,
`Encounter`, names its fields again: each with the type its parser returns, which a type checker
must see (a test checks the two agree). Fields are declared in the order the panel shows them;
nothing here imports more than the standard library, since every command imports it.
"""

from typing import Annotated, NamedTuple, get_type_hints

from infusion_calc.core.record.encounter_row import (
    CLOCK_FORMAT,
    EXPIRY_FORMAT,
    PAYER_CHOICES,
    SERVICE_DATE_FORMAT,
    EncounterField,
)

_NAME = "name, credentials"


# The limits are long enough for real entries and short enough for a chart line.
class EncounterText(NamedTuple):
    """The encounter as typed into a form. Blank text means "not given".

    Build it with keywords (`EncounterText(dx="G35.A", lots=("A1",))`); change one field
    with `text._replace(dx=...)`. `dose_given` rides here so a form, the log and the
    encounter panel keep it with the rest of the administration, but it changes the
    billed units, so the engine reads it (forms pass it on as `CalcRequest.dose_given`)
    and `read_encounter` does not.
    """

    given_at: Annotated[
        str,
        EncounterField(
            label="Date/time given",
            flag="--given-at",
            parser="date_time",
            help=f"date of service, with the time given when known: {SERVICE_DATE_FORMAT}",
            placeholder="2026-03-02 09:40",
            metavar="DATETIME",
        ),
    ] = ""
    start: Annotated[
        str,
        EncounterField(
            label="Infusion start",
            flag="--start",
            parser="clock",
            help=f"infusion start: {CLOCK_FORMAT}",
            placeholder="09:40",
            metavar="TIME",
        ),
    ] = ""
    stop: Annotated[
        str,
        EncounterField(
            label="Infusion stop",
            flag="--stop",
            parser="clock",
            help=f"infusion stop: {CLOCK_FORMAT}",
            placeholder="10:45",
            metavar="TIME",
        ),
    ] = ""
    dose_given: Annotated[
        str,
        EncounterField(
            label="Dose given, if less than prepared",
            flag="--dose-given",
            parser="dose",
            help="amount actually given when the infusion stopped short of the dose prepared, "
            'e.g. "200 mg" (billed administered units come from it; give the reason with '
            "--stop-reason)",
            placeholder="e.g. 200 mg; blank = all of it",
            metavar="QTY",
        ),
    ] = ""
    stop_reason: Annotated[
        str,
        EncounterField(
            label="Why less was given",
            flag="--stop-reason",
            parser="text",
            help="why less than the dose prepared was given (with --dose-given)",
            placeholder="e.g. hives at 40 min",
            metavar="TEXT",
            limit=200,
            message_label="The reason less was given",
        ),
    ] = ""
    dx: Annotated[
        str,
        EncounterField(
            label="Diagnosis (ICD-10-CM)",
            flag="--dx",
            parser="dx",
            help="diagnosis, ICD-10-CM (e.g. G35.A, K50.00, G12.0)",
            placeholder="e.g. G35.A, K50.00, G12.0",
            metavar="ICD10",
        ),
    ] = ""
    payer: Annotated[
        str,
        EncounterField(
            label="Payer type",
            flag="--payer",
            parser="payer",
            help=f"payer type: {PAYER_CHOICES}",
        ),
    ] = ""
    prior_auth: Annotated[
        str,
        EncounterField(
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
    ] = ""
    rems_checked: Annotated[
        bool,
        EncounterField(
            label="REMS checklist done",
            flag="--rems-checked",
            parser="flag",
            help="REMS confirmed before infusion (natalizumab: TOUCH authorization and checklist; "
            "Tyruko: its own REMS)",
        ),
    ] = False
    consent: Annotated[
        bool,
        EncounterField(
            label="Consent on file",
            flag="--consent",
            parser="flag",
            help="consent is on file",
            chart_label="Consent",
            chart_yes="on file",
        ),
    ] = False
    step_therapy: Annotated[
        bool,
        EncounterField(
            label="Step therapy attested",
            flag="--step-therapy",
            parser="flag",
            help="step therapy attested (commercial plans)",
            chart_label="Step therapy",
            chart_yes="attested",
        ),
    ] = False
    lots: Annotated[
        tuple[str, ...],
        EncounterField(
            label="Lot of each vial opened",
            flag="--lot",
            parser="lots",
            help="lot of a vial opened; repeat once per vial, in the order the vials are listed",
            placeholder="lot",
            metavar="LOT",
            limit=20,
        ),
    ] = ()
    expires: Annotated[
        tuple[str, ...],
        EncounterField(
            label="Expiry of each vial opened",
            flag="--expires",
            parser="expires",
            help=f"expiration of a vial opened, {EXPIRY_FORMAT}; repeat once per vial, same order "
            "as --lot",
            placeholder="exp. 2027-03",
            metavar="DATE",
        ),
    ] = ()
    iv_site: Annotated[
        str,
        EncounterField(
            label="IV site",
            flag="--iv-site",
            parser="text",
            help="IV site, e.g. left forearm, 22G",
            placeholder="e.g. left forearm, 22G",
            metavar="TEXT",
            limit=80,
            message_label="IV site",
            chart_block="dose",
        ),
    ] = ""
    premeds: Annotated[
        str,
        EncounterField(
            label="Premedications",
            flag="--premeds",
            parser="text",
            help="premedications given, free text",
            placeholder="e.g. acetaminophen 650 mg PO",
            metavar="TEXT",
            limit=300,
            message_label="Premedications",
            chart_block="dose",
        ),
    ] = ""
    diluent: Annotated[
        str,
        EncounterField(
            label="Diluent and bag used",
            flag="--diluent",
            parser="text",
            help="diluent and bag actually used, e.g. 100 mL 0.9%% NaCl",
            placeholder="e.g. 100 mL 0.9% NaCl",
            metavar="TEXT",
            limit=120,
            message_label="Diluent and bag",
            chart_block="preparation",
        ),
    ] = ""
    filter: Annotated[
        str,
        EncounterField(
            label="Filter used",
            flag="--filter",
            parser="text",
            help="in-line filter used, if any",
            placeholder="e.g. 0.2 micron in-line",
            metavar="TEXT",
            limit=80,
            message_label="Filter",
            chart_block="preparation",
        ),
    ] = ""
    rate_changes: Annotated[
        str,
        EncounterField(
            label="Rate changes",
            flag="--rate-changes",
            parser="text",
            help="infusion rate changes as charted, free text",
            placeholder="e.g. slowed to 50 mL/h at 10:05",
            metavar="TEXT",
            limit=500,
            message_label="Rate changes",
            multiline=True,
            chart_block="closing",
        ),
    ] = ""
    observation: Annotated[
        str,
        EncounterField(
            label="Post-infusion observation",
            flag="--observation",
            parser="text",
            help="post-infusion observation: how long, and what was seen",
            placeholder="e.g. 60 min, no reaction",
            metavar="TEXT",
            limit=200,
            message_label="Post-infusion observation",
            chart_block="closing",
        ),
    ] = ""
    waste_reason: Annotated[
        str,
        EncounterField(
            label="Waste reason",
            flag="--waste-reason",
            parser="text",
            help="why the drug left over was discarded",
            placeholder="e.g. dose reduced per order",
            metavar="TEXT",
            limit=200,
            message_label="The waste reason",
        ),
    ] = ""
    waste_witness: Annotated[
        str,
        EncounterField(
            label="Waste witness",
            flag="--witness",
            parser="text",
            help="who witnessed the waste",
            placeholder=_NAME,
            metavar="NAME",
            limit=80,
            message_label="The waste witness",
        ),
    ] = ""
    nurse: Annotated[
        str,
        EncounterField(
            label="Administered by (nurse)",
            flag="--nurse",
            parser="text",
            help="administering nurse",
            placeholder=_NAME,
            limit=80,
            message_label="Nurse",
            chart_label="Administered by",
        ),
    ] = ""
    provider: Annotated[
        str,
        EncounterField(
            label="Ordering provider",
            flag="--provider",
            parser="text",
            help="ordering/supervising provider",
            placeholder=_NAME,
            limit=80,
            message_label="Provider",
            chart_label="Ordering/supervising provider",
        ),
    ] = ""
    site: Annotated[
        str,
        EncounterField(
            label="Site of care",
            flag="--site",
            parser="text",
            help="site of care",
            placeholder="e.g. infusion center, chair 4",
            limit=80,
            message_label="Site of care",
        ),
    ] = ""
    events: Annotated[
        str,
        EncounterField(
            label="Adverse events / deviations",
            flag="--events",
            parser="text",
            help="adverse events or deviations, free text",
            placeholder="none, or what happened",
            metavar="TEXT",
            limit=1000,
            message_label="Adverse events/deviations",
            multiline=True,
            chart_block="closing",
        ),
    ] = ""


def _rows(declared: type[EncounterText]) -> tuple[EncounterField, ...]:
    """Each field's row from its annotation, named, in the order the fields are declared."""
    hints = get_type_hints(declared, include_extras=True)
    return tuple(_row_of(name, hints[name])._replace(name=name) for name in declared._fields)


def _row_of(name: str, hint: object) -> EncounterField:
    rows = [row for row in getattr(hint, "__metadata__", ()) if isinstance(row, EncounterField)]
    if len(rows) != 1:
        raise TypeError(f"EncounterText.{name} needs one EncounterField in its annotation")
    return rows[0]


ENCOUNTER_FIELDS = _rows(EncounterText)
FIELD = {field.name: field for field in ENCOUNTER_FIELDS}
