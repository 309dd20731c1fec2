"""The chart note, word for word, for the scenarios a nurse meets most.

Each expected note was read line by line against the labels and billing rules: Tysabri 300 mg/15 mL
is 20 mg/mL in 100 mL saline over about an hour; Remicade 100 mg powder takes 10 mL sterile water
(10 mg/mL); infliximab 365 mg from 4 vials bills J1745 × 37 + J1745-JW × 3 (37 units given, 3 whole
units discarded); Spinraza 12 mg/5 mL is 2.4 mg/mL, intrathecal, 120 units of 0.1 mg; NDC
quantities are mL for solutions and UN for powders and add up to what was opened.
"""

from __future__ import annotations

from textwrap import dedent
from typing import Any

import pytest

from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.pipeline.documentation import chart_note
from infusion_calc.core.record.encounter import Encounter, EncounterText, parse_encounter
from infusion_calc.loading import clinical_rules


def note(catalog: Catalog, request: CalcRequest, **typed: Any) -> str:
    encounter = parse_encounter(EncounterText(**typed)) if typed else None
    return chart_note(calculate(catalog, request), encounter, rules=clinical_rules())


def test_full_vial_natalizumab_with_every_detail(catalog: Catalog) -> None:
    text = note(
        catalog,
        CalcRequest(dose="300 mg"),
        given_at="2026-03-02 09:40",
        site="Infusion Suite 2",
        nurse="Sam Park, RN",
        provider="Mei Lee, MD",
        dx="g35a",
        payer="medicare",
        lots=("TY2291",),
        expires=("2027-03",),
        start="09:40",
        stop="10:45",
        consent=True,
        rems_checked=True,
    )
    assert text == dedent("""\
        Drug administration note
        Drug: natalizumab (Tysabri), HCPCS J2323 (Injection, natalizumab, 1 mg)
        Date/time given: 2026-03-02 09:40
        Site of care: Infusion Suite 2
        Ordering/supervising provider: Mei Lee, MD
        Administered by: Sam Park, RN
        Diagnosis (ICD-10-CM): G35.A Relapsing-remitting multiple sclerosis
        Payer type: Medicare
        Consent: on file
        TOUCH Prescribing Program: patient authorization and the Pre-infusion Patient Checklist confirmed before infusion
        Dose ordered: 300 mg
        Dose prepared: 300 mg
        Dose given: 300 mg, the whole dose prepared
        Route: IV
        Vials opened:
          1 × Tysabri 300 mg/15 mL single-dose vial, NDC 64406-0008-01
          Vial 1 (300 mg/15 mL): lot TY2291, exp 2027-03
        Volume drawn: 15 mL (300 mg at 20 mg/mL)
        Billing units:
          Vials: 1 × 300 mg/15 mL = 300 mg labeled
          Administered: 300 mg ÷ 1 mg per unit = 300 → 300 units (rounded up)
          Discarded: 300 mg opened − 300 mg = 0 mg ÷ 1 mg = 0 → 0 units (rounded down)
        Waste: none; the full labeled amount opened was given (JZ)
        Claim lines:
          J2323-JZ × 300 units; NDC 64406-0008-01, 15 mL
        Infusion: start 09:40, stop 10:45 (1 h 5 min)
        Signatures:
          Administering nurse (administration, waste and this note): Sam Park, RN
            Signature: ______________________  Date/time: ________________
          Ordering provider (the order and the dose ordered): Mei Lee, MD
            Signature: ______________________  Date/time: ________________
        """)


