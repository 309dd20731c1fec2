"""The indications file's strict reader: codes and headers as the sources give them,
nothing looser."""

from __future__ import annotations

import pytest

from infusion_calc.core.catalog.indications import parse_rules
from infusion_calc.core.errors import CatalogError

BASE = """
[[code]]
code = "K50.10"
sources = ["s"]

[[code]]
code = "K50.11"
billable = false
sources = ["s"]

[[indication]]
generic = "testmab"
unlisted = "warning"
basis = "the label"
sources = ["s"]

  [[indication.diagnosis]]
  codes = ["K50.10"]
  headers = ["K50.11"]
  indication = "Crohn's disease"

[[rems]]
hcpcs = "J2323"
program = "TOUCH"
requires = "the checklist"
sources = ["s"]
"""


def test_a_header_matches_its_codes_one_digit_longer_and_nothing_else() -> None:
    indications = parse_rules(BASE, "test").for_drug("testmab")
    assert indications is not None
    rule = indications.diagnosis[0]
    assert [code for code in ("K50.10", "K50.110", "K50.119") if rule.matches(code)] == [
        "K50.10",
        "K50.110",
        "K50.119",
    ]
    assert not any(
        rule.matches(code)
        for code in ("K50.11", "K50.1", "K50.11Z", "K50.1111", "K50.12", "K50.ZZZ", "K50.1١")
    )
    assert rule.shown == ("K50.10", "K50.11x")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            ('headers = ["K50.11"]', 'headers = ["K50.10"]'),
            "header(s) K50.10 must be listed under [[code]] with billable = false",
        ),
        (
            ('headers = ["K50.11"]', 'headers = ["K50.12"]'),
            "code(s) K50.12 not listed under [[code]]",
        ),
        (('headers = ["K50.11"]', 'prefixes = ["K50."]'), "unknown field(s) prefixes"),
        (
            ('hcpcs = "J2323"', 'hcpcs = "J٢٣٢٣"'),
            "field 'hcpcs'",
        ),  # Arabic-Indic digits are no HCPCS code
        (('code = "K50.10"', 'code = "K٥0.10"'), "field 'code'"),
    ],
)
def test_a_loose_or_inconsistent_entry_is_refused_naming_it(
    change: tuple[str, str], says: str
) -> None:
    old, new = change
    with pytest.raises(CatalogError) as caught:
        parse_rules(BASE.replace(old, new), "test")
    assert says in str(caught.value)
