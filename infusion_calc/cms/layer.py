"""The CMS layer the catalog answers from: the latest quarter loaded (packaged or imported)."""

from __future__ import annotations

from pathlib import Path

from infusion_calc.cms.store import loaded_quarters
from infusion_calc.core.catalog import Catalog, load_catalog
from infusion_calc.core.cms_codes import CmsLayer


def latest_layer(quarters: list | None = None) -> CmsLayer | None:
    quarters = loaded_quarters() if quarters is None else quarters
    if not quarters:
        return None
    latest = quarters[-1]
    return CmsLayer(latest.quarter, latest.codes)


def full_catalog(site_file: Path | None = None, quarters: list | None = None) -> Catalog:
    """Curated entries, the site file's, and every code in the latest CMS quarter."""
    return load_catalog(site_file, latest_layer(quarters))