def test_partial_vial_documents_the_waste_for_the_jw_line(catalog: Catalog) -> None:
    text = note(
        catalog,
        CalcRequest(dose="250 mg"),
        given_at="2026-03-02 09:40",
        nurse="Sam Park, RN",
        provider="Mei Lee, MD",
        dx="G35.C1",
        payer="commercial",
        prior_auth="PA-778812",
        step_therapy=True,
        lots=("TY2291",),
        expires=("2027-03-31",),
        waste_reason="dose reduced to 250 mg per order",
        waste_witness="Ana Ruiz, RN",
        start="09:40",
        stop="10:45",
        rems_checked=True,
        events="None observed.",
    )
    assert text == dedent("""\
        Drug administration note
        Drug: natalizumab (Tysabri), HCPCS J2323 (Injection, natalizumab, 1 mg)
        Date/time given: 2026-03-02 09:40
        Ordering/supervising provider: Mei Lee, MD
        Administered by: Sam Park, RN
        Diagnosis (ICD-10-CM): G35.C1 Active secondary progressive multiple sclerosis
        Payer type: Commercial
        Prior authorization: PA-778812
        Step therapy: attested
        TOUCH Prescribing Program: patient authorization and the Pre-infusion Patient Checklist confirmed before infusion
        Dose ordered: 250 mg
        Dose prepared: 250 mg
        Dose given: 250 mg, the whole dose prepared
        Route: IV
        Vials opened:
          1 × Tysabri 300 mg/15 mL single-dose vial, NDC 64406-0008-01
          Vial 1 (300 mg/15 mL): lot TY2291, exp 2027-03-31
        Volume drawn: 12.5 mL (250 mg at 20 mg/mL)
        Billing units:
          Vials: 1 × 300 mg/15 mL = 300 mg labeled
          Administered: 250 mg ÷ 1 mg per unit = 250 → 250 units (rounded up)
          Discarded: 300 mg opened − 250 mg = 50 mg ÷ 1 mg = 50 → 50 units (rounded down)
        Waste: 50 mg (2.5 mL) discarded = 50 billing units on the JW line, 2026-03-02 10:45; reason: dose reduced to 250 mg per order; witnessed by Ana Ruiz, RN
        Claim lines:
          J2323 × 250 units; NDC 64406-0008-01, 12.5 mL
          J2323-JW × 50 units; NDC 64406-0008-01, 2.5 mL
        Infusion: start 09:40, stop 10:45 (1 h 5 min)
        Adverse events/deviations: None observed.
        Signatures:
          Administering nurse (administration, waste and this note): Sam Park, RN
            Signature: ______________________  Date/time: ________________
          Ordering provider (the order and the dose ordered): Mei Lee, MD
            Signature: ______________________  Date/time: ________________
        """)


def test_multi_vial_per_kg_powder_lists_each_vial_and_the_reconstitution(catalog: Catalog) -> None:
    text = note(
        catalog,
        CalcRequest(dose="5 mg/kg", drug="remicade", weight="73 kg"),
        given_at="2026-03-02 13:05",
        nurse="Sam Park, RN",
        dx="K50.10",
        payer="medicaid",
        prior_auth="MCD-55120",
        lots=("RX1001", "RX1001", "RX1002", "RX1002"),
        expires=("2027-06", "2027-06", "2027-08", "2027-08"),
        waste_reason="partial vial after dose drawn",
        waste_witness="Ana Ruiz, RN",
        start="13:05",
        stop="15:20",
    )
    assert text == dedent("""\
        Drug administration note
        Drug: infliximab (Remicade), HCPCS J1745 (Injection, infliximab, excludes biosimilar, 10 mg)
        Date/time given: 2026-03-02 13:05
        Administered by: Sam Park, RN
        Diagnosis (ICD-10-CM): K50.10
        Payer type: Medicaid
        Prior authorization: MCD-55120
        Dose ordered: 5 mg/kg
          5 mg/kg × 73 kg = 365 mg
        Dose prepared: 365 mg
        Dose given: 365 mg, the whole dose prepared
        Route: IV
        Vials opened:
          4 × Remicade 100 mg single-dose vials, NDC 57894-0030-01
          Vial 1 (100 mg): lot RX1001, exp 2027-06
          Vial 2 (100 mg): lot RX1001, exp 2027-06
          Vial 3 (100 mg): lot RX1002, exp 2027-08
          Vial 4 (100 mg): lot RX1002, exp 2027-08
        Reconstituted: 4 × 100 mg vials, each with 10 mL diluent
        Volume drawn: 36.5 mL (365 mg at 10 mg/mL)
        Billing units:
          Vials: 4 × 100 mg = 400 mg labeled
          Administered: 365 mg ÷ 10 mg per unit = 36.5 → 37 units (rounded up)
          Discarded: 400 mg opened − 365 mg = 35 mg ÷ 10 mg = 3.5 → 3 units (rounded down)
        Waste: 35 mg (3.5 mL) discarded = 3 billing units on the JW line, 2026-03-02 15:20; reason: partial vial after dose drawn; witnessed by Ana Ruiz, RN
        Claim lines:
          J1745 × 37 units; NDC 57894-0030-01, 3.65 vial
          J1745-JW × 3 units; NDC 57894-0030-01, 0.35 vial
        Infusion: start 13:05, stop 15:20 (2 h 15 min)
        Signatures:
          Administering nurse (administration, waste and this note): Sam Park, RN
            Signature: ______________________  Date/time: ________________
          Ordering provider (the order and the dose ordered): ______________________
            Signature: ______________________  Date/time: ________________
        """)


