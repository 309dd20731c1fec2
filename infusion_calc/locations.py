"""Where infusion-calc keeps files: one module, folders created only when first written.

Environment overrides (for tests, and for sites that keep files on a managed drive):
INFUSION_CALC_CONFIG_DIR for the site catalog/config, INFUSION_CALC_DATA_DIR for the
log, copied text and imported CMS quarters, INFUSION_CALC_CACHE_DIR for the compiled catalog.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "infusion-calc"


def config_dir() -> Path:
    override = os.environ.get("INFUSION_CALC_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    override = os.environ.get("INFUSION_CALC_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """Compiled data that can always be rebuilt from its sources (INFUSION_CALC_CACHE_DIR overrides)."""
    override = os.environ.get("INFUSION_CALC_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def site_catalog_path() -> Path:
    """The site catalog file, whether or not it exists."""
    return config_dir() / "catalog.toml"


def site_config_path() -> Path:
    """The site config file (payer rules, chargemaster, rounding policy), whether or not it exists."""
    return config_dir() / "config.toml"


def ensure_data_dir() -> Path:
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder
