"""`calc` with the site's policy (config.toml) and the log's earlier doses: wired,
exit status unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.cli import main


def _config(isolated_user_dirs: Path, text: str) -> None:
    folder = isolated_user_dirs / "config"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["calc", *args, "--json"]) == 0  # checks never change the exit status
    answer: dict[str, Any] = json.loads(capsys.readouterr().out)
    return answer


def test_a_340b_site_gets_tb_on_each_line_and_says_so(
    capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path
) -> None:
    _config(isolated_user_dirs, "[billing]\nacquired_340b = true\n")
    result = _json(capsys, "--dose", "250 mg", "--given-at", "2026-03-02 09:00")
    assert [(line["modifiers"], line["units"]) for line in result["lines"]] == [
        (["TB"], 250),
        (["JW", "TB"], 50),
    ]
    assert "MODIFIER_340B" in {notice["code"] for notice in result["warnings"]}
    assert not {"MODIFIER_340B_MISSING", "MODIFIER_340B_BY_HAND"} & {
        check["code"] for check in result["checks"]
    }
    before = _json(capsys, "--dose", "250 mg", "--given-at", "2024-12-31 09:00")
    assert [line["modifiers"] for line in before["lines"]] == [[], ["JW"]]
    assert "MODIFIER_340B_BY_HAND" in {check["code"] for check in before["checks"]}


def test_without_a_config_file_no_modifier_is_added(capsys: pytest.CaptureFixture[str]) -> None:
    result = _json(capsys, "--dose", "250 mg")
    assert [line["modifiers"] for line in result["lines"]] == [[], ["JW"]]


def test_the_witness_policy_and_the_fallback_codes_reach_the_checks(
    capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path
) -> None:
    args = (
        "--dose",
        "250 mg",
        "--waste-reason",
        "dose reduced",
        "--given-at",
        "2026-03-02 09:00",
        "--start",
        "09:00",
        "--stop",
        "10:05",
    )
    quiet = {check["code"]: check["message"] for check in _json(capsys, *args)["checks"]}
    assert "WASTE_UNDOCUMENTED" not in quiet and "96413 × 1" in quiet["ADMIN_CODE"]
    _config(
        isolated_user_dirs,
        "[documentation]\nrequire_waste_witness = true\n[administration]\ncomplex_biologic_codes "
        '= "infusion"\n',
    )
    strict = {check["code"]: check["message"] for check in _json(capsys, *args)["checks"]}
    assert strict["WASTE_UNDOCUMENTED"].endswith("Not recorded: the witness (site policy).")
    assert "96365 × 1" in strict["ADMIN_CODE"]


def test_a_dose_out_of_range_is_an_error_check_but_not_an_exit_status(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = _json(capsys, "--dose", "300 mL")
    assert (
        result["checks"][0]["code"] == "DOSE_OUT_OF_RANGE"
        and result["checks"][0]["severity"] == "error"
    )


def test_nusinersen_frequency_counts_this_patients_earlier_doses_in_the_log(
    capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path
) -> None:
    _config(isolated_user_dirs, "[log]\nstore_patient_id = true\n")
    schedule = ["2025-01-06", "2025-01-20", "2025-02-03", "2025-03-10", "2025-07-10", "2025-11-10"]
    for day in schedule:
        assert (
            main(
                [
                    "calc",
                    "--drug",
                    "spinraza",
                    "--dose",
                    "12 mg",
                    "--given-at",
                    f"{day} 09:00",
                    "--save",
                    "--patient-id",
                    "P1",
                ]
            )
            == 0
        )
    capsys.readouterr()

    def codes(patient: str) -> dict[str, str]:
        result = _json(
            capsys,
            "--drug",
            "spinraza",
            "--dose",
            "12 mg",
            "--given-at",
            "2025-12-01 09:00",
            "--payer",
            "medicare",
            "--save",
            "--patient-id",
            patient,
        )
        return {check["code"]: check["severity"] for check in result["checks"]}

    assert codes("P1")["NUSINERSEN_FREQUENCY"] == "error"
    assert "NUSINERSEN_FREQUENCY" not in codes("P2")  # another patient's doses do not count


def test_batch_lines_carry_tb_for_a_340b_site(
    capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path, tmp_path: Path
) -> None:
    import csv
    import io

    orders = tmp_path / "orders.csv"
    orders.write_text("Encounter,Drug,Dose\nE1,Tysabri,250 mg\n", encoding="utf-8")
    assert main(["batch", str(orders), "--jobs", "1"]) == 0
    plain = [row["modifiers"] for row in csv.DictReader(io.StringIO(capsys.readouterr().out))]
    _config(isolated_user_dirs, "[billing]\nacquired_340b = true\n")
    assert main(["batch", str(orders), "--jobs", "1"]) == 0
    marked = [row["modifiers"] for row in csv.DictReader(io.StringIO(capsys.readouterr().out))]
    assert (plain, marked) == (["", "JW"], ["TB", "JW;TB"])
