"""What one encounter field's row says (label, CLI option, parser, limit, help, chart label), and
the formats and payer types the help and the parsers' messages name. The rows themselves ride in
`EncounterText`'s annotations (core/record/encounter_fields.py). Standard library only: every
command, `--version` too, imports it through cli/common.py.
"""

from enum import Enum
from typing import Literal, NamedTuple

Parser = Literal["date_time", "clock", "dx", "payer", "text", "flag", "lots", "expires", "dose"]
"""How the typed text is read: core/record/encounter.py maps each to its strict parser ("dose" is
the engine's, since the amount given changes the billed units)."""

ChartBlock = Literal["dose", "preparation", "closing"]
"""The chart note's blocks that list free-text fields: with the route, after the volume drawn,
after the infusion's times."""


class EncounterField(NamedTuple):
    """One field's row, written with keywords only (a test reads every row's source), so no value
    lands in the wrong column. A NamedTuple, not a dataclass: it is made on every start-up, and a
    frozen dataclass costs eight times as much to make."""

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
    """The field's name starting a message about its text ("The waste reason contains ...")."""
    multiline: bool = False
    """Free text that may span lines (narrative fields only)."""
    chart_label: str = ""
    """The field's label in the chart note, when it differs from `message_label` and `label`."""
    chart_yes: str = ""
    """What the chart note writes after the label of a ticked box ("Consent: on file")."""
    chart_block: ChartBlock | None = None
    """Where the chart note writes a free-text field on a line of its own, after its label (in
    declaration order within the block); None for a field the note words itself."""
    name: str = ""
    """The `EncounterText` attribute and the CLI option's destination (from the declaration)."""

    @property
    def in_chart(self) -> str:
        """The label the chart note writes before the field's text ("Site of care: ...")."""
        return self.chart_label or self.message_label or self.label


DATE_TIME_FORMAT = "YYYY-MM-DD HH:MM (24-hour, e.g. 2026-03-02 14:05)"
SERVICE_DATE_FORMAT = (
    "YYYY-MM-DD, or YYYY-MM-DD HH:MM with the time (24-hour, e.g. 2026-03-02 14:05)"
)
CLOCK_FORMAT = "HH:MM (24-hour, e.g. 09:05) or YYYY-MM-DD HH:MM"
EXPIRY_FORMAT = "YYYY-MM-DD or YYYY-MM (e.g. 2027-03)"


class Payer(str, Enum):
    MEDICARE = "medicare"
    """Original Medicare (Part B fee-for-service): the MAC's articles apply."""
    MEDICARE_ADVANTAGE = "medicare-advantage"
    """A Medicare Advantage (Part C) plan: its own coverage policies and prior authorization."""
    MEDICAID = "medicaid"
    COMMERCIAL = "commercial"

    @property
    def words(self) -> str:
        """As a person reads it: "Medicare Advantage"."""
        return self.value.replace("-", " ").title()


PAYER_CHOICES = (
    ", ".join(payer.value for payer in list(Payer)[:-1]) + f" or {list(Payer)[-1].value}"
)
"""The payer types a person may type, for the help: "medicare, ..., medicaid or commercial"."""
