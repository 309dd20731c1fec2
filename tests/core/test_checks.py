"""Pre-submission checks: each code fires on the case it exists for,
and stays quiet on its neighbour.

The neighbour differs from the triggering case by the one detail the check is about, so a
check that fired always, or never, fails here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from infusion_calc.core.calculation.billing import ClaimLine
from infusion_calc.core.calculation.engine import Calculation, calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import NATALIZUMAB_J2326_MESSAGE, Catalog, parse_catalog
from infusion_calc.core.checks.checks import Severity, SitePolicy, run_checks
from infusion_calc.core.record.check_types import Check
from infusion_calc.core.record.encounter import Encounter, EncounterText, parse_encounter
from infusion_calc.loading import clinical_rules
from tests.catalog_entries import drug_entry, product_entry

TODAY = date(2026, 3, 2)

# A natalizumab encounter with nothing to flag (only the administration code suggestion).
CLEAN: dict[str, Any] = dict(
    given_at="2026-03-02 09:40",
    dx="G35.A",
    payer="medicare",
    lots=("TY2291",),
    expires=("2027-03",),
    start="09:40",
    stop="10:45",
    rems_checked=True,
    waste_reason="dose reduced per order",
    waste_witness="Ana Ruiz, RN",
    observation="60 min, no reaction",
)

LinesEditor = Callable[[Sequence[ClaimLine]], list[ClaimLine]]
"""Changes the engine's claim lines as a biller editing an exported claim would."""
Case = Callable[[Catalog], tuple[Check, ...]]

MULTI_DOSE_SITE = drug_entry(
    "J9998",
    generic="testmab",
    billing_unit="10 mg",
    products=[product_entry("Testmab", strength="100 mg", volume="10 mL", container="multi-dose")],
)


def encounter(**changes: Any) -> Encounter:
    return parse_encounter(EncounterText(**(CLEAN | changes)))


def calc_for(catalog: Catalog, dose: str = "300 mg", **request: Any) -> Calculation:
    return calculate(catalog, CalcRequest(dose=dose, **request))


def codes(checks: Sequence[Check]) -> dict[str, Severity]:
    return {check.code: check.severity for check in checks}


def run(
    catalog: Catalog,
    dose: str = "300 mg",
    request: dict[str, Any] | None = None,
    lines: LinesEditor | None = None,
    policy: SitePolicy | None = None,
    earlier: tuple[date, ...] = (),
    **changes: Any,
) -> tuple[Check, ...]:
    calc = calc_for(catalog, dose, **(request or {}))
    chosen = lines(calc.lines) if lines else None
    return run_checks(
        calc,
        encounter(**changes),
        lines=chosen,
        catalog=catalog,
        rules=clinical_rules(),
        today=TODAY,
        policy=policy,
        earlier_doses=earlier,
    )


SITE_340B = SitePolicy(acquired_340b=True)
SPINRAZA = {"hcpcs": "J2326"}


def spinraza_run(
    catalog: Catalog, given_at: str, earlier: list[str], payer: str = "medicare"
) -> tuple[Check, ...]:
    """A clean nusinersen encounter on `given_at` with earlier doses on the dates given."""
    return run(
        catalog,
        "12 mg",
        SPINRAZA,
        dx="G12.0",
        given_at=f"{given_at} 09:40",
        payer=payer,
        start="",
        stop="",
        rems_checked=False,
        earlier=tuple(date.fromisoformat(day) for day in earlier),
    )


# Loading doses on days 0, 14, 28 and 63, then every 4 months (the label's schedule).
SPINRAZA_SCHEDULE = [
    "2025-01-06",
    "2025-01-20",
    "2025-02-03",
    "2025-03-10",
    "2025-07-10",
    "2025-11-10",
]


def edit(index: int, **fields: Any) -> LinesEditor:
    """A lines editor: change one field of line `index`
    (as a biller editing an exported claim would)."""

    def apply(lines: Sequence[ClaimLine]) -> list[ClaimLine]:
        edited = list(lines)
        edited[index] = replace(edited[index], **fields)
        return edited

    return apply


def _with_jw_line(units: int) -> LinesEditor:
    """A lines editor: the administered line without JZ, plus a JW line of `units`."""

    def apply(lines: Sequence[ClaimLine]) -> list[ClaimLine]:
        return [replace(lines[0], modifiers=()), replace(lines[0], modifiers=("JW",), units=units)]

    return apply


ONE_UNIT_VIAL = {"hcpcs": "J9999", "billing_unit": "10 mg", "vials": ("10 mg/1 mL",)}
"""A vial that holds exactly one 10 mg billing unit: 7 mg from it is one JZ line, never JW."""


def multi_dose_run(catalog: Catalog, lines: LinesEditor | None = None) -> tuple[Check, ...]:
    site = catalog.merged_with(parse_catalog(MULTI_DOSE_SITE, "site"))
    calc = calculate(site, CalcRequest(dose="70 mg", hcpcs="J9998"))
    return run_checks(
        calc,
        encounter(dx="", rems_checked=False),
        lines=lines(calc.lines) if lines else None,
        catalog=site,
        rules=clinical_rules(),
        today=TODAY,
    )