def test_nusinersen_is_intrathecal_with_no_rems_line(catalog: Catalog) -> None:
    text = note(
        catalog,
        CalcRequest(dose="12 mg", hcpcs="J2326"),
        given_at="2026-03-02 11:10",
        provider="Raj Patel, MD",
        dx="G12.1",
        lots=("SP0420",),
        expires=("2026-11",),
        start="11:10",
        stop="11:13",
        consent=True,
    )
    assert text == dedent("""\
        Drug administration note
        Drug: nusinersen (Spinraza), HCPCS J2326 (Injection, nusinersen, 0.1 mg)
        Date/time given: 2026-03-02 11:10
        Ordering/supervising provider: Raj Patel, MD
        Diagnosis (ICD-10-CM): G12.1 Other inherited spinal muscular atrophy
        Consent: on file
        Dose ordered: 12 mg
        Dose prepared: 12 mg
        Dose given: 12 mg, the whole dose prepared
        Route: intrathecal
        Vials opened:
          1 × Spinraza 12 mg/5 mL single-dose vial, NDC 64406-0058-01
          Vial 1 (12 mg/5 mL): lot SP0420, exp 2026-11
        Volume drawn: 5 mL (12 mg at 2.4 mg/mL)
        Billing units:
          Vials: 1 × 12 mg/5 mL = 12 mg labeled
          Administered: 12 mg ÷ 0.1 mg per unit = 120 → 120 units (rounded up)
          Discarded: 12 mg opened − 12 mg = 0 mg ÷ 0.1 mg = 0 → 0 units (rounded down)
        Waste: none; the full labeled amount opened was given (JZ)
        Claim lines:
          J2326-JZ × 120 units; NDC 64406-0058-01, 5 mL
        Administration: start 11:10, stop 11:13 (3 min)
        Signatures:
          Administering nurse (administration, waste and this note): ______________________
            Signature: ______________________  Date/time: ________________
          Ordering provider (the order and the dose ordered): Raj Patel, MD
            Signature: ______________________  Date/time: ________________
        """)


def test_without_an_encounter_the_note_states_an_unconfirmed_rems_and_prints_no_blanks(
    catalog: Catalog,
) -> None:
    calc = calculate(catalog, CalcRequest(dose="300 mg"))
    text = chart_note(calc, rules=clinical_rules())  # the TUI's call
    assert text == chart_note(calc, Encounter(), rules=clinical_rules())
    assert "TOUCH Prescribing Program: NOT confirmed in this record\n" in text
    for absent in (
        "Diagnosis",
        "Payer",
        "Prior authorization",
        "Consent",
        "Vial 1",
        "Infusion:",
        "Adverse",
    ):
        assert absent not in text
    assert text.endswith(
        "  Administering nurse (administration, waste and this note): ______________________\n"
        "    Signature: ______________________  Date/time: ________________\n"
        "  Ordering provider (the order and the dose ordered): ______________________\n"
        "    Signature: ______________________  Date/time: ________________\n"
    )


def test_tyruko_names_its_own_rems_program_and_the_missing_ndc(catalog: Catalog) -> None:
    text = note(catalog, CalcRequest(dose="300 mg", drug="Tyruko"), rems_checked=True)
    assert "Tyruko REMS program: the REMS requirements confirmed before infusion\n" in text
    assert "TOUCH" not in text
    assert (
        "1 × Tyruko 300 mg/15 mL single-dose vial, NDC not verified: record it from the carton\n"
        in text
    )
    assert "  Q5134-JZ × 300 units; NDC from the carton\n" in text


