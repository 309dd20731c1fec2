"""Loading at the edge: the catalog and the site's check policy, as every front end reads them.

Above the core (which takes what it needs as arguments) and below the front ends (CLI,
app, browser mode), so the app and the CLI share one rule without importing each other.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from infusion_calc.core.check_types import SitePolicy
from infusion_calc.core.files import present
from infusion_calc.locations import site_catalog_path

if TYPE_CHECKING:  # the catalog module imports pint: only the commands that calculate pay for it
    from infusion_calc.core.catalog import Catalog


def site_policy() -> SitePolicy:
    """The site's check policy from config.toml (340B, waste witness, complex codes), else the defaults.

    Read only when the file is there: the config model needs pydantic (~60 ms), which a site
    without a config file should not pay on every run.
    """
    from infusion_calc.locations import site_config_path

    if not present(site_config_path()):
        return SitePolicy()
    from infusion_calc.core.site_config import site_check_policy

    return site_check_policy()


def _compiled(options: Any):
    """The catalog and CMS quarters for this command, loaded once (the calculation and the checks share them)."""
    cached = getattr(options, "_compiled", None)
    if cached is None:
        from infusion_calc.catalog_cache import load

        given = getattr(options, "catalog", None)
        default = site_catalog_path()
        # A folder, named pipe or broken link there is reported by the catalog reader, not skipped.
        cached = options._compiled = load(Path(given) if given else (default if present(default) else None))
    return cached


def catalog_for(options: Any) -> Catalog:
    """The packaged catalog plus the site file given (`options.catalog`, or the one in the config folder) and CMS's codes."""
    return _compiled(options).catalog


def quarters_for(options: Any) -> list:
    """The CMS quarters loaded (packaged and imported), oldest first."""
    return list(_compiled(options).quarters)