def test_clean_natalizumab_encounter_only_gets_the_administration_code(catalog: Catalog) -> None:
    checks = run(catalog)
    assert [check.code for check in checks] == ["ADMIN_CODE"]
    assert "96413 × 1" in checks[0].message and "PARTIAL" in checks[0].message


# (code, severity, triggering case, quiet neighbour); each case is a function of the catalog.
CASES = [
    ("DX_MISSING", "warning", lambda c: run(c, dx=""), lambda c: run(c)),
    (
        "DX_NOT_BILLABLE",
        "error",
        lambda c: run(c, dx="G35"),
        lambda c: run(c, dx="G35", given_at="2025-09-15 09:40"),
    ),
    (
        "DX_NOT_YET_VALID",
        "error",
        lambda c: run(c, dx="G35.A", given_at="2025-09-30 09:40"),
        lambda c: run(c, dx="G35.A", given_at="2025-10-01 09:40"),
    ),
    ("DX_NOT_INDICATED", "warning", lambda c: run(c, dx="G35.B1"), lambda c: run(c, dx="K50.111")),
    ("DX_SUPPORT_NEEDED", "warning", lambda c: run(c, dx="G35.C0"), lambda c: run(c, dx="G35.C1")),
    (
        "DX_NOT_CHECKED",
        "info",
        lambda c: run(c, "5 mg/kg", {"drug": "remicade", "weight": "73 kg"}, dx="K50.10"),
        lambda c: run(c, dx="K50.10"),
    ),
    ("PAYER_MISSING", "info", lambda c: run(c, payer=""), lambda c: run(c)),
    (
        "PA_MISSING",
        "info",
        lambda c: run(c, payer="medicaid"),
        lambda c: run(c, payer="medicaid", prior_auth="M-1"),
    ),
    (
        "STEP_THERAPY_NOT_ATTESTED",
        "info",
        lambda c: run(c, payer="commercial", prior_auth="P-1"),
        lambda c: run(c, payer="commercial", prior_auth="P-1", step_therapy=True),
    ),
    (
        "CODE_DRUG_MISMATCH",
        "error",
        lambda c: run(c, lines=edit(0, hcpcs="J2326")),
        lambda c: run(c),
    ),
    (
        "NDC_DRUG_MISMATCH",
        "error",
        lambda c: run(c, lines=edit(0, ndc="57894003001")),
        lambda c: run(c),
    ),
    (
        "MODIFIER_59_ON_DRUG",
        "error",
        lambda c: run(c, lines=edit(0, modifiers=("JZ", "59"))),
        lambda c: run(c),
    ),
    (
        "RT_LT_ON_SYSTEMIC",
        "warning",
        lambda c: run(c, lines=edit(0, modifiers=("JZ", "RT"))),
        # a code entered by hand has no known route ("as ordered"): a side may be right there
        lambda c: run(
            c,
            "70 mg",
            {"hcpcs": "J9999", "billing_unit": "10 mg", "vials": ("100 mg/10 mL",)},
            lines=edit(0, modifiers=("RT",)),
        ),
    ),
    (
        "JW_AND_JZ_ON_LINE",
        "error",
        lambda c: run(c, "250 mg", lines=edit(1, modifiers=("JW", "JZ"))),
        lambda c: run(c, "250 mg"),
    ),
    (
        "JW_JZ_MULTI_DOSE",
        "error",
        lambda c: multi_dose_run(c, edit(0, modifiers=("JZ",))),
        lambda c: multi_dose_run(c),
    ),
    (
        "JW_UNDER_ONE_UNIT",
        "error",
        lambda c: run(c, "250 mg", lines=edit(1, units=0)),
        lambda c: run(c, "250 mg"),
    ),
    (
        "JW_DOSE_UNDER_ONE_UNIT",
        "error",  # a JW line although one unit covers all that was opened
        lambda c: run(c, "7 mg", ONE_UNIT_VIAL, lines=_with_jw_line(1)),
        # a dose under one unit from a vial of many units: the
        # JW line is right (0.5 mg of Tysabri: 1 + JW 299)
        lambda c: run(c, "0.5 mg", lines=_with_jw_line(299)),
    ),
    (
        "ADMIN_UNITS_DIFFER",
        "error",
        lambda c: run(c, "250 mg", lines=edit(0, units=251)),
        lambda c: run(c, "250 mg"),
    ),
    ("JWJZ_MISSING", "error", lambda c: run(c, lines=edit(0, modifiers=())), lambda c: run(c)),
    (
        "JZ_BUT_DISCARDED",
        "error",
        lambda c: run(c, "250 mg", lines=lambda lines: [replace(lines[0], modifiers=("JZ",))]),
        lambda c: run(c, "250 mg"),
    ),
    (
        "JW_OVER_LABELED",
        "error",
        lambda c: run(c, "250 mg", lines=edit(1, units=60)),
        lambda c: run(c, "250 mg"),
    ),
    (
        "JW_UNITS_DIFFER",
        "warning",
        lambda c: run(c, "250 mg", lines=edit(1, units=40)),
        lambda c: run(c, "250 mg"),
    ),
    ("DOSE_NOT_LABELED", "warning", lambda c: run(c, "250 mg"), lambda c: run(c, "300 mg")),
    ("REMS_NOT_CONFIRMED", "error", lambda c: run(c, rems_checked=False), lambda c: run(c)),
    ("LOT_MISSING", "warning", lambda c: run(c, expires=()), lambda c: run(c)),
    (
        "LOT_COUNT",
        "warning",
        lambda c: run(c, lots=("A1", "A2"), expires=("2027-03", "2027-03")),
        lambda c: run(c),
    ),
    (
        "VIAL_EXPIRED",
        "error",
        lambda c: run(c, expires=("2026-02",)),
        lambda c: run(c, expires=("2026-03",)),
    ),
    (
        "WASTE_UNDOCUMENTED",
        "warning",
        lambda c: run(c, "250 mg", waste_reason=""),
        # no witness is no gap unless the site asks for one (no Medicare source requires it)
        lambda c: run(c, "250 mg", waste_witness=""),
    ),
    ("DOSE_OUT_OF_RANGE", "error", lambda c: run(c, "300 mL"), lambda c: run(c, "250 mg")),
    (
        "VIAL_PLAN_NOT_LEAST_WASTE",
        "warning",
        lambda c: run(c, "240 mg", {"drug": "belimumab", "vials": ("400 mg",)}),
        lambda c: run(c, "240 mg", {"drug": "belimumab"}),
    ),
    (
        "NUSINERSEN_FREQUENCY",
        "error",
        lambda c: spinraza_run(c, "2025-12-01", SPINRAZA_SCHEDULE),
        lambda c: spinraza_run(c, "2026-03-10", SPINRAZA_SCHEDULE),
    ),
    (
        "JG_DISCONTINUED",
        "error",
        lambda c: run(c, lines=edit(0, modifiers=("JZ", "JG"))),
        lambda c: run(
            c, lines=edit(0, modifiers=("JZ", "JG")), given_at="2024-12-31 09:40", dx="G35"
        ),
    ),
    (
        "MODIFIER_340B_MISSING",
        "error",
        lambda c: run(c, policy=SITE_340B),
        lambda c: run(c, policy=SITE_340B, lines=edit(0, modifiers=("JZ", "TB"))),
    ),
    (
        "MODIFIER_340B_BY_HAND",
        "warning",
        lambda c: run(c, policy=SITE_340B, given_at="2024-12-31 09:40", dx="G35"),
        lambda c: run(
            c,
            policy=SITE_340B,
            lines=edit(0, modifiers=("JZ", "TB")),
            given_at="2025-01-01 09:40",
            dx="G35",
        ),
    ),
    (
        "WASTE_TIME_MISSING",
        "warning",
        lambda c: run(c, "250 mg", given_at=""),
        lambda c: run(c, "300 mg", given_at=""),
    ),
    (
        "ADMIN_TIMES_MISSING",
        "warning",
        lambda c: run(c, stop=""),
        lambda c: run(c, "12 mg", {"hcpcs": "J2326"}, dx="G12.0", start="", stop=""),
    ),
    (
        "ADMIN_NOT_INFUSION",
        "warning",
        lambda c: run(c, start="09:40", stop="09:55"),
        lambda c: run(c, start="09:40", stop="09:56"),
    ),
    (
        "ADMIN_CODE",
        "info",
        lambda c: run(c, start="09:40", stop="09:56"),
        lambda c: run(c, start="09:40", stop="09:55"),
    ),
]