def test_leftover_under_one_unit_is_documented_but_not_billed(catalog: Catalog) -> None:
    # 95.5 mg from a 100 mg vial at 10 mg per unit: 4.5 mg left,
    # 0 JW units (less than one unit left: JZ, no JW line).
    text = note(
        catalog,
        CalcRequest("95.5 mg", hcpcs="J9999", billing_unit="10 mg", vials=("100 mg/10 mL",)),
        given_at="2026-03-02 10:00",
        waste_reason="remainder of vial",
        waste_witness="Ana Ruiz, RN",
    )
    assert (
        "Waste: 4.5 mg (0.45 mL) discarded, less than one billing unit: not billed (JZ), "
        "2026-03-02 10:00; reason: remainder of vial; witnessed by Ana Ruiz, RN\n"
    ) in text


def test_waste_under_one_unit_dose_is_billed_on_jw_and_never_called_jz(catalog: Catalog) -> None:
    """Infliximab 7 mg from a 100 mg vial: the 93 mg discarded is 9 units on the JW line."""
    text = note(catalog, CalcRequest("7 mg", drug="remicade"))
    assert "Waste: 93 mg (9.3 mL) discarded = 9 billing units on the JW line" in text
    assert "(JZ)" not in text and "not billed" not in text


def test_waste_covered_by_the_one_unit_billed_is_not_called_under_one_unit(
    catalog: Catalog,
) -> None:
    """5 mg from a 15 mg vial, 10 mg units: 10 mg discarded,
    but the one unit billed covers the vial."""
    text = note(
        catalog, CalcRequest("5 mg", hcpcs="J9999", billing_unit="10 mg", vials=("15 mg/1.5 mL",))
    )
    assert (
        "Waste: 10 mg (1 mL) discarded, already covered by "
        "the administered units: not billed again (JZ)" in text
    )


def test_times_past_midnight_and_multiline_events(catalog: Catalog) -> None:
    text = note(
        catalog,
        CalcRequest(dose="300 mg"),
        start="2026-03-02 23:30",
        stop="2026-03-03 00:40",
        events="Flushing at 23:50.\nRate halved; resolved.",
    )
    assert "Infusion: start 2026-03-02 23:30, stop 2026-03-03 00:40 (1 h 10 min)\n" in text
    assert "Adverse events/deviations: Flushing at 23:50.\n  Rate halved; resolved.\n" in text


@pytest.mark.parametrize(
    "typed, line",
    [
        ({"start": "10:00"}, "Infusion: start 10:00, stop not recorded"),
        ({"stop": "11:00"}, "Infusion: stop 11:00, start not recorded"),
    ],
)
def test_a_single_time_is_shown_with_the_other_marked_missing(
    catalog: Catalog, typed: dict[str, Any], line: str
) -> None:
    assert line + "\n" in note(catalog, CalcRequest(dose="300 mg"), **typed)


def test_more_lots_than_vials_are_printed_and_marked(catalog: Catalog) -> None:
    text = note(catalog, CalcRequest(dose="300 mg"), lots=("A1", "B2"))
    assert "  Vial 1 (300 mg/15 mL): lot A1, exp not recorded\n" in text
    assert "  Vial 2 (more lots entered than vials opened): lot B2, exp not recorded\n" in text


