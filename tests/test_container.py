"""Single-dose or multi-dose (issue 18 §2): what no catalog verifies, the carton says.

A code known only from CMS's files (Alymsys, Q5126, here) is UNCONFIRMED until someone
answers: no JW, no JZ, and every claim format refuses. `--container`, the batch column
`container` and the site catalog's `[[container]]` answer it; a multi-dose answer bills
the units of the amount given with neither modifier.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.cli import main
from infusion_calc.core.catalog.catalog import parse_catalog
from infusion_calc.core.catalog.container import parse_container
from infusion_calc.core.errors import CatalogError, InputError

ALYMSYS = [
    "--drug",
    "alymsys",
    "--dose",
    "690 mg",
    "--vial",
    "400 mg/16 mL",
    "--vial",
    "100 mg/4 mL",
    "--given-at",
    "2026-02-03 10:00",
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def calc_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    status, out, err = run(capsys, "calc", *args, "--json")
    assert status == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def _lines(result: dict[str, Any]) -> list[tuple[str, tuple[str, ...], int]]:
    return [(line["hcpcs"], tuple(line["modifiers"]), line["units"]) for line in result["lines"]]


def test_unconfirmed_writes_neither_jw_nor_jz_and_says_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = calc_json(capsys, *ALYMSYS)
    assert _lines(result) == [("Q5126", (), 40), ("Q5126", (), 29)]
    codes = [warning["code"] for warning in result["warnings"]]
    assert "CONTAINER_UNCONFIRMED" in codes and "MULTI_DOSE" not in codes
    assert (
        "NOT confirmed" in result["note"]
        and "single-dose or multi-dose is not confirmed" in result["note"]
    )


@pytest.mark.parametrize("fmt", ["cms1500", "ub04", "837p", "837i", "fhir", "csv"])
def test_unconfirmed_is_refused_by_every_claim_format(
    capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    status, out, err = run(capsys, "calc", *ALYMSYS, "--format", fmt)
    assert status == 2 and out == ""
    assert err.startswith("error: Nothing was exported or saved: Q5126") and "--container" in err


def test_unconfirmed_is_not_saved(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "calc", *ALYMSYS, "--save")
    assert status == 2 and "Nothing was exported or saved" in err
    assert run(capsys, "log", "list")[1].count("Q5126") == 0


def test_single_dose_from_the_carton_bills_jw(capsys: pytest.CaptureFixture[str]) -> None:
    result = calc_json(capsys, *ALYMSYS, "--container", "single-dose")
    assert _lines(result) == [("Q5126", (), 40), ("Q5126", (), 29), ("Q5126", ("JW",), 1)]
    message = next(
        w["message"] for w in result["warnings"] if w["code"] == "CONTAINER_NOT_VERIFIED"
    )
    assert "planned as single-dose (as entered from the carton" in message
    assert (
        run(capsys, "calc", *ALYMSYS, "--container", "single-dose", "--format", "cms1500")[0] == 0
    )


def test_multi_dose_from_the_carton_bills_the_amount_given_with_no_modifier(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = calc_json(capsys, *ALYMSYS, "--container", "multi-dose", "--dose-given", "500 mg")
    assert _lines(result) == [("Q5126", (), 40), ("Q5126", (), 10)]
    assert result["discarded_units"] == 0
    assert "Waste: multi-dose container" in result["note"]
    assert "multi-dose vial" in result["note"]


def test_a_container_that_contradicts_the_label_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run(capsys, "calc", "--dose", "300 mg", "--container", "multi-dose")
    assert status == 2 and "--container:" in err and "single-dose container per the label" in err


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("single-dose", "single-dose"),
        ("Single Dose", "single-dose"),
        ("SDV", "single-dose"),
        ("multi-dose", "multi-dose"),
        ("Multiple-Dose", "multi-dose"),
        ("mdv", "multi-dose"),
        ("", None),
        (None, None),
    ],
)
def test_container_spellings(typed: str | None, kind: str | None) -> None:
    assert parse_container(typed) == kind


def test_a_bad_container_is_one_sentence() -> None:
    with pytest.raises(InputError, match="single-dose or multi-dose"):
        parse_container("vial")


SITE = """
[[container]]
hcpcs = "Q5126"
strength = "400 mg"
container = "single-dose"
confirmed_by = "Ana Ruiz, PharmD"
confirmed_on = 2026-12-01

