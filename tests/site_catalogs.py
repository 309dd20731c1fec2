"""A site catalog file read straight onto the packaged catalog, without the compiled cache or CMS's
codes: what tests of the site file's own rules need, in milliseconds (the commands read it through
`Context.catalog`, which compiles and caches the catalog with CMS's quarters)."""

from __future__ import annotations

from pathlib import Path

from infusion_calc.core.catalog.catalog import Catalog, parse_catalog
from infusion_calc.loading import packaged_catalog
from infusion_calc.site_files import read_site_file


def load_catalog(site_file: Path) -> Catalog:
    """The packaged catalog merged with `site_file`
    (CatalogError naming the file when it cannot be used)."""
    return packaged_catalog().merged_with(parse_catalog(read_site_file(site_file), str(site_file)))