@pytest.mark.parametrize("code, severity, trigger, _quiet", CASES, ids=[case[0] for case in CASES])
def test_check_fires_with_its_severity(
    catalog: Catalog, code: str, severity: str, trigger: Case, _quiet: Case
) -> None:
    checks = trigger(catalog)
    found = codes(checks)
    assert found.get(code) == Severity(severity), found
    assert_registered(checks)


def assert_registered(checks: Sequence[Check]) -> None:
    """Every finding carries a code declared in the registry,
    with one of its declared severities."""
    from infusion_calc.core.checks.checks import registry

    declared = registry()
    for check in checks:
        assert check.code in declared, f"{check.code} is emitted but not in the registry"
        assert check.severity in declared[check.code].spec.severities, check


@pytest.mark.parametrize("code, _severity, _trigger, quiet", CASES, ids=[case[0] for case in CASES])
def test_check_stays_quiet_on_its_neighbour(
    catalog: Catalog, code: str, _severity: str, _trigger: Case, quiet: Case
) -> None:
    assert code not in codes(quiet(catalog))


def test_every_registered_check_code_has_a_case() -> None:
    from infusion_calc.core.checks.checks import registry

    # Tested elsewhere: the record checks (test_record_checks.py), the fallback when a check
    # raises, and the checks only a whole visit makes (test_cli_visit.py).
    elsewhere = {
        "DOSE_GIVEN_NO_REASON",
        "OBSERVATION_NOT_RECORDED",
        "CHECKS_FAILED",
        "VISIT_TIMES_MISSING",
        "VISIT_NOT_BILLED",
    }
    assert set(registry()) - elsewhere == {case[0] for case in CASES}


