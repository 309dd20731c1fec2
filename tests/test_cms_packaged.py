"""The packaged CMS quarter: valid against the import models, no CPT rows, and rebuildable from CMS's files."""

from __future__ import annotations

import gzip
import json
from importlib.resources import files
from pathlib import Path

import pytest

from infusion_calc.cms.models import Quarter

PACKAGED = files("infusion_calc.data").joinpath("cms-2026Q1.json.gz")
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cms"  # ../shared beside the checkout


def packaged() -> Quarter:
    return Quarter.model_validate_json(gzip.decompress(PACKAGED.read_bytes()))


def test_packaged_quarter_passes_the_models_and_holds_no_cpt_row():
    quarter = packaged()
    assert (quarter.quarter, str(quarter.effective_from), str(quarter.effective_to)) == ("2026Q1", "2026-01-01", "2026-03-31")
    assert len(quarter.codes) > 600
    assert all(code.hcpcs[0].isalpha() for code in quarter.codes)
    text = json.dumps(json.loads(gzip.decompress(PACKAGED.read_bytes())))
    assert "Hep b ig" not in text and "Rabies ig" not in text  # AMA-copyrighted CPT descriptions


def test_packaged_quarter_is_small():
    assert len(PACKAGED.read_bytes()) < 150_000


def test_packaged_quarter_is_what_the_script_builds_from_cms_files(tmp_path, monkeypatch):
    if not (SHARED / "asp-ndc-hcpcs-crosswalk-2026Q1.csv").is_file():
        pytest.skip(f"CMS source files not found at {SHARED}: cannot rebuild the packaged quarter here")
    from infusion_calc.cms.importer import build_quarters, read_paths
    from infusion_calc.cms.store import compress

    found = read_paths([
        SHARED / "asp-ndc-hcpcs-crosswalk-2026Q1.csv", SHARED / "asp-payment-limits-2026Q1.csv", SHARED / "HCPC2025_OCT_ANWEB.xlsx",
    ])
    (quarter,) = build_quarters(found, found.hcpcs)
    assert compress(quarter.model_dump_json()) == PACKAGED.read_bytes()
