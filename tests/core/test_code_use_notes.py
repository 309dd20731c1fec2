"""Codes that share a drug but not a use say which is which (issue 18 §4: Feraheme).

Q0138 is ferumoxytol for non-ESRD use, Q0139 for ESRD on dialysis (CMS long descriptors):
a pick list that shows both must say so, or the wrong code is one keypress away.
"""

from __future__ import annotations

import pytest

from infusion_calc.core.catalog.code_choices import drug_choices, use_note
from tests.catalog_entries import coded

FERAHEME = [
    (
        "Injection, ferumoxytol, for treatment of iron deficiency anemia, 1 mg (non-esrd use)",
        "non-ESRD use",
    ),
    (
        "Injection, ferumoxytol, for treatment of iron deficiency anemia, "
        "1 mg (for esrd on dialysis)",
        "for ESRD on dialysis",
    ),
    ("Injection, natalizumab, 1 mg", None),
    (
        "Injection, immune globulin, (gammagard liquid), non-lyophilized, (e.g., liquid), 500 mg",
        None,
    ),
]


@pytest.mark.parametrize(("descriptor", "note"), FERAHEME)
def test_the_use_a_descriptor_ends_with(descriptor: str, note: str | None) -> None:
    assert use_note(descriptor) == note


def test_the_cli_pick_list_says_which_feraheme_code_is_esrd(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from infusion_calc.cli import main

    assert main(["calc", "--drug", "feraheme", "--dose", "510 mg"]) == 2
    err = capsys.readouterr().err
    assert "Q0138 ferumoxytol (Feraheme, Ferumoxytol) — non-ESRD use" in err
    assert "Q0139 ferumoxytol (Feraheme, Ferumoxytol) — for ESRD on dialysis" in err


def test_the_app_label_says_it_too() -> None:
    from infusion_calc.catalog_cache import load
    from infusion_calc.tui.calculator import drug_label

    catalog = load().catalog
    assert drug_label(coded(catalog, "Q0139")).endswith("· Q0139 · for ESRD on dialysis")
    assert "non-ESRD" in drug_choices([coded(catalog, "Q0138")])
