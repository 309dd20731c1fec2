"""`calc --format/--payer-rules/--save/--patient-id` and `infusion-calc log` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infusion_calc.cli import main
from infusion_calc.log import AdministrationLog
from tests.saved_entries import entry_in, sqlite_file

SITE_CONFIG = """
[payer.medicaid]
ndc_spacing = "none"

[chargemaster]
J2323 = "4.00"
"""


@pytest.fixture
def site_config(isolated_user_dirs: Path) -> Path:
    path = isolated_user_dirs / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SITE_CONFIG, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_format_cms1500_prints_item_24_with_the_site_charge(
    capsys: pytest.CaptureFixture[str], site_config: Path
) -> None:
    status, out, err = run(capsys, "calc", "--dose", "300 mg", "--format", "cms1500")
    assert status == 0 and err == ""
    assert out.splitlines()[1].split() == [
        "1",
        "N464406000801",
        "ML15",
        "J2323",
        "JZ",
        "1200.00",
        "300",
    ]


def test_payer_rules_apply_that_payers_spacing(
    capsys: pytest.CaptureFixture[str], site_config: Path
) -> None:
    status, out, _ = run(
        capsys, "calc", "--dose", "300 mg", "--format", "ub04", "--payer-rules", "medicaid"
    )
    assert status == 0 and "N464406000801ML15" in out


def test_warnings_go_to_stderr_so_the_export_stays_clean(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(
        capsys, "calc", "--dose", "300 mg", "--drug", "tyruko", "--format", "837p"
    )
    assert status == 0
    assert "LIN" not in out and out.startswith("LX*1~")
    assert err.count("warning: ") == 3  # no NDC on the line; no charge for Q5134; dated today
    assert "carton" in err and "chargemaster" in err and "No date and time" in err


def test_format_json_is_exactly_the_json_option(capsys: pytest.CaptureFixture[str]) -> None:
    _, via_format, _ = run(capsys, "calc", "--dose", "250 mg", "--format", "json")
    _, via_json, _ = run(capsys, "calc", "--dose", "250 mg", "--json")
    assert json.loads(via_format) == json.loads(via_json)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--json", "--format", "csv"], "--json and --format csv"),
        (["--format", "pdf"], "argument --format: invalid choice: 'pdf'"),
        (["--payer-rules", "acme", "--format", "ub04"], "no [payer.acme] table"),
        (
            ["--patient-id", "MRN1"],
            "--patient-id is only kept in the administration log: add --save",
        ),
        (["--patient-id", "MRN1", "--save"], "--patient-id: the site config does not allow"),
    ],
)
def test_bad_output_options_are_one_error_line_and_status_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, out, err = run(capsys, "calc", "--dose", "300 mg", *args)
    assert status == 2 and out == ""
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert AdministrationLog().count() == 0


def test_a_bad_site_config_names_the_file_and_field(
    capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path
) -> None:
    path = isolated_user_dirs / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("[chargemaster]\nJ2323 = 4.005\n", encoding="utf-8")
    status, _, err = run(capsys, "calc", "--dose", "300 mg", "--format", "cms1500")
    assert status == 2 and f"{path}: [chargemaster] code J2323" in err


def test_save_then_list_show_and_export(
    capsys: pytest.CaptureFixture[str], site_config: Path
) -> None:
    status, out, err = run(capsys, "calc", "--dose", "250 mg", "--save")
    assert status == 0 and "Claim lines" in out  # the usual summary still prints
    assert err.startswith("saved: administration log entry 1 (")

    _, listing, _ = run(capsys, "log", "list")
    assert listing.splitlines()[1].split()[0] == "1" and "J2323 × 250; J2323-JW × 50" in listing

    _, shown, _ = run(capsys, "log", "show", "1")
    # The NDC as the carton and the calc summary show it;
    # the claim syntax (N4...) is for the exports.
    assert "J2323-JW" in shown and "NDC 64406-0008-01, 2.5 mL" in shown and "Chart note" in shown
    assert (
        "  Open          1 × 300 mg/15 mL vial  (NDC 64406-0008-01)" in shown
    )  # as calc printed it

    _, exported, _ = run(capsys, "log", "export", "--format", "csv")
    header, *rows = exported.splitlines()
    assert header.startswith("id,saved_at,tool_version,patient_id,drug,dose") and len(rows) == 2

    _, as_json, _ = run(capsys, "log", "show", "1", "--json")
    assert json.loads(as_json)["result"]["discarded_units"] == 50


def test_save_with_a_format_prints_the_export_and_stores_the_calculation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, err = run(
        capsys, "calc", "--dose", "12 mg", "--drug", "spinraza", "--format", "csv", "--save"
    )
    assert (
        status == 0 and out.startswith("line,hcpcs") and "saved: administration log entry 1" in err
    )
    assert entry_in(AdministrationLog(), 1)["result"]["hcpcs"] == "J2326"


def test_patient_id_is_stored_when_the_site_allows_it(
    capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path
) -> None:
    path = isolated_user_dirs / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("[log]\nstore_patient_id = true\n", encoding="utf-8")
    assert run(capsys, "calc", "--dose", "300 mg", "--save", "--patient-id", "MRN-7")[0] == 0
    _, listing, _ = run(capsys, "log", "list")
    assert "(patient MRN-7)" in listing


def test_a_locked_log_fails_the_save_with_status_1_and_no_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from infusion_calc.log import store

    assert run(capsys, "calc", "--dose", "300 mg", "--save")[0] == 0
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(store.default_log_path(), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        status, out, err = run(capsys, "calc", "--dose", "300 mg", "--save")
    finally:
        holder.close()
    assert status == 1 and out == ""
    assert "locked" in err and "NOT saved" in err
    assert AdministrationLog().count() == 1


def test_log_on_an_empty_data_dir(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "log", "list")
    assert status == 0 and "The administration log is empty" in out
    status, _, err = run(capsys, "log", "show", "7")
    assert (
        status == 2
        and err == "error: no entry 7 in the administration log (see 'infusion-calc log list')\n"
    )
    status, out, _ = run(capsys, "log", "export", "--format", "json")
    assert status == 0 and out == ""


def test_log_export_refuses_to_overwrite_the_log_itself(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "calc", "--dose", "300 mg", "--save")
    path = AdministrationLog().path
    status, _, err = run(capsys, "log", "export", "--out", str(path))
    assert status == 2 and "the log file itself" in err
    assert AdministrationLog().count() == 1


def test_the_time_given_dates_the_837_and_the_log_keeps_the_encounter(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(
        capsys,
        "calc",
        "--dose",
        "300 mg",
        "--format",
        "837p",
        "--given-at",
        "2026-03-02 14:05",
        "--dx",
        "G35.A",
        "--lot",
        "AB123",
        "--save",
    )
    assert status == 0 and "DTP*472*D8*20260302~" in out.splitlines()
    entry = entry_in(AdministrationLog(), 1)
    assert entry["encounter"] == {"given_at": "2026-03-02 14:05", "dx": "G35.A", "lots": ["AB123"]}
    assert "AB123" in entry["note"] and isinstance(entry["checks"], list)


@pytest.mark.parametrize(
    "args",
    [
        ["show", "99999999999999999999999"],
        ["show", str(2**63)],
        ["show", "٣"],
        ["list", "--limit", "99999999999999999999"],
        ["list", "--limit", "1000000001"],
        ["list", "--limit", "²"],
    ],
)
def test_log_numbers_out_of_range_are_one_error_line_and_status_2(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    run(capsys, "calc", "--dose", "300 mg", "--save")
    status, out, err = run(capsys, "log", *args)
    assert status == 2 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1 and "internal error" not in err


def test_the_largest_entry_number_is_looked_up_not_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(capsys, "calc", "--dose", "300 mg", "--save")
    status, _, err = run(capsys, "log", "show", str(2**63 - 1))
    assert status == 2 and err.startswith(f"error: no entry {2**63 - 1} in the administration log")
    status, out, _ = run(capsys, "log", "list", "--limit", "1000000000")
    assert status == 0 and "J2323" in out


@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_log_export_never_writes_over_the_log_or_its_sqlite_companions(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    import sqlite3

    run(capsys, "calc", "--dose", "300 mg", "--save")
    log_path = sqlite_file(AdministrationLog().path)
    keeper = sqlite3.connect(log_path)  # an open reader keeps the -wal and -shm files in place
    keeper.execute("SELECT count(*) FROM administration").fetchone()
    try:
        target = log_path.with_name(log_path.name + suffix)
        before = target.read_bytes() if target.exists() else None
        link = tmp_path / "innocent-name.csv"
        link.symlink_to(target)
        for out in (str(target), str(link)):
            status, stdout, err = run(capsys, "log", "export", "--out", out)
            assert status == 2 and stdout == "" and "the log file itself" in err
        assert (target.read_bytes() if target.exists() else None) == before
    finally:
        keeper.close()
    assert AdministrationLog().count() == 1


def test_log_export_refuses_a_hard_link_to_the_log(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run(capsys, "calc", "--dose", "300 mg", "--save")
    link = tmp_path / "copy.csv"
    link.hardlink_to(sqlite_file(AdministrationLog().path))
    status, _, err = run(capsys, "log", "export", "--out", str(link))
    assert status == 2 and "the log file itself" in err
    assert AdministrationLog().count() == 1


@pytest.mark.parametrize(
    ("patient_id", "says"),
    [
        ("MRN\x1b[2J7", "U+001B"),
        ("MRN-7\u202e", "U+202E"),
        ("MRN\u200b7", "U+200B"),
        ("MRN\n7", "a line break"),
        ("M" * 65, "65 characters long"),
    ],
)
def test_a_patient_id_with_control_or_invisible_characters_is_refused(
    capsys: pytest.CaptureFixture[str],
    isolated_user_dirs: Path,
    patient_id: str,
    says: str,
) -> None:
    path = isolated_user_dirs / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text("[log]\nstore_patient_id = true\n", encoding="utf-8")
    status, out, err = run(capsys, "calc", "--dose", "300 mg", "--save", "--patient-id", patient_id)
    assert status == 2 and out == ""
    assert err.startswith("error: --patient-id: ") and says in err and err.count("\n") == 1
    assert AdministrationLog().count() == 0


def test_log_list_and_show_escape_control_characters_already_in_a_log(
    capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path
) -> None:
    """A log written before the check, or edited,
    must not replay an escape sequence on the terminal."""
    import sqlite3

    run(capsys, "calc", "--dose", "300 mg", "--save")
    with sqlite3.connect(sqlite_file(AdministrationLog().path)) as connection:
        connection.execute(
            "UPDATE administration SET patient_id = ?, note = ?", ("MRN\x1b[2J7", "given\x07 ok")
        )
    _, listing, _ = run(capsys, "log", "list")
    _, shown, _ = run(capsys, "log", "show", "1")
    for text in (listing, shown):
        assert "\x1b" not in text and "MRN\\x1b[2J7" in text
    assert "\x07" not in shown and "given\\x07 ok" in shown


def test_the_log_keeps_the_amount_given_and_the_administration_details(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, _ = run(
        capsys,
        "calc",
        "--dose",
        "300 mg",
        "--dose-given",
        "200 mg",
        "--stop-reason",
        "patient left",
        "--iv-site",
        "left forearm",
        "--observation",
        "30 min, no reaction",
        "--save",
    )
    assert status == 0
    entry = entry_in(AdministrationLog(), 1)
    assert entry["result"]["dose_given"] == "200 mg" and entry["inputs"]["dose_given"] == "200 mg"
    assert entry["encounter"] == {
        "dose_given": "200 mg",
        "stop_reason": "patient left",
        "iv_site": "left forearm",
        "observation": "30 min, no reaction",
    }
    _, shown, _ = run(capsys, "log", "show", "1")
    assert "  Given         200 mg of the dose prepared\n" in shown and "J2323-JW" in shown


def test_an_entry_saved_before_the_amount_given_existed_still_shows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import sqlite3

    assert run(capsys, "calc", "--dose", "300 mg", "--save")[0] == 0
    log = AdministrationLog()
    with sqlite3.connect(
        sqlite_file(log.path)
    ) as connection:  # as an older version wrote it: no dose_given key
        connection.execute("UPDATE administration SET result = json_remove(result, '$.dose_given')")
    assert "dose_given" not in entry_in(log, 1)["result"]
    status, shown, err = run(capsys, "log", "show", "1")
    assert status == 0 and err == "" and "Dose given     " not in shown and "J2323-JZ" in shown
