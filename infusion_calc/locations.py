"""Where infusion-calc keeps files: one module, folders created only when first written.

Environment overrides (for tests, and for sites that keep files on a managed drive):
INFUSION_CALC_CONFIG_DIR for the site catalog/config, INFUSION_CALC_DATA_DIR for the
log, copied text and imported CMS quarters, INFUSION_CALC_CACHE_DIR for the compiled catalog.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

APP_NAME = "infusion-calc"

PACKAGED_DATA = Path(__file__).resolve().parent / "data"
"""The package's own data (the curated catalog, the CMS quarters, the shipped compiled catalog),
read as the files they are, as data/units.txt and the cache key's modules are: the package is a
folder on disk, and importlib.resources cost every start tempfile, shutil, zipfile and lzma."""


def config_dir() -> Path:
    override = os.environ.get("INFUSION_CALC_CONFIG_DIR")
    if override:
        return Path(override)
    from platformdirs import (
        user_config_path,
    )  # lazy: not loaded when the folder is given (light commands)

    return user_config_path(APP_NAME, appauthor=False)


def data_dir() -> Path:
    override = os.environ.get("INFUSION_CALC_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import (
        user_data_path,
    )  # lazy: not loaded when the folder is given (light commands)

    return user_data_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    """Compiled data that can always be rebuilt from its sources
    (INFUSION_CALC_CACHE_DIR overrides)."""
    override = os.environ.get("INFUSION_CALC_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import (
        user_cache_path,
    )  # lazy: not loaded when the folder is given (light commands)

    return user_cache_path(APP_NAME, appauthor=False)


def site_catalog_path() -> Path:
    """The site catalog file, whether or not it exists."""
    return config_dir() / "catalog.toml"


def site_config_path() -> Path:
    """The site config file (payer rules, chargemaster, rounding policy),
    whether or not it exists."""
    return config_dir() / "config.toml"


def make_private_dirs(folder: Path) -> None:
    """Create `folder` and any missing parents, each 0700 (owner only), whatever the umask.

    `mkdir(parents=True)` gives the parents it creates the umask's mode: under umask 000
    that is 0777, and another user could swap the folder before the log is written.
    """
    missing = []
    current = Path(folder)
    while not os.path.lexists(current) and current != current.parent:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:  # another process made it meanwhile: checked by the caller
            continue
        os.chmod(path, 0o700)  # mkdir's mode is masked by the umask; this is not


def ensure_data_dir() -> Path:
    folder = data_dir()
    make_private_dirs(folder)
    return folder


def ensure_cache_dir() -> Path:
    folder = cache_dir()
    make_private_dirs(folder)
    return folder


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def open_private_dir(folder: Path) -> int | None:
    """An open descriptor of `folder` when it is a folder (not a link) that this user owns
    and no one else can write; None otherwise. Whatever is read through the descriptor is
    in that very folder, even if the path is swapped afterwards."""
    try:
        descriptor = os.open(folder, _OPEN_FLAGS | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return None
    status = os.fstat(descriptor)
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.geteuid() or status.st_mode & 0o022:
        os.close(descriptor)
        return None
    return descriptor
