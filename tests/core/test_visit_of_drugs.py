"""The app's visit (drugs calculated one by one, core/visit/visit_of_drugs.py) bills as the CLI's
visit file: the same drug lines, the same administration codes, by the site's setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infusion_calc.core.errors import SiteConfigError
from infusion_calc.core.pipeline.site_config import parse_site_config
from infusion_calc.core.visit.visit import VisitResult, VisitTools, run_visit
from infusion_calc.core.visit.visit_file import read_visit
from infusion_calc.core.visit.visit_of_drugs import visit_of
from infusion_calc.loading import Context

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "visit-rituximab.toml"


def _codes(result: VisitResult) -> list[tuple[str, int, tuple[str, ...]]]:
    return [(line.code, line.units, line.modifiers) for line in result.codes.lines]


def test_the_readme_visit_added_drug_by_drug_bills_as_the_visit_file() -> None:
    context = Context()
    from_file = run_visit(
        read_visit(EXAMPLE.read_text(encoding="utf-8")), VisitTools(context.site())
    )
    added = visit_of(
        list(reversed(from_file.drugs)), "office", context.policy
    )  # added in any order
    assert (
        _codes(added) == _codes(from_file) == [("96413", 1, ()), ("96415", 3, ()), ("96375", 2, ())]
    )
    assert added.drug_lines == from_file.drug_lines
    assert (
        added.spec.encounter["date"] == "2026-03-02" and added.spec.encounter["payer"] == "medicare"
    )
    assert [item.spec.values["route"] for item in added.administrations] == [
        "push",
        "push",
        "infusion",
    ]


DRUGS = [
    ("Rituxan", "375 mg/m2"),
    ("Venofer", "200 mg"),
    ("Tysabri", "300 mg"),
    ("Remicade", "5 mg/kg"),
    ("Entyvio", "300 mg"),
]
TIMES = [("09:00", "09:04"), ("09:10", "09:40"), ("10:00", "11:31"), ("12:00", "16:15")]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sampled_from(DRUGS), min_size=1, max_size=4),
    st.sampled_from(["office", "hospital"]),
    st.randoms(),
)
def test_a_visit_added_in_any_order_has_the_files_drug_lines_and_codes(
    picked: list[tuple[str, str]],
    setting: str,
    shuffle: object,
) -> None:
    context = Context()
    blocks = [
        f'[[administration]]\ndrug = "{drug}"\ndose = "{dose}"\nroute = "infusion"\n'
        f'start = "{TIMES[n][0]}"\nstop = "{TIMES[n][1]}"\n'
        for n, (drug, dose) in enumerate(picked)
    ]
    visit = read_visit(
        f'date = "2026-03-02"\nsetting = "{setting}"\nweight = "70 kg"\nbsa = "1.9 m2"\n'
        + "".join(blocks)
    )
    from_file = run_visit(visit, VisitTools(context.site()))
    drugs = list(from_file.drugs)
    shuffle.shuffle(drugs)  # type: ignore[attr-defined]
    added = visit_of(drugs, setting, context.policy)
    assert (
        added.drug_lines == from_file.drug_lines
    )  # each drug's lines, in time order, exactly the file's
    assert _codes(added) == _codes(from_file)


def test_the_site_config_names_the_visit_setting() -> None:
    assert parse_site_config("", "config.toml").administration.setting == "office"
    assert (
        parse_site_config(
            '[administration]\nsetting = "hospital"\n', "config.toml"
        ).administration.setting
        == "hospital"
    )
    with pytest.raises(SiteConfigError, match=r"config.toml: \[administration\] field 'setting'"):
        parse_site_config('[administration]\nsetting = "clinic"\n', "config.toml")


def test_an_unknown_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="expected office or hospital"):
        visit_of([], "clinic", Context().policy)
