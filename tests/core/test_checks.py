"""Pre-submission checks: each code fires on the case it exists for, and stays quiet on its neighbour.

The neighbour differs from the triggering case by the one detail the check is about, so a
check that fired always, or never, fails here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from infusion_calc.core.catalog import NATALIZUMAB_J2326_MESSAGE, parse_catalog
from infusion_calc.core.checks import Severity, run_checks
from infusion_calc.core.encounter import EncounterText, parse_encounter
from infusion_calc.core.engine import CalcRequest, calculate

TODAY = date(2026, 3, 2)

# A natalizumab encounter with nothing to flag (only the administration code suggestion).
CLEAN = dict(
    given_at="2026-03-02 09:40", dx="G35.A", payer="medicare", lots=("TY2291",), expires=("2027-03",),
    start="09:40", stop="10:45", rems_checked=True, waste_reason="dose reduced per order", waste_witness="Ana Ruiz, RN",
    observation="60 min, no reaction",
)

MULTI_DOSE_SITE = """
[[drug]]
hcpcs = "J9998"
descriptor = "Injection, testmab, 10 mg"
generic = "testmab"
billing_unit = "10 mg"
route = "IV"
sources = ["test"]

  [[drug.product]]
  brand = "Testmab"
  ndc = "12345-6789-01"
  strength = "100 mg"
  volume = "10 mL"
  form = "solution"
  container = "multi-dose"
