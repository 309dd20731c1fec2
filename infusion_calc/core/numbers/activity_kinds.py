"""The activity kinds units.txt defines, and how each is typed and printed
(read by core/numbers/units.py)."""

from __future__ import annotations

# The activity kinds units.txt defines, one dimension each: what a kind is printed as, and
# which typed words (the generic "unit", "IU") a person may use for it. "units" is accepted
# for an IU product (its label's unit is the IU); "IU" never for a product whose units are
# not international (Botox units are not IU).
ACTIVITY_KINDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    # kind: (dimension, printed, typed words accepted)
    "unit": ("[activity]", "units", ("unit",)),
    "IU": ("[international_activity]", "IU", ("IU", "unit")),
    "usp_unit": ("[usp_activity]", "USP units", ("unit",)),
    "onabotulinumtoxinA_unit": ("[onabotulinumtoxinA]", "units", ("unit",)),
    "abobotulinumtoxinA_unit": ("[abobotulinumtoxinA]", "units", ("unit",)),
    "incobotulinumtoxinA_unit": ("[incobotulinumtoxinA]", "units", ("unit",)),
    "rimabotulinumtoxinB_unit": ("[rimabotulinumtoxinB]", "units", ("unit",)),
    "factor_viii_iu": ("[factor_viii]", "IU", ("IU", "unit")),
    "factor_ix_iu": ("[factor_ix]", "IU", ("IU", "unit")),
    "heparin_usp_unit": ("[heparin]", "USP units", ("unit",)),
    "dose": (
        "[dose_count]",
        "doses",
        ("dose",),
    ),  # a code billed per dose: its amount is doses given
}
TYPED_ACTIVITY = ("unit", "IU", "dose")
"""The spellings a typed activity word maps to (units._SPELLINGS)."""