[[container]]
hcpcs = "Q5126"
strength = "100 mg"
container = "single-dose"
confirmed_by = "Ana Ruiz, PharmD"
confirmed_on = 2026-12-01
"""


def test_the_site_catalog_keeps_the_answer_once_per_product_with_who_and_when(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    site = tmp_path / "site.toml"
    site.write_text(SITE, encoding="utf-8")
    result = calc_json(capsys, "--catalog", str(site), *ALYMSYS)
    assert _lines(result)[-1] == ("Q5126", ("JW",), 1)
    message = next(
        w["message"] for w in result["warnings"] if w["code"] == "CONTAINER_NOT_VERIFIED"
    )
    assert "confirmed by Ana Ruiz, PharmD on 2026-12-01 (site catalog)" in message


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ('hcpcs = "Q512"', "hcpcs"),
        ('container = "vial"', "container"),
        ('confirmed_on = "yesterday"', "confirmed_on"),
        ('confirmed_by = ""', "confirmed_by"),
        ('strength = "400"', "strength"),
    ],
)
def test_a_bad_container_entry_names_its_field(entry: str, field: str) -> None:
    key = entry.split(" = ")[0]
    text = "\n".join(
        line if not line.startswith(f"{key} =") else entry for line in SITE.split("\n")
    )
    with pytest.raises(CatalogError, match=f"container 1: field '{field}'"):
        parse_catalog(text, "site.toml")


def test_a_container_column_in_a_batch_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "drug,dose,vial,container\n"
        "alymsys,690 mg,400 mg/16 mL;100 mg/4 mL,multi-dose\n"
        "alymsys,690 mg,400 mg/16 mL;100 mg/4 mL,\n",
        encoding="utf-8",
    )
    status, out, err = run(capsys, "batch", str(orders), "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert status == 2 and [(row["row"], row["modifiers"], row["units"]) for row in rows] == [
        (2, [], 40),
        (2, [], 29),
    ]
    assert "error: row 3: Nothing was written for this row: Q5126" in err


# --- the trastuzumab family, curated from FDA's listing and the labels ---------------------

TRASTUZUMAB = [
    ("kanjinti", "Q5117"),
    ("trazimera", "Q5116"),
    ("herzuma", "Q5113"),
    ("ontruzant", "Q5112"),
]


@pytest.mark.parametrize(("brand", "code"), TRASTUZUMAB)
def test_a_420_mg_trastuzumab_vial_is_multi_dose_no_jw_no_jz(
    capsys: pytest.CaptureFixture[str], brand: str, code: str
) -> None:
    result = calc_json(
        capsys, "--drug", brand, "--dose", "6 mg/kg", "--weight", "70 kg", "--vial", "420 mg"
    )
    assert _lines(result) == [(code, (), 42)]
    assert "MULTI_DOSE" in [warning["code"] for warning in result["warnings"]]
    assert (
        "multi-dose vial" in result["note"] and "JZ" not in result["note"].split("Claim lines:")[1]
    )


@pytest.mark.parametrize(("brand", "code"), TRASTUZUMAB)
def test_a_150_mg_trastuzumab_vial_is_single_dose(
    capsys: pytest.CaptureFixture[str], brand: str, code: str
) -> None:
    result = calc_json(capsys, "--drug", brand, "--dose", "140 mg", "--vial", "150 mg")
    assert _lines(result) == [(code, (), 14), (code, ("JW",), 1)]


def test_a_multi_dose_vial_given_in_part_bills_the_amount_given(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = calc_json(
        capsys,
        "--drug",
        "kanjinti",
        "--dose",
        "420 mg",
        "--vial",
        "420 mg",
        "--dose-given",
        "301 mg",
    )
    assert _lines(result) == [("Q5117", (), 31)]


def test_the_json_says_whether_the_container_is_confirmed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    unconfirmed = calc_json(capsys, *ALYMSYS)
    assert unconfirmed["container_confirmed"] is False and unconfirmed["single_dose"] is False
    assert {vial["container"] for vial in unconfirmed["vials"]} == {"unconfirmed"}
    confirmed = calc_json(capsys, *ALYMSYS, "--container", "single-dose")
    assert confirmed["container_confirmed"] is True and confirmed["single_dose"] is True


# --- keeping the answer for the site: `catalog confirm-container` -------------------------


def test_confirm_container_keeps_the_answer_and_later_calculations_use_it(
    capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path
) -> None:
    status, out, err = run(
        capsys,
        "catalog",
        "confirm-container",
        "--hcpcs",
        "q5126",
        "--strength",
        "400 mg",
        "--container",
        "single-dose",
        "--confirmed-by",
        "Ana Ruiz, PharmD",
    )
    assert status == 0, err
    assert "kept: single-dose per the carton, confirmed by Ana Ruiz, PharmD on " in out
    run(
        capsys,
        "catalog",
        "confirm-container",
        "--hcpcs",
        "Q5126",
        "--strength",
        "100 mg",
        "--container",
        "single-dose",
        "--confirmed-by",
        "Ana Ruiz, PharmD",
    )
    result = calc_json(capsys, *ALYMSYS)
    assert result["container_confirmed"] is True and _lines(result)[-1] == ("Q5126", ("JW",), 1)


def test_a_second_answer_for_the_same_product_is_refused_and_the_file_is_unchanged(
    capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path
) -> None:
    args = [
        "catalog",
        "confirm-container",
        "--hcpcs",
        "Q5126",
        "--strength",
        "400 mg",
        "--confirmed-by",
        "A",
    ]
    assert run(capsys, *args, "--container", "single-dose")[0] == 0
    path = isolated_user_dirs / "config" / "catalog.toml"
    before = path.read_text(encoding="utf-8")
    status, _, err = run(capsys, *args, "--container", "multi-dose")
    assert status == 2 and "listed twice" in err
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--container", "vial", "single-dose or multi-dose"),
        ("--strength", "400", "strength"),
        ("--hcpcs", "Q51", "hcpcs"),
        ("--confirmed-by", " ", "confirmed_by"),
    ],
)
def test_a_bad_answer_is_one_error_line(
    capsys: pytest.CaptureFixture[str], isolated_user_dirs: Path, option: str, value: str, said: str
) -> None:
    args = {
        "--hcpcs": "Q5126",
        "--strength": "400 mg",
        "--container": "single-dose",
        "--confirmed-by": "A",
        option: value,
    }
    status, _, err = run(
        capsys, "catalog", "confirm-container", *[part for pair in args.items() for part in pair]
    )
    assert status == 2 and err.startswith("error: ") and said in err and err.count("\n") == 1
    assert not (isolated_user_dirs / "config" / "catalog.toml").exists()


def test_cisplatin_multi_dose_vials_bill_the_amount_given_with_no_modifier(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 75 mg/m² × 1.8 m² = 135 mg from 100 mg + 50 mg
    # multiple-dose vials (FDA listing): 14 units, no JW, no JZ.
    result = calc_json(capsys, "--drug", "cisplatin", "--dose", "75 mg/m2", "--bsa", "1.8 m2")
    assert sum(units for _, _, units in _lines(result)) == 14
    assert all(modifiers == () for _, modifiers, _ in _lines(result))
    assert {vial["container"] for vial in result["vials"]} == {"multi-dose"}


def test_the_packaged_fda_2019_listing_is_a_hint_by_ndc() -> None:
    from infusion_calc.core.catalog.catalog import Product
    from infusion_calc.core.catalog.container import fda_hint
    from infusion_calc.core.numbers.units import Measure
    from infusion_calc.loading import fda_2019_containers

    hints = fda_2019_containers()
    assert hints["61703033950"] == "multi-dose" and hints["76075010101"] == "single-dose"
    kyprolis = Product(
        brand="Kyprolis",
        ndc="76075-0101-01",
        strength=Measure(Decimal(60), "mg"),
        form="lyophilized",
        container="unconfirmed",
    )
    assert fda_hint((kyprolis,), hints) == "FDA listing (2019): NDC 76075-0101-01 single-dose"
    assert fda_hint((kyprolis,), {}) is None