def test_errors_come_first_then_warnings_then_info(catalog: Catalog) -> None:
    checks = run(catalog, "250 mg", dx="", payer="", rems_checked=False)
    order = [check.severity for check in checks]
    assert order == sorted(order, key=[Severity.ERROR, Severity.WARNING, Severity.INFO].index)
    assert order[0] is Severity.ERROR and order[-1] is Severity.INFO


# --- what the messages tell the biller to do ---


def message(checks: Sequence[Check], code: str) -> str:
    return next(check.message for check in checks if check.code == code)


def test_g35_after_fy2026_names_the_codes_to_use_instead(catalog: Catalog) -> None:
    text = message(run(catalog, dx="G35"), "DX_NOT_BILLABLE")
    assert (
        "non-billable header for services on or after 1 Oct 2025 (this service: 2 Mar 2026)" in text
    )
    assert "G35.A, G35.B0, G35.B1, G35.B2, G35.C0, G35.C1, G35.C2, G35.D" in text
    assert "For natalizumab: G35.A or G35.C1." in text


def test_without_a_date_given_today_decides_whether_g35_is_billable(catalog: Catalog) -> None:
    calc = calc_for(catalog)
    no_date = parse_encounter(EncounterText(dx="G35", rems_checked=True))
    assert "DX_NOT_BILLABLE" not in codes(
        run_checks(calc, no_date, catalog=catalog, rules=clinical_rules(), today=date(2025, 9, 30))
    )
    assert "DX_NOT_BILLABLE" in codes(
        run_checks(calc, no_date, catalog=catalog, rules=clinical_rules(), today=date(2025, 10, 1))
    )


def test_a_code_with_subcodes_is_a_header_too(catalog: Catalog) -> None:
    assert codes(run(catalog, dx="K50.0"))["DX_NOT_BILLABLE"] is Severity.ERROR
    assert codes(run(catalog, dx="K50.91"))["DX_NOT_BILLABLE"] is Severity.ERROR
    assert "DX_NOT_BILLABLE" not in codes(run(catalog, dx="K50.90"))


@pytest.mark.parametrize("dx", ["K50.ZZZ", "K50.9999", "K50.11Z", "K50.115A", "K50.02"])
def test_a_code_that_only_starts_like_crohns_is_not_taken_for_the_indication(
    catalog: Catalog, dx: str
) -> None:
    checks = codes(run(catalog, dx=dx))
    assert checks["DX_NOT_INDICATED"] is Severity.WARNING


@pytest.mark.parametrize(
    "dx", ["K50.00", "K50.014", "K50.10", "K50.111", "K50.819", "K50.90", "K50.918"]
)
def test_the_listed_crohns_codes_and_their_sixth_character_subcodes_pass(
    catalog: Catalog, dx: str
) -> None:
    assert not {code for code in codes(run(catalog, dx=dx)) if code.startswith("DX_")}


def test_a_crohns_header_points_at_its_subcodes(catalog: Catalog) -> None:
    text = message(run(catalog, dx="K50.11"), "DX_NOT_BILLABLE")
    assert "K50.11 is a non-billable header" in text and "For natalizumab: K50.11x." in text


def test_a_jw_line_when_one_unit_covers_the_vial_is_one_error_saying_to_drop_it(
    catalog: Catalog,
) -> None:
    checks = run(catalog, "7 mg", ONE_UNIT_VIAL, lines=_with_jw_line(1))
    text = message(checks, "JW_DOSE_UNDER_ONE_UNIT")
    assert text.startswith(
        "Remove J9999-JW × 1: the dose of 7 mg is billed as one unit of 10 mg, "
        "which already covers all 10 mg opened"
    )
    # the fix is to drop the line, not to change its units
    assert not {"JW_UNITS_DIFFER", "JW_OVER_LABELED"} & codes(checks).keys()


def test_a_dose_under_one_unit_with_its_jw_line_passes(catalog: Catalog) -> None:
    """Infliximab 7 mg from a 100 mg vial: J1745 × 1 +
    J1745-JW × 9 is the right claim, not an error."""
    checks = codes(run(catalog, "7 mg", {"drug": "remicade"}, dx=""))
    assert not {code for code in checks if code.startswith(("JW", "JZ"))}


def test_a_dose_given_short_of_the_order_is_checked_against_the_amount_given(
    catalog: Catalog,
) -> None:
    """Tysabri 300 mg ordered, 200 mg given:
    J2323 × 200 + J2323-JW × 100 passes the claim checks."""
    checks = run(catalog, "300 mg", {"dose_given": "200 mg"})
    assert not {code for code in codes(checks) if code.startswith(("JW", "JZ", "ADMIN_UNITS"))}
    text = message(
        run(catalog, "300 mg", {"dose_given": "200 mg"}, lines=edit(0, units=300)),
        "ADMIN_UNITS_DIFFER",
    )
    assert "the amount given, 200 mg, is 200 units of 1 mg" in text


