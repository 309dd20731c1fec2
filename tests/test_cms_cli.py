"""`data import`, `data status`, `catalog list`,
and calc over every CMS code with its Medicare payment."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.cli import main
from tests.catalog_entries import drug_entry, product_entry, write_site_catalog

DATA = Path(__file__).parent / "data" / "cms"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def calc_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    status, out, err = run(capsys, "calc", *args, "--json")
    assert status == 0, err
    answer: dict[str, Any] = json.loads(out)
    return answer


def cms_folder(tmp_path: Path) -> Path:
    return tmp_path / "data" / "cms"


def test_import_writes_one_private_file_per_quarter_and_prints_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(
        # --replace: the subset holds a few codes of the quarter, which may be packaged whole.
        capsys,
        "data",
        "import",
        "--replace",
        str(DATA / "asp-ndc-hcpcs-crosswalk-2025Q3.csv"),
        str(DATA / "asp-payment-limits-2025Q3.csv"),
    )
    assert (status, err) == (0, "")
    assert (
        "2025Q3 (effective 2025-07-01 to 2025-09-30): 3 codes, 5 NDCs, 3 with a payment limit"
        in out
    )
    stored = cms_folder(tmp_path) / "asp-2025Q3.json.gz"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(cms_folder(tmp_path).stat().st_mode) == 0o700


def test_import_reads_the_zip_as_cms_publishes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "january-2024.zip"
    with zipfile.ZipFile(archive, "w") as packed:
        packed.write(
            DATA / "asp-ndc-hcpcs-crosswalk-2024Q1.csv",
            "section 508 version of January 2024 ASP NDC-HCPCS Crosswalk.csv",
        )
        packed.write(
            DATA / "asp-payment-limits-2024Q1.csv",
            "section 508 version of January 2024 ASP Pricing File.csv",
        )
        packed.writestr("readme.pdf", b"%PDF-1.4")
        packed.writestr(
            "section 508 version of January 2024 NOC Pricing File.csv",
            b"Drug Generic Name,Dosage\r\n",
        )
    status, out, err = run(capsys, "data", "import", "--replace", str(archive))
    assert (status, err) == (0, "")
    assert "2024Q1" in out and "CPT code" in out  # refused rows counted by reason
    assert (
        "skipped" in out
        and "NOC Pricing File.csv: not an ASP crosswalk or payment-limit table" in out
    )
    status, out, _ = run(capsys, "data", "status", "--json")
    quarters = {quarter["quarter"]: quarter for quarter in json.loads(out)["quarters"]}
    assert quarters["2024Q1"]["origin"] == "imported" and quarters["2026Q1"]["origin"] == "packaged"
    assert (quarters["2024Q1"]["effective_from"], quarters["2024Q1"]["effective_to"]) == (
        "2024-01-01",
        "2024-03-31",
    )


@pytest.mark.parametrize(
    ("files", "says"),
    [
        (["asp-ndc-hcpcs-crosswalk-2025Q3.csv"], "needs its payment-limit"),
        (
            [
                "asp-ndc-hcpcs-crosswalk-2025Q3.csv",
                "asp-payment-limits-2025Q3.csv",
                "make_subsets.py",
            ],
            "not a file this import reads",
        ),
        (["missing.csv"], "cannot read"),
    ],
)
def test_a_file_it_cannot_read_is_an_error_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: list[str], says: str
) -> None:
    status, out, err = run(capsys, "data", "import", *(str(DATA / name) for name in files))
    assert status == 2 and out == ""
    assert err.startswith("error: ") and says in err and err.count("\n") == 1
    assert not cms_folder(tmp_path).exists()


def test_an_unreadable_zip_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "broken.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    status, _, err = run(capsys, "data", "import", str(bad))
    assert status == 2 and "not a readable zip" in err


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("inflectra", "Q5103"),
        ("avastin", "J9035"),
        ("gammagard", "J1569"),
        ("Keytruda", "J9271"),
        ("J9035", "J9035"),
    ],
)
def test_drug_found_by_brand_or_code_across_all_codes(
    capsys: pytest.CaptureFixture[str], name: str, code: str
) -> None:
    result = calc_json(
        capsys,
        "--drug",
        name,
        "--dose",
        "1000 mg",
        "--vial",
        "1000 mg",
        "--given-at",
        "2026-02-03 10:00",
    )
    assert result["hcpcs"] == code


def test_a_generic_several_codes_share_is_an_error_listing_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run(capsys, "calc", "--drug", "bevacizumab", "--dose", "500 mg")
    assert status == 2
    assert "--drug: 'bevacizumab' names 4 codes" in err
    for choice in (
        "J9035 bevacizumab (Avastin)",
        "Q5107",
        "Q5118",
        "Q5126 bevacizumab-maly (Alymsys)",
    ):
        assert choice in err


def test_cms_only_code_needs_the_vial_picked_and_says_which_sizes_cms_lists(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Alymsys (Q5126) is in CMS's files only: which of its items are single-dose vials is not known.
    status, _, err = run(capsys, "calc", "--drug", "alymsys", "--dose", "500 mg")
    assert status == 2
    assert "--vial" in err and "100 mg, 400 mg" in err


def test_cms_only_code_gets_exact_units_the_ndc_and_a_container_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = calc_json(
        capsys,
        "--drug",
        "alymsys",
        "--dose",
        "10 mg/kg",
        "--weight",
        "69 kg",
        "--vial",
        "400 mg/16 mL",
        "--vial",
        "100 mg/4 mL",
        "--given-at",
        "2026-02-03 10:00",
        "--container",
        "single-dose",
    )
    assert (
        result["dose"] == "690 mg"
        and result["administered_units"] == 69
        and result["discarded_units"] == 1
    )
    assert {vial["ndc"] for vial in result["vials"]} == {"70121175401", "70121175501"}
    # Q5126 2026Q1: $33.012 per 10 mg. 69 units = 2277.828 -> 2277.83; JW 1 unit = 33.012 -> 33.01.
    assert result["payment"]["total"] == "2310.84"
    codes = [warning["code"] for warning in result["warnings"]]
    assert "CONTAINER_NOT_VERIFIED" in codes
    message = next(
        w["message"] for w in result["warnings"] if w["code"] == "CONTAINER_NOT_VERIFIED"
    )
    assert (
        "single-dose" in message and "carton" in message and "as entered from the carton" in message
    )


def test_ivig_in_grams_per_kg(capsys: pytest.CaptureFixture[str]) -> None:
    result = calc_json(
        capsys,
        "--drug",
        "gammagard",
        "--dose",
        "0.4 g/kg",
        "--weight",
        "70 kg",
        "--vial",
        "10 g/100 mL",
        "--vial",
        "20 g/200 mL",
        "--given-at",
        "2026-02-03 10:00",
    )
    assert result["dose"] == "28000 mg" and result["billing_unit"] == "500 mg"
    assert result["administered_units"] == 56  # 28 g / 500 mg
    assert sum(line["units"] for line in result["lines"]) == 56 + result["discarded_units"]


def test_curated_codes_keep_their_verified_products(capsys: pytest.CaptureFixture[str]) -> None:
    # J1745's CMS list has more NDCs than the curated Remicade vial:
    # the plan uses the curated one only.
    result = calc_json(
        capsys, "--drug", "remicade", "--dose", "365 mg", "--given-at", "2026-02-03 10:00"
    )
    assert {vial["ndc"] for vial in result["vials"]} == {"57894003001"}
    assert "CONTAINER_NOT_VERIFIED" not in [w["code"] for w in result["warnings"]]


def test_medicare_payment_per_line_and_in_total_from_the_quarter_of_the_date_given(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = calc_json(capsys, "--dose", "250 mg", "--given-at", "2026-02-03 10:00")
    # J2323 2026Q1: $24.512 per 1 mg unit. 250 units and a JW line of 50.
    assert [line["medicare_payment"] for line in result["lines"]] == ["6128.00", "1225.60"]
    assert result["payment"] == {
        "quarter": "2026Q1",
        "effective_from": "2026-01-01",
        "effective_to": "2026-03-31",
        "total": "7353.60",
        "discarded": "1225.60",
        "coinsurance_percent": "20",
        "coinsurance": "1470.72",
        "limit_per_unit": "24.512",
    }


def test_cents_are_rounded_half_up_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    # J1745 2026Q1: $32.423 per 10 mg. 37 units = 1199.651 -> 1199.65; JW 3 units = 97.269 -> 97.27.
    result = calc_json(
        capsys,
        "--drug",
        "remicade",
        "--dose",
        "5 mg/kg",
        "--weight",
        "73 kg",
        "--given-at",
        "2026-02-03 10:00",
    )
    assert [line["medicare_payment"] for line in result["lines"]] == ["1199.65", "97.27"]
    assert result["payment"]["total"] == "1296.92" and result["payment"]["coinsurance"] == "259.38"


def test_no_quarter_for_the_date_means_no_payment_and_a_warning_naming_the_quarter(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = calc_json(capsys, "--dose", "300 mg", "--given-at", "2026-05-04 09:00")
    assert result["payment"] is None and result["lines"][0]["medicare_payment"] is None
    warning = next(w for w in result["warnings"] if w["code"] == "PAYMENT_QUARTER_MISSING")
    assert "2026Q2" in warning["message"] and "data import" in warning["message"]


def test_an_imported_quarter_prices_its_own_dates(capsys: pytest.CaptureFixture[str]) -> None:
    run(
        capsys,
        "data",
        "import",
        "--replace",
        str(DATA / "asp-ndc-hcpcs-crosswalk-2025Q3.csv"),
        str(DATA / "asp-payment-limits-2025Q3.csv"),
    )
    result = calc_json(capsys, "--dose", "300 mg", "--given-at", "2025-08-01 09:00")
    assert result["payment"]["quarter"] == "2025Q3"
    assert Decimal(result["payment"]["total"]) == Decimal("24.126") * 300


def test_a_code_no_quarter_prices_says_the_contractor_prices_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = calc_json(
        capsys, "--drug", "spinraza", "--dose", "12 mg", "--given-at", "2026-02-03 10:00"
    )
    assert result["payment"] is None
    assert "PAYMENT_NOT_LISTED" in [w["code"] for w in result["warnings"]]


def test_readable_summary_shows_what_the_jw_line_recovers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "calc", "--dose", "250 mg", "--given-at", "2026-02-03 10:00")
    assert status == 0
    assert "Medicare      $7,353.60 allowed" in out and "the JW line recovers $1,225.60" in out


def test_catalog_list_json_has_one_object_per_code_with_its_source(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run(capsys, "catalog", "list", "--json")
    assert status == 0
    entries = {entry["hcpcs"]: entry for entry in json.loads(out)}
    assert len(entries) > 600
    assert entries["J2323"] == {
        "hcpcs": "J2323",
        "drug": "natalizumab",
        "brands": ["Tysabri"],
        "billing_unit": "1 mg",
        "products": 1,
        "source": "curated",
    }
    assert entries["Q5126"]["source"] == "cms" and entries["Q5126"]["brands"] == ["Alymsys"]
    assert (
        entries["Q5126"]["products"] == 4
    )  # its NDCs in the newest quarter's crosswalk (2026Q3; 2 in 2026Q1)
    assert all(
        set(entry) == {"hcpcs", "drug", "brands", "billing_unit", "products", "source"}
        for entry in entries.values()
    )
    assert not any(code[0].isdigit() for code in entries)


def alymsys_entry(unit: str) -> str:
    return drug_entry(
        "Q5126",
        descriptor=f"Injection, bevacizumab-maly, biosimilar, (alymsys), {unit}",
        generic="bevacizumab-maly",
        brands=["Alymsys"],
        billing_unit=unit,
        sources=["pharmacy carton check 2026-01"],
        products=[product_entry("Alymsys", ndc="70121-1754-01", strength="100 mg", volume="4 mL")],
    )


def test_a_site_file_confirms_a_cms_code_and_plans_without_vials_typed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = write_site_catalog(tmp_path, alymsys_entry("10 mg"))
    result = calc_json(
        capsys,
        "--drug",
        "alymsys",
        "--dose",
        "300 mg",
        "--catalog",
        str(site),
        "--given-at",
        "2026-02-03 10:00",
    )
    assert result["vials"][0]["count"] == 3 and "CONTAINER_NOT_VERIFIED" not in [
        w["code"] for w in result["warnings"]
    ]
    status, out, _ = run(capsys, "catalog", "list", "--json", "--catalog", str(site))
    assert {entry["hcpcs"]: entry for entry in json.loads(out)}["Q5126"]["source"] == "site"


def test_a_site_file_cannot_change_the_billing_unit_cms_gives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = write_site_catalog(tmp_path, alymsys_entry("1 mg"))
    status, _, err = run(
        capsys, "calc", "--drug", "alymsys", "--dose", "300 mg", "--catalog", str(site)
    )
    assert status == 2 and "CMS's crosswalk bills Q5126 in units of 10 mg" in err


def test_a_damaged_imported_quarter_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = cms_folder(tmp_path)
    folder.mkdir(parents=True)
    (folder / "asp-2026Q2.json.gz").write_bytes(b"not gzip")
    status, _, err = run(capsys, "calc", "--dose", "300 mg")
    assert status == 2 and "import the CMS files again" in err
    os.remove(folder / "asp-2026Q2.json.gz")


def test_log_export_carries_the_payment_of_each_saved_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run(
        capsys, "calc", "--dose", "250 mg", "--given-at", "2026-02-03 10:00", "--save"
    )
    assert status == 0, err
    status, out, _ = run(capsys, "log", "export")
    header, *rows = [line.split(",") for line in out.splitlines()]
    payments = [row[header.index("medicare_payment")] for row in rows]
    assert payments == ["6128.00", "1225.60"]
    status, out, _ = run(capsys, "log", "export", "--format", "json")
    assert json.loads(out.splitlines()[0])["result"]["payment"]["total"] == "7353.60"


def test_whole_vial_option_shows_its_difference_in_dollars(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # 310 mg of Remicade opens 4 vials (31 units + 9 JW); the 300 mg option opens 3 (30 units).
    result = calc_json(
        capsys,
        "--drug",
        "remicade",
        "--dose",
        "310 mg",
        "--round-within",
        "10",
        "--given-at",
        "2026-02-03 10:00",
    )
    assert result["payment"]["total"] == "1296.92"  # 40 units x 32.423
    assert (
        result["dose_rounding"]["medicare_payment_difference"] == "-324.23"
    )  # 30 units x 32.423 = 972.69


def test_the_compiled_catalog_is_reused_and_other_installations_caches_are_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    other = cache / "catalog-0000000000000000000000000000000000000000.json"
    other.write_bytes(b"another installation's cache")
    assert run(capsys, "calc", "--dose", "300 mg")[0] == 0
    written = sorted(cache.glob("catalog-*.json"))
    assert other in written and len(written) == 2
    mtime = max(path.stat().st_mtime_ns for path in written)
    assert run(capsys, "calc", "--dose", "300 mg")[0] == 0  # a hit: nothing rewritten
    assert max(path.stat().st_mtime_ns for path in cache.glob("catalog-*.json")) == mtime


def test_a_corrupt_cache_is_a_miss_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "calc", "--dose", "300 mg")[0] == 0
    (cached,) = (tmp_path / "cache").glob("catalog-*.json")
    cached.write_bytes(b"\x80\x05 truncated")
    status, out, err = run(capsys, "calc", "--dose", "300 mg", "--json")
    assert status == 0 and json.loads(out)["hcpcs"] == "J2323"


def test_another_pint_release_is_a_new_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache keeps pint's answers about units: answers from another pint are never read."""
    from infusion_calc import catalog_cache

    assert run(capsys, "calc", "--dose", "300 mg")[0] == 0
    monkeypatch.setattr(catalog_cache, "_pint_release", lambda: "pint upgraded")
    assert run(capsys, "calc", "--dose", "300 mg")[0] == 0
    assert len(list((tmp_path / "cache").glob("catalog-*.json"))) == 2
