"""`infusion-calc calc` with encounter options: --note,
the JSON `note` and `checks`, and bad input."""

from __future__ import annotations

import json

import pytest

from infusion_calc.cli import main
from infusion_calc.core.calculation.engine import calculate
from infusion_calc.core.calculation.request import CalcRequest
from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.pipeline.documentation import chart_note
from infusion_calc.core.record.encounter import EncounterText, parse_encounter
from infusion_calc.loading import clinical_rules

ENCOUNTER = [
    "--given-at",
    "2026-03-02 09:40",
    "--dx",
    "G35.A",
    "--payer",
    "commercial",
    "--pa",
    "PA-778812",
    "--step-therapy",
    "--site",
    "Infusion Suite 2",
    "--nurse",
    "Sam Park, RN",
    "--provider",
    "Mei Lee, MD",
    "--lot",
    "TY2291",
    "--expires",
    "2027-03",
    "--waste-reason",
    "dose reduced per order",
    "--witness",
    "Ana Ruiz, RN",
    "--start",
    "09:40",
    "--stop",
    "10:45",
    "--consent",
    "--rems-checked",
    "--events",
    "None observed.",
    "--observation",
    "60 min, no reaction",
]


def test_json_carries_the_note_and_the_checks(
    capsys: pytest.CaptureFixture[str], catalog: Catalog
) -> None:
    assert main(["calc", "--dose", "250 mg", "--json", *ENCOUNTER]) == 0
    result = json.loads(capsys.readouterr().out)
    expected_note = chart_note(
        calculate(catalog, CalcRequest(dose="250 mg")),
        parse_encounter(
            EncounterText(
                given_at="2026-03-02 09:40",
                dx="G35.A",
                payer="commercial",
                prior_auth="PA-778812",
                step_therapy=True,
                site="Infusion Suite 2",
                nurse="Sam Park, RN",
                provider="Mei Lee, MD",
                lots=("TY2291",),
                expires=("2027-03",),
                waste_reason="dose reduced per order",
                waste_witness="Ana Ruiz, RN",
                start="09:40",
                stop="10:45",
                consent=True,
                rems_checked=True,
                events="None observed.",
                observation="60 min, no reaction",
            )
        ),
        rules=clinical_rules(),
    )
    assert result["note"] == expected_note
    assert result["checks"] == [
        {
            "code": "DOSE_NOT_LABELED",
            "severity": "warning",
            "message": result["checks"][0]["message"],
        },
        {"code": "ADMIN_CODE", "severity": "info", "message": result["checks"][1]["message"]},
    ]
    assert "250 mg differs from the labeled 300 mg" in result["checks"][0]["message"]
    assert result["lines"][1]["modifiers"] == ["JW"]  # the contract keys are untouched


def test_json_without_encounter_options_still_lists_what_is_missing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["calc", "--dose", "300 mg", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert {check["code"] for check in result["checks"]} == {
        "DX_MISSING",
        "PAYER_MISSING",
        "REMS_NOT_CONFIRMED",
        "LOT_MISSING",
        "ADMIN_TIMES_MISSING",
        "OBSERVATION_NOT_RECORDED",
    }
    assert all(set(check) == {"code", "severity", "message"} for check in result["checks"])
    assert result["note"].startswith("Drug administration note\n")


def test_note_option_prints_summary_then_note_then_checks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        main(
            ["calc", "--dose", "300 mg", "--note", "--dx", "G35", "--given-at", "2026-03-02 09:40"]
        )
        == 0
    )
    out = capsys.readouterr().out
    summary, note, checks = out.split("\n\n")
    assert summary.startswith("natalizumab (Tysabri) · J2323")
    assert (
        note.startswith("Drug administration note\n")
        and "Diagnosis (ICD-10-CM): G35 Multiple sclerosis" in note
    )
    assert note.endswith("Date/time: ________________")
    assert checks.startswith(
        "Pre-submission checks:\n  error   DX_NOT_BILLABLE: G35 is a non-billable header"
    )


def test_without_note_the_summary_is_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calc", "--dose", "300 mg", "--dx", "G35.A"]) == 0
    out = capsys.readouterr().out
    assert "Drug administration note" not in out and "Pre-submission checks" not in out