def test_jz_is_caught_even_when_the_engine_wrote_it(catalog: Catalog) -> None:
    """The old engine billed 7 mg of infliximab as J1745-JZ × 1:
    the check computes the waste itself."""
    calc = calc_for(catalog, "7 mg", drug="remicade")
    old_lines = (replace(calc.lines[0], modifiers=("JZ",)),)
    old_engine = replace(calc, billing=replace(calc.billing, discarded_units=0, lines=old_lines))
    checks = run_checks(
        old_engine, encounter(), catalog=catalog, rules=clinical_rules(), today=TODAY
    )
    text = message(checks, "JZ_BUT_DISCARDED")
    assert "93 mg was: 9 billable units of 10 mg" in text


def test_waste_not_billed_under_jz_still_needs_documenting(catalog: Catalog) -> None:
    """Spinraza 11.95 mg: 0.05 mg is discarded, under one 0.1 mg unit, so
    the line is JZ with no JW line (JZ needs a record of the whole vial
    given or of the waste, and the amount discarded is documented)."""
    spinraza = {"hcpcs": "J2326"}
    undocumented = run(catalog, "11.95 mg", spinraza, dx="G12.0", waste_reason="", given_at="")
    assert codes(undocumented)["WASTE_UNDOCUMENTED"] is Severity.WARNING
    text = message(undocumented, "WASTE_UNDOCUMENTED")
    assert text.startswith(
        "0.05 mg of the vial opened is discarded but not billed (J2326-JZ × 120)"
    )
    assert "date, time, amount and reason" in text and text.endswith(
        "Not recorded: the date and time and the reason."
    )
    assert message(
        run(catalog, "11.95 mg", spinraza, dx="G12.0", waste_reason=""), "WASTE_UNDOCUMENTED"
    ).endswith("Not recorded: the reason.")
    assert "WASTE_UNDOCUMENTED" not in codes(
        run(catalog, "11.95 mg", spinraza, dx="G12.0", waste_witness="")
    )
    # nothing discarded: nothing to document
    assert "WASTE_UNDOCUMENTED" not in codes(
        run(catalog, "12 mg", spinraza, dx="G12.0", waste_reason="", waste_witness="")
    )


def test_waste_from_a_multi_dose_vial_is_not_a_jz_documentation_gap(catalog: Catalog) -> None:
    site = catalog.merged_with(parse_catalog(MULTI_DOSE_SITE, "site"))
    calc = calculate(site, CalcRequest(dose="70 mg", hcpcs="J9998"))
    checks = run_checks(
        calc,
        encounter(waste_reason="", waste_witness=""),
        catalog=site,
        rules=clinical_rules(),
        today=TODAY,
    )
    assert calc.billing.discarded_mg > 0 and "WASTE_UNDOCUMENTED" not in codes(checks)


def test_nusinersen_outside_g12_is_an_error_and_g12_passes(catalog: Catalog) -> None:
    spinraza = {"hcpcs": "J2326"}
    assert codes(run(catalog, "12 mg", spinraza, dx="G35.A"))["DX_NOT_INDICATED"] is Severity.ERROR
    text = message(run(catalog, "12 mg", spinraza, dx="G35.A"), "DX_NOT_INDICATED")
    assert "G12.0, G12.1" in text
    for dx in ("G12.0", "G12.1"):
        assert not {
            code for code in codes(run(catalog, "12 mg", spinraza, dx=dx)) if code.startswith("DX_")
        }


def test_natalizumab_off_label_message_lists_the_indicated_codes_and_the_cis_gap(
    catalog: Catalog,
) -> None:
    text = message(run(catalog, dx="G35.B1"), "DX_NOT_INDICATED")
    assert text.startswith("G35.B1 (Active primary progressive multiple sclerosis) is not among")
    assert (
        "use G35.A, G35.C1, K50.00, K50.011," in text
        and "K50.10, K50.11x, K50.80, K50.81x, K50.90, K50.91x" in text
    )
    assert "clinically isolated syndrome is not verified" in text


def test_natalizumab_billed_as_j2326_gets_the_explanation(catalog: Catalog) -> None:
    assert (
        message(run(catalog, lines=edit(0, hcpcs="J2326")), "CODE_DRUG_MISMATCH")
        == NATALIZUMAB_J2326_MESSAGE
    )
    other = message(run(catalog, lines=edit(0, hcpcs="J1745")), "CODE_DRUG_MISMATCH")
    assert other.startswith(
        "J1745 is Injection, infliximab, excludes biosimilar, 10 mg (infliximab)"
    )
    assert "bill it as J2323" in other


def test_ndc_of_another_catalog_drug_is_named(catalog: Catalog) -> None:
    text = message(run(catalog, lines=edit(0, ndc="57894003001")), "NDC_DRUG_MISMATCH")
    assert "an NDC of infliximab (Remicade) (J1745)" in text