def test_an_infusion_stopped_early_states_ordered_prepared_and_given_with_the_reason(
    catalog: Catalog,
) -> None:
    text = note(
        catalog,
        CalcRequest(dose="300 mg", dose_given="200 mg"),
        given_at="2026-03-02 09:40",
        nurse="Sam Park, RN",
        provider="Mei Lee, MD",
        stop_reason="hives at 10:20, infusion stopped per protocol",
        iv_site="left forearm, 22G",
        premeds="acetaminophen 650 mg PO, diphenhydramine 25 mg IV",
        diluent="100 mL 0.9% sodium chloride",
        start="09:40",
        stop="10:20",
        rate_changes="stopped 10:20",
        observation="60 min after stopping, hives resolved",
        waste_reason="infusion stopped early",
        rems_checked=True,
    )
    assert text == dedent("""\
        Drug administration note
        Drug: natalizumab (Tysabri), HCPCS J2323 (Injection, natalizumab, 1 mg)
        Date/time given: 2026-03-02 09:40
        Ordering/supervising provider: Mei Lee, MD
        Administered by: Sam Park, RN
        TOUCH Prescribing Program: patient authorization and the Pre-infusion Patient Checklist confirmed before infusion
        Dose ordered: 300 mg
        Dose prepared: 300 mg
        Dose given: 200 mg of the 300 mg prepared; stopped early, reason: hives at 10:20, infusion stopped per protocol
        Route: IV
        IV site: left forearm, 22G
        Premedications: acetaminophen 650 mg PO, diphenhydramine 25 mg IV
        Vials opened:
          1 × Tysabri 300 mg/15 mL single-dose vial, NDC 64406-0008-01
        Volume drawn: 15 mL (300 mg at 20 mg/mL)
        Diluent and bag: 100 mL 0.9% sodium chloride
        Billing units:
          Vials: 1 × 300 mg/15 mL = 300 mg labeled
          Administered: 200 mg ÷ 1 mg per unit = 200 → 200 units (rounded up)
          Discarded: 300 mg opened − 200 mg = 100 mg ÷ 1 mg = 100 → 100 units (rounded down)
        Waste: 100 mg (5 mL) discarded (100 mg of it prepared but not infused) = 100 billing units on the JW line, 2026-03-02 10:20; reason: infusion stopped early
        Claim lines:
          J2323 × 200 units; NDC 64406-0008-01, 10 mL
          J2323-JW × 100 units; NDC 64406-0008-01, 5 mL
        Infusion: start 09:40, stop 10:20 (40 min)
        Rate changes: stopped 10:20
        Post-infusion observation: 60 min after stopping, hives resolved
        Signatures:
          Administering nurse (administration, waste and this note): Sam Park, RN
            Signature: ______________________  Date/time: ________________
          Ordering provider (the order and the dose ordered): Mei Lee, MD
            Signature: ______________________  Date/time: ________________
        """)


def test_a_dose_given_without_a_reason_says_the_reason_is_not_recorded(catalog: Catalog) -> None:
    text = note(catalog, CalcRequest(dose="300 mg", dose_given="250 mg"))
    assert (
        "Dose given: 250 mg of the 300 mg prepared; stopped early, reason: not recorded\n" in text
    )


def test_the_label_instructions_are_not_charted_as_what_was_done(catalog: Catalog) -> None:
    # Remicade's label asks for an in-line filter:
    # the note charts a filter only when one is entered.
    text = note(catalog, CalcRequest(dose="5 mg/kg", drug="remicade", weight="73 kg"))
    assert "per label" not in text and "Filter" not in text and "Diluent" not in text
    with_filter = note(
        catalog,
        CalcRequest(dose="5 mg/kg", drug="remicade", weight="73 kg"),
        diluent="250 mL 0.9% NaCl",
        filter="1.2 micron in-line",
    )
    assert "Diluent and bag: 250 mL 0.9% NaCl\nFilter: 1.2 micron in-line\n" in with_filter


def test_a_stopped_infusion_from_two_vial_sizes_says_which_vials_and_times_the_waste_at_the_stop(
    catalog: Catalog,
) -> None:
    text = note(
        catalog,
        CalcRequest(dose="8 mg/kg", drug="actemra", weight="70 kg", dose_given="300 mg"),
        given_at="2026-03-02 09:40",
        start="09:40",
        stop="10:20",
        stop_reason="rigors",
    )
    assert (
        "  Billed as drawn from the vials in order (largest first): 300 mg from the 400 mg/20 mL "
        "vial; 2 × 80 mg/4 mL vials: not used\n"
    ) in text
    assert (
        "= 260 billing units on 2 JW lines (one per NDC), 2026-03-02 10:20\n" in text
    )  # at the stop, not the start
    assert "  J3262 × 300 units; NDC 50242-0137-01, 15 mL\n" in text
    assert "  J3262-JW × 160 units; NDC 50242-0135-01, 8 mL\n" in text


def test_waste_with_a_full_date_stop_is_timed_at_that_stop(catalog: Catalog) -> None:
    text = note(
        catalog, CalcRequest(dose="250 mg"), start="2026-03-02 23:30", stop="2026-03-03 00:40"
    )
    assert "on the JW line, 2026-03-03 00:40\n" in text