def test_lots_and_expirations_follow_vial_order(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["calc", "--dose", "5 mg/kg", "--drug", "remicade", "--weight", "73 kg", "--json"]
    for lot, expiry in (
        ("A1", "2027-01"),
        ("A1", "2027-01"),
        ("B2", "2027-06-30"),
        ("B2", "2027-06-30"),
    ):
        args += ["--lot", lot, "--expires", expiry]
    assert main(args) == 0
    note = json.loads(capsys.readouterr().out)["note"]
    assert (
        "  Vial 2 (100 mg): lot A1, exp 2027-01\n  Vial 3 (100 mg): lot B2, exp 2027-06-30\n"
        in note
    )


@pytest.mark.parametrize(
    "option, value, expected",
    [
        ("--start", "25:00", "error: --start: '25:00' is not a time of day. Enter HH:MM"),
        ("--start", "9.30", "error: --start: Could not read '9.30'. Enter HH:MM"),
        (
            "--given-at",
            "03/02/2026 09:40",
            "error: --given-at: Could not read '03/02/2026 "
            "09:40'. Enter YYYY-MM-DD, or YYYY-MM-DD HH:MM",
        ),
        (
            "--given-at",
            "2026-02-30 09:40",
            "error: --given-at: '2026-02-30 09:40' is not a real date and time.",
        ),
        ("--dx", "G35-A", "error: --dx: 'G35-A' is not an ICD-10-CM code"),
        (
            "--expires",
            "03/2027",
            "error: --expires: Vial 1: Could not read '03/2027' as an expiration date.",
        ),
        (
            "--payer",
            "cash",
            "error: --payer: 'cash' is not a payer type. Enter one of: medicare, "
            "medicare-advantage, medicaid, commercial.",
        ),
        (
            "--lot",
            "A1\x1b[31m",
            "error: --lot: The lot of vial 1 contains the invisible character U+001B",
        ),
        (
            "--pa",
            "P" * 41,
            "error: --pa: The prior authorization number is 41 characters long; at most 40",
        ),
        (
            "--dose-given",
            "400 mg",
            "error: --dose-given: 400 mg given is more than the 300 mg prepared for this order.",
        ),
        (
            "--dose-given",
            "15 mL",
            "error: --dose-given: 'mL' is not a mass. Enter a mass such as 300 mg.",
        ),
        ("--dose-given", "0 mg", "error: --dose-given: The amount must be more than zero."),
        (
            "--stop-reason",
            "R" * 201,
            "error: --stop-reason: The reason less was given is 201 characters long; at most 200",
        ),
        (
            "--iv-site",
            "L arm\x1b[2J",
            "error: --iv-site: IV site contains the invisible character U+001B",
        ),
        (
            "--premeds",
            "P" * 301,
            "error: --premeds: Premedications is 301 characters long; at most 300",
        ),
        (
            "--observation",
            "60 min\nno reaction",
            "error: --observation: Post-infusion observation contains a line break",
        ),
        (
            "--diluent",
            "D" * 121,
            "error: --diluent: Diluent and bag is 121 characters long; at most 120",
        ),
        ("--filter", "F" * 81, "error: --filter: Filter is 81 characters long; at most 80"),
    ],
)
def test_malformed_encounter_input_is_one_error_line_with_status_2(
    capsys: pytest.CaptureFixture[str], option: str, value: str, expected: str
) -> None:
    assert main(["calc", "--dose", "300 mg", option, value]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(expected)
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err


def test_stop_before_start_points_at_stop(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calc", "--dose", "300 mg", "--start", "10:00", "--stop", "09:00", "--json"]) == 2
    assert capsys.readouterr().err.startswith(
        "error: --stop: The stop time is not after the start time."
    )


def test_flags_take_no_value(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calc", "--dose", "300 mg", "--rems-checked", "yes"]) == 2
    assert capsys.readouterr().err.startswith("error: unrecognized arguments: yes")


def test_dose_given_bills_what_was_given_and_the_json_keeps_dose_as_ordered(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [
        "calc",
        "--dose",
        "300 mg",
        "--dose-given",
        "200 mg",
        "--stop-reason",
        "hives at 40 min",
        "--json",
    ]
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert [(line["modifiers"], line["units"]) for line in result["lines"]] == [
        ([], 200),
        (["JW"], 100),
    ]
    assert (result["dose"], result["dose_given"], result["discarded_amount"]) == (
        "300 mg",
        "200 mg",
        "100 mg",
    )
    assert "DOSE_PARTLY_GIVEN" in {warning["code"] for warning in result["warnings"]}
    assert (
        "Dose given: 200 mg of the 300 mg prepared; stopped early, reason: hives at 40 min"
        in result["note"]
    )


def test_the_summary_shows_the_amount_given_and_the_unverified_jw_notice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["calc", "--dose", "300 mg", "--dose-given", "200 mg"]) == 0
    out = capsys.readouterr().out
    assert "  Given         200 mg of the dose prepared\n" in out
    assert "PARTIAL, not verified" in out


def test_administration_details_reach_the_note_and_rate_changes_may_span_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = [
        "calc",
        "--dose",
        "300 mg",
        "--note",
        "--iv-site",
        "left forearm, 22G",
        "--premeds",
        "acetaminophen 650 mg PO",
        "--rate-changes",
        "slowed 10:05\nresumed 10:20",
        "--observation",
        "60 min, no reaction",
        "--diluent",
        "100 mL 0.9% NaCl",
        "--filter",
        "0.2 micron in-line",
    ]
    assert main(args) == 0
    note = capsys.readouterr().out
    for line in (
        "IV site: left forearm, 22G\n",
        "Premedications: acetaminophen 650 mg PO\n",
        "Rate changes: slowed 10:05\n  resumed 10:20\n",
        "Post-infusion observation: 60 min, no reaction\n",
        "Diluent and bag: 100 mL 0.9% NaCl\n",
        "Filter: 0.2 micron in-line\n",
    ):
        assert line in note


def test_a_check_that_raises_leaves_the_result_with_one_error_to_check_by_hand(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("bug")

    monkeypatch.setattr("infusion_calc.core.pipeline.administration.run_checks", broken)
    assert main(["calc", "--dose", "300 mg", "--json"]) == 0  # checks never change the exit status
    result = json.loads(capsys.readouterr().out)
    assert result["administered_units"] == 300 and result["note"].startswith(
        "Drug administration note\n"
    )
    [check] = result["checks"]
    assert (
        check["code"] == "CHECKS_FAILED"
        and check["severity"] == "error"
        and "by hand" in check["message"]
    )