def test_missing_modifier_says_whether_to_add_jz_or_a_jw_line(catalog: Catalog) -> None:
    assert "add JZ" in message(run(catalog, lines=edit(0, modifiers=())), "JWJZ_MISSING")
    dropped_jw = lambda lines: [lines[0]]  # noqa: E731 - the JW line removed from a 250 mg claim
    assert "bill the 50 discarded units on a separate JW line" in message(
        run(catalog, "250 mg", lines=dropped_jw), "JWJZ_MISSING"
    )


def test_over_labeled_says_how_many_jw_units_fit(catalog: Catalog) -> None:
    text = message(run(catalog, "250 mg", lines=edit(1, units=60)), "JW_OVER_LABELED")
    assert "250 + JW 60 = 310 units, more than the 300 units" in text and "at most 50" in text
    assert "JW_UNITS_DIFFER" not in codes(run(catalog, "250 mg", lines=edit(1, units=60)))


def test_jw_more_than_discarded_but_within_the_labels_is_an_error(catalog: Catalog) -> None:
    shifted = lambda lines: [  # noqa: E731
        replace(lines[0], units=240),
        replace(lines[1], units=60),
    ]
    assert codes(run(catalog, "250 mg", lines=shifted))["JW_UNITS_DIFFER"] is Severity.ERROR


def test_multi_dose_lines_need_no_modifier(catalog: Catalog) -> None:
    found = codes(multi_dose_run(catalog))
    assert not {"JWJZ_MISSING", "JW_JZ_MULTI_DOSE", "JZ_BUT_DISCARDED"} & found.keys()


def test_tyruko_rems_is_its_own_program(catalog: Catalog) -> None:
    text = message(
        run(catalog, request={"drug": "Tyruko"}, rems_checked=False), "REMS_NOT_CONFIRMED"
    )
    assert "Tyruko REMS program" in text and "TOUCH" not in text
    assert "TOUCH Prescribing Program" in message(
        run(catalog, rems_checked=False), "REMS_NOT_CONFIRMED"
    )
    assert "REMS_NOT_CONFIRMED" not in codes(
        run(catalog, "12 mg", {"hcpcs": "J2326"}, dx="G12.0", rems_checked=False)
    )


def test_lot_messages_name_the_vials_missing(catalog: Catalog) -> None:
    infliximab = {"drug": "remicade", "weight": "73 kg"}
    text = message(
        run(catalog, "5 mg/kg", infliximab, lots=("A", "A"), expires=("2027-01", "2027-01")),
        "LOT_MISSING",
    )
    assert "vials 3, 4 of 4" in text
    assert "the vial opened" in message(run(catalog, lots=(), expires=()), "LOT_MISSING")


def test_expired_vial_message_gives_the_last_usable_day(catalog: Catalog) -> None:
    text = message(run(catalog, expires=("2026-02",)), "VIAL_EXPIRED")
    assert text.startswith(
        "Vial 1 expired (2026-02, last usable day 28 "
        "Feb 2026) before the date of service 2 Mar 2026"
    )


def test_waste_message_asks_for_date_time_amount_and_reason(catalog: Catalog) -> None:
    text = message(run(catalog, "250 mg", waste_reason=""), "WASTE_UNDOCUMENTED")
    assert text == (
        "J2323-JW × 50 bills discarded drug: the record must show the date, time, amount and "
        "reason of the waste (the amount, 50 mg, is in the chart note). Not recorded: the reason."
    )


def test_a_witness_is_asked_for_only_by_site_policy(catalog: Catalog) -> None:
    site = SitePolicy(require_waste_witness=True)
    assert "WASTE_UNDOCUMENTED" not in codes(run(catalog, "250 mg", waste_witness=""))
    text = message(run(catalog, "250 mg", waste_witness="", policy=site), "WASTE_UNDOCUMENTED")
    assert text.endswith("Not recorded: the witness (site policy).")
    assert "WASTE_UNDOCUMENTED" not in codes(run(catalog, "250 mg", policy=site))


@pytest.mark.parametrize(
    "stop, suggestion",
    [
        ("10:40", "96413 × 1 ("),  # 60 min
        ("11:10", "96413 × 1 ("),  # 90 min: still the first code
        ("11:11", "96413 × 1 + 96415 × 1 ("),  # 91 min: more than 30 past the first hour
        (
            "12:10",
            "96413 × 1 + 96415 × 1 (",
        ),  # 150 min: 1 h 30 past the first, the part is not over 30
        ("12:11", "96413 × 1 + 96415 × 2 ("),  # 151 min
    ],
)
def test_infusion_code_follows_the_30_minute_rule(
    catalog: Catalog, stop: str, suggestion: str
) -> None:
    text = message(run(catalog, start="09:40", stop=stop), "ADMIN_CODE")
    assert suggestion in text
    assert "PARTIAL" in text