"""


def encounter(**changes):
    return parse_encounter(EncounterText(**(CLEAN | changes)))


def calc_for(catalog, dose="300 mg", **request):
    return calculate(catalog, CalcRequest(dose=dose, **request))


def codes(checks) -> dict[str, Severity]:
    return {check.code: check.severity for check in checks}


def run(catalog, dose="300 mg", request=None, lines=None, **changes):
    calc = calc_for(catalog, dose, **(request or {}))
    chosen = lines(calc.lines) if lines else None
    return run_checks(calc, encounter(**changes), lines=chosen, catalog=catalog, today=TODAY)


def edit(index, **fields):
    """A lines editor: change one field of line `index` (as a biller editing an exported claim would)."""
    def apply(lines):
        lines = list(lines)
        lines[index] = replace(lines[index], **fields)
        return lines
    return apply


def _with_jw_line(units):
    """A lines editor: the administered line without JZ, plus a JW line of `units`."""
    def apply(lines):
        return [replace(lines[0], modifiers=()), replace(lines[0], modifiers=("JW",), units=units)]
    return apply


def multi_dose_run(catalog, lines=None):
    site = catalog.merged_with(parse_catalog(MULTI_DOSE_SITE, "site"))
    calc = calculate(site, CalcRequest(dose="70 mg", hcpcs="J9998"))
    return run_checks(calc, encounter(dx="", rems_checked=False), lines=lines(calc.lines) if lines else None,
                      catalog=site, today=TODAY)


def test_clean_natalizumab_encounter_only_gets_the_administration_code(catalog):
    checks = run(catalog)
    assert [check.code for check in checks] == ["ADMIN_CODE"]
    assert "96365 × 1" in checks[0].message and "PARTIAL" in checks[0].message


# (code, severity, triggering case, quiet neighbour); each case is a function of the catalog.
CASES = [
    ("DX_MISSING", "warning", lambda c: run(c, dx=""), lambda c: run(c)),
    ("DX_NOT_BILLABLE", "error",
     lambda c: run(c, dx="G35"), lambda c: run(c, dx="G35", given_at="2025-09-15 09:40")),
    ("DX_NOT_YET_VALID", "error",
     lambda c: run(c, dx="G35.A", given_at="2025-09-30 09:40"), lambda c: run(c, dx="G35.A", given_at="2025-10-01 09:40")),
    ("DX_NOT_INDICATED", "warning", lambda c: run(c, dx="G35.B1"), lambda c: run(c, dx="K50.111")),
    ("DX_SUPPORT_NEEDED", "warning", lambda c: run(c, dx="G35.C0"), lambda c: run(c, dx="G35.C1")),
    ("DX_NOT_CHECKED", "info",
     lambda c: run(c, "5 mg/kg", {"drug": "infliximab", "weight": "73 kg"}, dx="K50.10"), lambda c: run(c, dx="K50.10")),
    ("PAYER_MISSING", "info", lambda c: run(c, payer=""), lambda c: run(c)),
    ("PA_MISSING", "info", lambda c: run(c, payer="medicaid"), lambda c: run(c, payer="medicaid", prior_auth="M-1")),
    ("STEP_THERAPY_NOT_ATTESTED", "info",
     lambda c: run(c, payer="commercial", prior_auth="P-1"),
     lambda c: run(c, payer="commercial", prior_auth="P-1", step_therapy=True)),
    ("CODE_DRUG_MISMATCH", "error", lambda c: run(c, lines=edit(0, hcpcs="J2326")), lambda c: run(c)),
    ("NDC_DRUG_MISMATCH", "error", lambda c: run(c, lines=edit(0, ndc="57894003001")), lambda c: run(c)),
    ("MODIFIER_59_ON_DRUG", "error", lambda c: run(c, lines=edit(0, modifiers=("JZ", "59"))), lambda c: run(c)),
    ("RT_LT_ON_SYSTEMIC", "warning",
     lambda c: run(c, lines=edit(0, modifiers=("JZ", "RT"))),
     # a code entered by hand has no known route ("as ordered"): a side may be right there
     lambda c: run(c, "70 mg", {"hcpcs": "J9999", "billing_unit": "10 mg", "vials": ("100 mg/10 mL",)},
                   lines=edit(0, modifiers=("RT",)))),
    ("JW_AND_JZ_ON_LINE", "error", lambda c: run(c, "250 mg", lines=edit(1, modifiers=("JW", "JZ"))), lambda c: run(c, "250 mg")),
    ("JW_JZ_MULTI_DOSE", "error", lambda c: multi_dose_run(c, edit(0, modifiers=("JZ",))), lambda c: multi_dose_run(c)),
    ("JW_UNDER_ONE_UNIT", "error", lambda c: run(c, "250 mg", lines=edit(1, units=0)), lambda c: run(c, "250 mg")),
    ("JW_DOSE_UNDER_ONE_UNIT", "error",  # rule 4: an imported or edited JW line on a dose under one unit
     lambda c: run(c, "0.5 mg", lines=_with_jw_line(299)), lambda c: run(c, "1 mg", lines=_with_jw_line(299))),
    ("ADMIN_UNITS_DIFFER", "error", lambda c: run(c, "250 mg", lines=edit(0, units=251)), lambda c: run(c, "250 mg")),
    ("JWJZ_MISSING", "error", lambda c: run(c, lines=edit(0, modifiers=())), lambda c: run(c)),
    ("JZ_BUT_DISCARDED", "error",
     lambda c: run(c, "250 mg", lines=lambda lines: [replace(lines[0], modifiers=("JZ",))]), lambda c: run(c, "250 mg")),
    ("JW_OVER_LABELED", "error", lambda c: run(c, "250 mg", lines=edit(1, units=60)), lambda c: run(c, "250 mg")),
    ("JW_UNITS_DIFFER", "warning", lambda c: run(c, "250 mg", lines=edit(1, units=40)), lambda c: run(c, "250 mg")),
    ("DOSE_NOT_LABELED", "warning", lambda c: run(c, "250 mg"), lambda c: run(c, "300 mg")),
    ("REMS_NOT_CONFIRMED", "error", lambda c: run(c, rems_checked=False), lambda c: run(c)),
    ("LOT_MISSING", "warning", lambda c: run(c, expires=()), lambda c: run(c)),
    ("LOT_COUNT", "warning", lambda c: run(c, lots=("A1", "A2"), expires=("2027-03", "2027-03")), lambda c: run(c)),
    ("VIAL_EXPIRED", "error", lambda c: run(c, expires=("2026-02",)), lambda c: run(c, expires=("2026-03",))),
    ("WASTE_UNDOCUMENTED", "warning",
     lambda c: run(c, "250 mg", waste_witness=""), lambda c: run(c, "300 mg", waste_reason="", waste_witness="")),
    ("WASTE_TIME_MISSING", "warning",
     lambda c: run(c, "250 mg", given_at=""), lambda c: run(c, "300 mg", given_at="")),
    ("ADMIN_TIMES_MISSING", "warning",
     lambda c: run(c, stop=""), lambda c: run(c, "12 mg", {"hcpcs": "J2326"}, dx="G12.0", start="", stop="")),
    ("ADMIN_NOT_INFUSION", "warning", lambda c: run(c, start="09:40", stop="09:55"), lambda c: run(c, start="09:40", stop="09:56")),
    ("ADMIN_CODE", "info", lambda c: run(c, start="09:40", stop="09:56"), lambda c: run(c, start="09:40", stop="09:55")),
]


@pytest.mark.parametrize("code, severity, trigger, _quiet", CASES, ids=[case[0] for case in CASES])
def test_check_fires_with_its_severity(catalog, code, severity, trigger, _quiet):
    found = codes(trigger(catalog))
    assert found.get(code) == Severity(severity), found


@pytest.mark.parametrize("code, _severity, _trigger, quiet", CASES, ids=[case[0] for case in CASES])
def test_check_stays_quiet_on_its_neighbour(catalog, code, _severity, _trigger, quiet):
    assert code not in codes(quiet(catalog))


def test_every_check_code_has_a_case():
    import infusion_calc.core.checks as checks_module
    import infusion_calc.core.claim_checks as claim_module
    import inspect
    import re

    source = inspect.getsource(checks_module) + inspect.getsource(claim_module)
    emitted = set(re.findall(r'Check\(\s*"([A-Z_0-9]+)"', source))
    assert emitted == {case[0] for case in CASES}


def test_errors_come_first_then_warnings_then_info(catalog):
    checks = run(catalog, "250 mg", dx="", payer="", rems_checked=False)
    order = [check.severity for check in checks]
    assert order == sorted(order, key=[Severity.ERROR, Severity.WARNING, Severity.INFO].index)
    assert order[0] is Severity.ERROR and order[-1] is Severity.INFO


# --- what the messages tell the biller to do ---


def message(checks, code) -> str:
    return next(check.message for check in checks if check.code == code)


def test_g35_after_fy2026_names_the_codes_to_use_instead(catalog):
    text = message(run(catalog, dx="G35"), "DX_NOT_BILLABLE")
    assert "non-billable header for services on or after 1 Oct 2025 (this service: 2 Mar 2026)" in text
    assert "G35.A, G35.B0, G35.B1, G35.B2, G35.C0, G35.C1, G35.C2, G35.D" in text
    assert "For natalizumab: G35.A or G35.C1." in text


def test_without_a_date_given_today_decides_whether_g35_is_billable(catalog):
    calc = calc_for(catalog)
    no_date = parse_encounter(EncounterText(dx="G35", rems_checked=True))
    assert "DX_NOT_BILLABLE" not in codes(run_checks(calc, no_date, today=date(2025, 9, 30)))
    assert "DX_NOT_BILLABLE" in codes(run_checks(calc, no_date, today=date(2025, 10, 1)))


def test_a_code_with_subcodes_is_a_header_too(catalog):
    assert codes(run(catalog, dx="K50.0"))["DX_NOT_BILLABLE"] is Severity.ERROR
    assert codes(run(catalog, dx="K50.91"))["DX_NOT_BILLABLE"] is Severity.ERROR
    assert "DX_NOT_BILLABLE" not in codes(run(catalog, dx="K50.90"))


@pytest.mark.parametrize("dx", ["K50.ZZZ", "K50.9999", "K50.11Z", "K50.115A", "K50.02"])
def test_a_code_that_only_starts_like_crohns_is_not_taken_for_the_indication(catalog, dx):
    checks = codes(run(catalog, dx=dx))
    assert checks["DX_NOT_INDICATED"] is Severity.WARNING


@pytest.mark.parametrize("dx", ["K50.00", "K50.014", "K50.10", "K50.111", "K50.819", "K50.90", "K50.918"])
def test_the_listed_crohns_codes_and_their_sixth_character_subcodes_pass(catalog, dx):
    assert not {code for code in codes(run(catalog, dx=dx)) if code.startswith("DX_")}


def test_a_crohns_header_points_at_its_subcodes(catalog):
    text = message(run(catalog, dx="K50.11"), "DX_NOT_BILLABLE")
    assert "K50.11 is a non-billable header" in text and "For natalizumab: K50.11x." in text


def test_a_jw_line_on_a_dose_under_one_unit_is_one_error_saying_to_drop_it(catalog):
    checks = run(catalog, "0.5 mg", lines=_with_jw_line(299))
    text = message(checks, "JW_DOSE_UNDER_ONE_UNIT")
    assert text.startswith("Remove J2323-JW × 299: the dose of 0.5 mg is less than one billing unit (1 mg)")
    assert "JW_UNITS_DIFFER" not in codes(checks)  # the fix is to drop the line, not to change its units


def test_waste_not_billed_under_jz_still_needs_documenting(catalog):
    """Spinraza 11.95 mg: 0.05 mg is discarded, under one 0.1 mg unit, so the line is JZ with no JW line
    (domain-facts §3 rules 5 and 12: the record must still document that waste)."""
    spinraza = {"hcpcs": "J2326"}
    undocumented = run(catalog, "11.95 mg", spinraza, dx="G12.0", waste_reason="", waste_witness="")
    assert codes(undocumented)["WASTE_UNDOCUMENTED"] is Severity.WARNING
    text = message(undocumented, "WASTE_UNDOCUMENTED")
    assert text.startswith("0.05 mg of the vial opened is discarded but not billed (J2326-JZ × 120)")
    assert "reason and witness are not recorded" in text
    witness_only = run(catalog, "11.95 mg", spinraza, dx="G12.0", waste_reason="")
    assert "The waste reason is not recorded" in message(witness_only, "WASTE_UNDOCUMENTED")
    assert "WASTE_UNDOCUMENTED" not in codes(run(catalog, "11.95 mg", spinraza, dx="G12.0"))
    # nothing discarded: nothing to document
    assert "WASTE_UNDOCUMENTED" not in codes(run(catalog, "12 mg", spinraza, dx="G12.0", waste_reason="", waste_witness=""))


def test_waste_from_a_multi_dose_vial_is_not_a_jz_documentation_gap(catalog):
    site = catalog.merged_with(parse_catalog(MULTI_DOSE_SITE, "site"))
    calc = calculate(site, CalcRequest(dose="70 mg", hcpcs="J9998"))
    checks = run_checks(calc, encounter(waste_reason="", waste_witness=""), catalog=site, today=TODAY)
    assert calc.billing.discarded_mg > 0 and "WASTE_UNDOCUMENTED" not in codes(checks)


def test_nusinersen_outside_g12_is_an_error_and_g12_passes(catalog):
    spinraza = {"hcpcs": "J2326"}
    assert codes(run(catalog, "12 mg", spinraza, dx="G35.A"))["DX_NOT_INDICATED"] is Severity.ERROR
    text = message(run(catalog, "12 mg", spinraza, dx="G35.A"), "DX_NOT_INDICATED")
    assert "G12.0, G12.1" in text
    for dx in ("G12.0", "G12.1"):
        assert not {code for code in codes(run(catalog, "12 mg", spinraza, dx=dx)) if code.startswith("DX_")}


def test_natalizumab_off_label_message_lists_the_indicated_codes_and_the_cis_gap(catalog):
    text = message(run(catalog, dx="G35.B1"), "DX_NOT_INDICATED")
    assert text.startswith("G35.B1 (Active primary progressive multiple sclerosis) is not among")
    assert "use G35.A, G35.C1, K50.00, K50.011," in text and "K50.10, K50.11x, K50.80, K50.81x, K50.90, K50.91x" in text
    assert "clinically isolated syndrome is not verified" in text


def test_natalizumab_billed_as_j2326_gets_the_explanation(catalog):
    assert message(run(catalog, lines=edit(0, hcpcs="J2326")), "CODE_DRUG_MISMATCH") == NATALIZUMAB_J2326_MESSAGE
    other = message(run(catalog, lines=edit(0, hcpcs="J1745")), "CODE_DRUG_MISMATCH")
    assert other.startswith("J1745 is Injection, infliximab, excludes biosimilar, 10 mg (infliximab)")
    assert "bill it as J2323" in other


def test_ndc_of_another_catalog_drug_is_named(catalog):
    text = message(run(catalog, lines=edit(0, ndc="57894003001")), "NDC_DRUG_MISMATCH")
    assert "an NDC of infliximab (Remicade) (J1745)" in text


def test_missing_modifier_says_whether_to_add_jz_or_a_jw_line(catalog):
    assert "add JZ" in message(run(catalog, lines=edit(0, modifiers=())), "JWJZ_MISSING")
    dropped_jw = lambda lines: [lines[0]]  # noqa: E731 - the JW line removed from a 250 mg claim
    assert "bill the 50 discarded units on a separate JW line" in message(run(catalog, "250 mg", lines=dropped_jw), "JWJZ_MISSING")


def test_over_labeled_says_how_many_jw_units_fit(catalog):
    text = message(run(catalog, "250 mg", lines=edit(1, units=60)), "JW_OVER_LABELED")
    assert "250 + JW 60 = 310 units, more than the 300 units" in text and "at most 50" in text
    assert "JW_UNITS_DIFFER" not in codes(run(catalog, "250 mg", lines=edit(1, units=60)))


def test_jw_more_than_discarded_but_within_the_labels_is_an_error(catalog):
    shifted = lambda lines: [replace(lines[0], units=240), replace(lines[1], units=60)]  # noqa: E731
    assert codes(run(catalog, "250 mg", lines=shifted))["JW_UNITS_DIFFER"] is Severity.ERROR


def test_multi_dose_lines_need_no_modifier(catalog):
    found = codes(multi_dose_run(catalog))
    assert not {"JWJZ_MISSING", "JW_JZ_MULTI_DOSE", "JZ_BUT_DISCARDED"} & found.keys()


def test_tyruko_rems_is_its_own_program(catalog):
    text = message(run(catalog, request={"drug": "Tyruko"}, rems_checked=False), "REMS_NOT_CONFIRMED")
    assert "Tyruko REMS program" in text and "TOUCH" not in text
    assert "TOUCH Prescribing Program" in message(run(catalog, rems_checked=False), "REMS_NOT_CONFIRMED")
    assert "REMS_NOT_CONFIRMED" not in codes(run(catalog, "12 mg", {"hcpcs": "J2326"}, dx="G12.0", rems_checked=False))


def test_lot_messages_name_the_vials_missing(catalog):
    infliximab = {"drug": "infliximab", "weight": "73 kg"}
    text = message(run(catalog, "5 mg/kg", infliximab, lots=("A", "A"), expires=("2027-01", "2027-01")), "LOT_MISSING")
    assert "vials 3, 4 of 4" in text
    assert "the vial opened" in message(run(catalog, lots=(), expires=()), "LOT_MISSING")


def test_expired_vial_message_gives_the_last_usable_day(catalog):
    text = message(run(catalog, expires=("2026-02",)), "VIAL_EXPIRED")
    assert text.startswith("Vial 1 expired (2026-02, last usable day 28 Feb 2026) before the date of service 2 Mar 2026")


def test_waste_message_names_what_is_missing(catalog):
    assert "the waste witness is not recorded" in message(run(catalog, "250 mg", waste_witness=""), "WASTE_UNDOCUMENTED")
    both = message(run(catalog, "250 mg", waste_reason="", waste_witness=""), "WASTE_UNDOCUMENTED")
    assert "the waste reason and witness are not recorded" in both


@pytest.mark.parametrize("stop, suggestion", [
    ("10:40", "96365 × 1."),                 # 60 min
    ("11:10", "96365 × 1."),                 # 90 min: still the first code
    ("11:11", "96365 × 1 + 96366 × 1."),     # 91 min: more than 30 past the first hour
    ("12:10", "96365 × 1 + 96366 × 1."),     # 150 min: 1 h 30 past the first, the part is not over 30
    ("12:11", "96365 × 1 + 96366 × 2."),     # 151 min
])
def test_infusion_code_follows_the_30_minute_rule(catalog, stop, suggestion):
    text = message(run(catalog, start="09:40", stop=stop), "ADMIN_CODE")
    assert suggestion in text
    assert "PARTIAL" in text


def test_nusinersen_suggests_96450_without_times(catalog):
    text = message(run(catalog, "12 mg", {"hcpcs": "J2326"}, dx="G12.0", start="", stop=""), "ADMIN_CODE")
    assert text.startswith("Administration code: 96450")


def test_a_push_length_administration_points_at_96374(catalog):
    text = message(run(catalog, start="09:40", stop="09:50"), "ADMIN_NOT_INFUSION")
    assert "10 min" in text and "96374" in text and "PARTIAL" in text


@pytest.mark.parametrize("expires, expired", [("2026-03-01", True), ("2026-03-02", False), ("2026-03", False)])
def test_a_vial_is_usable_through_its_expiration_day(catalog, expires, expired):
    assert ("VIAL_EXPIRED" in codes(run(catalog, expires=(expires,)))) is expired
