"""Shared fixtures: keep every test away from the developer's real config and data."""

from __future__ import annotations

import pytest

from infusion_calc.core.catalog import Catalog, packaged_catalog


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path, monkeypatch):
    """A site catalog or log on this machine must never change a test's answer."""
    monkeypatch.setenv("INFUSION_CALC_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("INFUSION_CALC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("INFUSION_CALC_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def catalog() -> Catalog:
    return packaged_catalog()