def test_nusinersen_suggests_96450_without_times(catalog: Catalog) -> None:
    text = message(
        run(catalog, "12 mg", {"hcpcs": "J2326"}, dx="G12.0", start="", stop=""), "ADMIN_CODE"
    )
    assert text.startswith("Administration code: 96450")


def test_a_push_length_administration_points_at_96374(catalog: Catalog) -> None:
    site = SitePolicy(complex_biologic_codes="infusion")
    text = message(run(catalog, start="09:40", stop="09:50", policy=site), "ADMIN_NOT_INFUSION")
    assert "10 min" in text and "96374" in text and "PARTIAL" in text
    complex_push = message(run(catalog, start="09:40", stop="09:50"), "ADMIN_NOT_INFUSION")
    assert "96374" not in complex_push and "not verified" in complex_push


# --- administration codes by the drug's class (catalog data) and the site's choice ---


@pytest.mark.parametrize(
    "request_, dose, starts",
    [
        (
            {"drug": "remicade", "weight": "73 kg"},
            "5 mg/kg",
            "IV infusion of infliximab, a complex biologic: 96413 × 1 + 96415 × 1",
        ),
        (
            {"drug": "rituxan"},
            "500 mg",
            "IV infusion of rituximab, an antineoplastic: 96413 × 1 + 96415 × 1",
        ),
        (
            {"drug": "ocrelizumab"},
            "300 mg",
            "IV infusion of ocrelizumab, a complex biologic: 96413 × 1 + 96415 × 1",
        ),
        (
            {"drug": "vedolizumab"},
            "300 mg",
            "IV infusion of vedolizumab, a complex biologic: 96413 × 1 + 96415 × 1",
        ),
        (
            {"drug": "belimumab"},
            "640 mg",
            "IV infusion of belimumab, a complex biologic: 96413 × 1 + 96415 × 1",
        ),
    ],
)
def test_complex_biologics_and_antineoplastics_get_complex_administration(
    catalog: Catalog, request_: dict[str, Any], dose: str, starts: str
) -> None:
    text = message(run(catalog, dose, request_, dx="", start="09:00", stop="11:05"), "ADMIN_CODE")
    assert starts in text
    if (
        "antineoplastic" in starts
    ):  # chemotherapy is never offered the IV infusion fallback (issue 18 §4)
        assert "record must show the start and stop times" in text and "96365/96366" not in text
        return
    assert "record must show the start and stop times and support complex administration" in text
    assert "article 10529" in text and "use 96365/96366" in text


def test_the_site_may_choose_infusion_codes_for_complex_biologics_but_not_for_antineoplastics(
    catalog: Catalog,
) -> None:
    site = SitePolicy(complex_biologic_codes="infusion")
    text = message(run(catalog, start="09:40", stop="10:45", policy=site), "ADMIN_CODE")
    assert "natalizumab, a complex biologic: 96365 × 1 (IV infusion)" in text
    assert 'complex_biologic_codes = "infusion"' in text
    rituximab = message(
        run(
            catalog, "500 mg", {"drug": "rituxan"}, dx="", start="09:40", stop="10:45", policy=site
        ),
        "ADMIN_CODE",
    )
    assert "96413 × 1" in rituximab


def test_a_drug_of_class_other_gets_iv_infusion_codes(catalog: Catalog) -> None:
    site = catalog.merged_with(parse_catalog(MULTI_DOSE_SITE, "site"))
    calc = calculate(site, CalcRequest(dose="70 mg", hcpcs="J9998"))
    checks = run_checks(
        calc,
        encounter(start="09:00", stop="10:35"),
        catalog=site,
        rules=clinical_rules(),
        today=TODAY,
    )
    text = message(checks, "ADMIN_CODE")
    assert "IV infusion of testmab: 96365 × 1 + 96366 × 1 (IV infusion)" in text
    assert "96413" not in text


def test_times_missing_names_the_codes_of_the_drugs_class(catalog: Catalog) -> None:
    assert "complex drug administration (96413, 96415)" in message(
        run(catalog, stop=""), "ADMIN_TIMES_MISSING"
    )


# --- diagnosis severity follows the payer ---


@pytest.mark.parametrize(
    "payer, severity",
    [
        ("medicare", Severity.ERROR),
        ("medicare-advantage", Severity.WARNING),
        ("Medicare Advantage", Severity.WARNING),
        ("medicaid", Severity.WARNING),
        ("commercial", Severity.WARNING),
        ("", Severity.WARNING),
    ],
)
def test_a_mac_articles_diagnosis_list_is_an_error_for_medicare_only(
    catalog: Catalog, payer: str, severity: Severity
) -> None:
    checks = run(catalog, "12 mg", SPINRAZA, dx="G12.8", payer=payer)
    assert codes(checks)["DX_NOT_INDICATED"] is severity
    text = message(checks, "DX_NOT_INDICATED")
    assert "Noridian A58578" in text
    if severity is Severity.WARNING:
        assert "Medicare contractor's rule" in text


