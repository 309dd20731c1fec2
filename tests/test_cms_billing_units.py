"""CMS's billing units beyond one plain mass: combinations by first-named strength, rounded package
figures kept, and every code not imported listed with its reason (`data status --refused`)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infusion_calc.cli import main
from infusion_calc.cms.dosage import (
    COMBINATION,
    RANGE,
    DosageRefused,
    code_billing_unit,
    package_rounded,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "cms"

# (code, unit column, HCPCS long descriptor, billed as): the real 2026Q1/Q3 rows and descriptors.
FIRST_NAMED = [
    ("J0138", "10 MG/3MG", "Injection, acetaminophen 10 mg and ibuprofen 3 mg", "10 mg"),
    (
        "J0695",
        "75MG (50MG cft/25MG taz)",
        "Injection, ceftolozane 50 mg and tazobactam 25 mg",
        "50 mg",
    ),
    (
        "J0702",
        "3 MG & 3 MG",
        "Injection, betamethasone acetate 3 mg and betamethasone sodium phosphate 3 mg",
        "3 mg",
    ),
    ("J0741", "2 MG - 3 MG", "Injection, cabotegravir and rilpivirine, 2mg/3mg", "2 mg"),
    (
        "J0742",
        "4 MG-4 MG-2 MG",
        "Injection, imipenem 4 mg, cilastatin 4 mg and relebactam 2 mg",
        "4 mg",
    ),
    (
        "J2790",
        "300 MCG (1500 IU)",
        "Injection, rho d immune globulin, human, full dose, 300 micrograms (1500 i.u.)",
        "0.3 mg",
    ),
    (
        "J9153",
        "1 MG/2.27 MG",
        "Injection, liposomal, 1 mg daunorubicin and 2.27 mg cytarabine",
        "1 mg",
    ),
    ("J9298", "3 MG - 1 MG", "Injection, nivolumab and relatlimab-rmbw, 3 mg/1 mg", "3 mg"),
]
STILL_REFUSED = [
    # "up to" per component: no one strength is a unit.
    (
        "J7620",
        "2.5 MG/0.5 MG",
        "Albuterol, up to 2.5 mg and ipratropium bromide, up to 0.5 mg, fda-approved final product",
        COMBINATION,
    ),
    # One unit is a 100 mL cassette (the payment file says "100 ML"), not 5 mg of carbidopa.
    (
        "J7340",
        "5 MG/20 MG 100 ML",
        "Carbidopa 5 mg/levodopa 20 mg enteral suspension, 100 ml",
        COMBINATION,
    ),
    # The code depends on the dose's size: one injection of at most 100 mg.
    (
        "Q9991",
        "Less than or equal to 100 MG",
        "Injection, buprenorphine extended-release (sublocade), less than or equal to 100 mg",
        RANGE,
    ),
    (
        "J0138",
        "10 MG/3MG",
        None,
        COMBINATION,
    ),  # no descriptor: nothing makes the first strength explicit
]


@pytest.mark.parametrize(
    ("code", "unit", "descriptor", "billed"), FIRST_NAMED, ids=[row[0] for row in FIRST_NAMED]
)
def test_a_combination_bills_its_first_named_strength_when_the_descriptor_says_which(
    code: str, unit: str, descriptor: str, billed: str
) -> None:
    assert str(code_billing_unit(unit, descriptor)) == billed


@pytest.mark.parametrize(
    ("code", "unit", "descriptor", "reason"), STILL_REFUSED, ids=[row[0] for row in STILL_REFUSED]
)
def test_a_combination_the_descriptor_does_not_settle_stays_refused(
    code: str, unit: str, descriptor: str | None, reason: str
) -> None:
    with pytest.raises(DosageRefused) as refused:
        code_billing_unit(unit, descriptor)
    assert str(refused.value) == reason


@pytest.mark.parametrize(
    ("per_item", "count", "per_package", "kept"),
    [
        (
            "0.25",
            "10",
            "3",
            True,
        ),  # J0290 ampicillin 125 mg vials under a 500 mg code: 2.5 rounded up
        ("0.5", "1", "1", True),  # J0480 Simulect 10 mg under a 20 mg code
        ("0.2", "1", "1", True),  # J1560 GamaSTAN 2 mL under a 10 cc code
        ("1", "1", "5", False),  # J1458 Naglazyme 5 mg: the per-item figure is the wrong one
        ("30", "2", "30", False),  # J1301 edaravone bags: the per-package figure is the wrong one
        ("10", "10", "10", False),  # J0295 ampicillin-sulbactam: per item 10 for a 1-unit vial
    ],
)
def test_only_a_package_figure_rounded_up_from_an_exact_per_item_figure_is_kept(
    per_item: str, count: str, per_package: str, kept: bool
) -> None:
    assert package_rounded(Decimal(per_item), Decimal(count), Decimal(per_package)) is kept


@given(st.integers(1, 10**4), st.integers(1, 100))
def test_a_whole_package_figure_that_agrees_is_never_read_as_rounded(
    per_item: int, count: int
) -> None:
    assert not package_rounded(Decimal(per_item), Decimal(count), Decimal(per_item * count))


def test_data_status_lists_every_code_not_imported_with_its_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["data", "status", "--json"]) == 0
    quarters = {
        quarter["quarter"]: quarter for quarter in json.loads(capsys.readouterr().out)["quarters"]
    }
    refused = quarters["2026Q1"][
        "refused_codes"
    ]  # one of the ten packaged quarters: the status lists each one's
    assert "Q9991" in refused and "J3480" in refused and "J0585" not in refused
    assert all(reason for reason in refused.values())
    assert main(["data", "status", "--refused"]) == 0
    out = capsys.readouterr().out
    assert f"{len(refused)} codes not imported" in out
    assert all(f"    {code}  {reason}" in out for code, reason in refused.items())


@pytest.mark.skipif(not SHARED.is_dir(), reason="the real CMS files are not at ../shared/data/cms")
def test_2026q3_imports_its_rounded_packages_and_refuses_only_what_readme_justifies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [
        str(SHARED / name)
        for name in (
            "asp-ndc-hcpcs-crosswalk-2026Q3.csv",
            "asp-payment-limits-2026Q3.csv",
            "HCPC2025_OCT_ANWEB.xlsx",
        )
    ]
    assert main(["data", "import", *files]) == 0
    out = capsys.readouterr().out
    assert (
        "144  billing units per package are billing units per item x items per package rounded up"
        in out
    )
    assert main(["data", "status", "--json"]) == 0
    quarters = {
        quarter["quarter"]: quarter for quarter in json.loads(capsys.readouterr().out)["quarters"]
    }
    # Each is a refusal README's "Billing units" section justifies;
    # J7340 is kept from the payment file only.
    assert sorted(quarters["2026Q3"]["refused_codes"]) == [
        "J0577",
        "J0578",
        "J0850",
        "J1162",
        "J3480",
        "J7336",
        "J7354",
        "J7620",
        "J9266",
        "J9325",
        "Q9991",
        "Q9992",
    ]
