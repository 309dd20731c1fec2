"""The packaged CMS quarters: every quarter in ../shared/data/cms, valid against the import models,
no CPT rows, small, and rebuilt byte for byte from CMS's files by scripts/build_cms_data.py."""

from __future__ import annotations

import json
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pytest

from infusion_calc.cms.models import Quarter
from infusion_calc.cms.store import PACKAGED_FILE, quarter_texts

PACKAGED = files("infusion_calc.data").joinpath(PACKAGED_FILE)
SHARED = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cms"
)  # ../shared beside the checkout
SHIPPED = (
    "2024Q1",
    "2024Q2",
    "2024Q3",
    "2024Q4",
    "2025Q1",
    "2025Q2",
    "2025Q3",
    "2025Q4",
    "2026Q1",
    "2026Q3",
)


def packaged() -> list[Quarter]:
    return [Quarter.model_validate_json(text) for text in quarter_texts(PACKAGED.read_bytes())]


def test_every_quarter_ships_oldest_first_and_passes_the_models_with_no_cpt_row() -> None:
    quarters = packaged()
    assert tuple(quarter.quarter for quarter in quarters) == SHIPPED
    assert (str(quarters[-1].effective_from), str(quarters[-1].effective_to)) == (
        "2026-07-01",
        "2026-09-30",
    )
    for quarter in quarters:
        assert len(quarter.codes) > 550
        assert all(code.hcpcs[0].isalpha() for code in quarter.codes)
    text = "".join(json.dumps(quarter.model_dump(mode="json")) for quarter in quarters)
    assert "Hep b ig" not in text and "Rabies ig" not in text  # AMA-copyrighted CPT descriptions


def test_the_2026Q3_file_is_read_although_its_ndc_column_is_named_NDC() -> None:
    newest = {code.hcpcs: code for code in packaged()[-1].codes}
    assert newest["J2323"].payment_limit == Decimal("24.406")
    assert "64406-0008-01" in {item[0] for item in newest["J2323"].items}
    assert "J9232" in newest and "Q5156" in newest  # new in 2026Q3


def test_the_packaged_quarters_are_small() -> None:
    assert len(PACKAGED.read_bytes()) < 300_000  # ten quarters; the brief: well under 1 MB


def test_the_packaged_quarters_are_what_the_script_builds_from_cms_files() -> None:
    if not (SHARED / "asp-ndc-hcpcs-crosswalk-2026Q3.csv").is_file():
        pytest.skip(
            f"CMS source files not found at {SHARED}: cannot rebuild the packaged quarters here"
        )
    import importlib.util

    from infusion_calc.cms.store import pack_quarters

    spec = importlib.util.spec_from_file_location(
        "build_cms_data", Path(__file__).resolve().parents[1] / "scripts" / "build_cms_data.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    quarters = script.build(SHARED)
    assert tuple(quarter.quarter for quarter in quarters) == SHIPPED
    assert (
        pack_quarters([quarter.model_dump_json() for quarter in quarters]) == PACKAGED.read_bytes()
    )