def test_medicare_advantage_is_a_payer_type_that_may_need_prior_authorization(
    catalog: Catalog,
) -> None:
    checks = run(catalog, payer="medicare-advantage")
    assert "PAYER_MISSING" not in codes(checks)
    assert "medicare advantage payer" in message(checks, "PA_MISSING")


# --- dose range, forced vials, nusinersen frequency ---


@pytest.mark.parametrize(
    "dose, request_, shown",
    [
        (
            "300 mL",
            {},
            "The dose 6000 mg (typed as 300 mL) is far outside "
            "the labeled dose of natalizumab (Tysabri), 300 mg",
        ),
        ("300 mcg", {}, "The dose 0.3 mg (typed as 300 mcg) is far outside"),
        (
            "50 mg/kg",
            {"drug": "remicade", "weight": "70 kg"},
            "The dose 50 mg/kg (3500 mg) (typed as 50 mg/kg) is far outside",
        ),
        (
            "1500 mg",
            {"drug": "remicade", "weight": "70 kg"},
            "The dose 21.43 mg/kg (1500 mg) is far outside",
        ),
    ],
)
def test_a_dose_far_from_the_label_is_an_error_citing_the_labels_range(
    catalog: Catalog, dose: str, request_: dict[str, Any], shown: str
) -> None:
    checks = run(catalog, dose, request_)
    text = message(checks, "DOSE_OUT_OF_RANGE")
    assert text.startswith(shown), text
    assert "source: " in text and "confirm the order before copying or saving" in text
    assert codes(checks)["DOSE_OUT_OF_RANGE"] is Severity.ERROR and "DOSE_NOT_LABELED" not in codes(
        checks
    )


@pytest.mark.parametrize(
    "dose, request_",
    [
        ("150 mg", {}),
        ("600 mg", {}),  # within a factor of two of Tysabri's 300 mg: a warning at most
        ("10 mg/kg", {"drug": "remicade", "weight": "70 kg"}),
        ("1200 mg", {"drug": "ocrelizumab"}),
        ("5000 mg", {"drug": "belimumab"}),  # no verified label range: no check
    ],
)
def test_doses_near_the_label_or_without_a_verified_range_pass(
    catalog: Catalog, dose: str, request_: dict[str, Any]
) -> None:
    assert "DOSE_OUT_OF_RANGE" not in codes(run(catalog, dose, request_))


def test_infliximab_without_weight_or_per_kg_order_is_not_range_checked(catalog: Catalog) -> None:
    assert "DOSE_OUT_OF_RANGE" not in codes(run(catalog, "5000 mg", {"drug": "remicade"}))


def test_forced_vials_say_how_many_units_more_are_discarded(catalog: Catalog) -> None:
    text = message(
        run(catalog, "240 mg", {"drug": "belimumab", "vials": ("400 mg",)}),
        "VIAL_PLAN_NOT_LEAST_WASTE",
    )
    assert text.startswith(
        "The vials chosen (1 × 400 mg) discard 16 billing units more than the least-waste "
        "combination (2 × 120 mg)."
    )
    # the same vials the best plan would use: no warning
    assert "VIAL_PLAN_NOT_LEAST_WASTE" not in codes(
        run(catalog, "240 mg", {"drug": "belimumab", "vials": ("120 mg",)})
    )


@pytest.mark.parametrize(
    "given_at, earlier, fires",
    [
        ("2025-03-10", SPINRAZA_SCHEDULE[:3], False),  # 4th loading dose
        ("2025-12-01", SPINRAZA_SCHEDULE, True),  # a 7th dose in the first 12 months
        ("2026-03-10", SPINRAZA_SCHEDULE, False),  # maintenance: loading doses do not count
        (
            "2026-09-01",
            SPINRAZA_SCHEDULE + ["2026-03-10", "2026-05-01", "2026-07-10"],
            True,
        ),  # 4 after the first year
        ("2026-09-01", [], False),  # nothing in the log: nothing to count
    ],
)
def test_nusinersen_frequency_follows_a58578(
    catalog: Catalog, given_at: str, earlier: list[str], fires: bool
) -> None:
    assert ("NUSINERSEN_FREQUENCY" in codes(spinraza_run(catalog, given_at, earlier))) is fires


def test_nusinersen_frequency_is_a_warning_for_other_payers_and_names_the_article(
    catalog: Catalog,
) -> None:
    checks = spinraza_run(catalog, "2025-12-01", SPINRAZA_SCHEDULE, payer="commercial")
    assert codes(checks)["NUSINERSEN_FREQUENCY"] is Severity.WARNING
    text = message(checks, "NUSINERSEN_FREQUENCY")
    assert text.startswith(
        "This is nusinersen dose 7 in the first 12 months "
        "(from 2025-01-06); Noridian article A58578"
    )


@pytest.mark.parametrize(
    "expires, expired", [("2026-03-01", True), ("2026-03-02", False), ("2026-03", False)]
)
def test_a_vial_is_usable_through_its_expiration_day(
    catalog: Catalog, expires: str, expired: bool
) -> None:
    assert ("VIAL_EXPIRED" in codes(run(catalog, expires=(expires,)))) is expired
