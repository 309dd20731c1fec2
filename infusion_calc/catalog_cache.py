"""The catalog every command uses, validated once and kept compiled in the user cache folder.

Sources: the packaged catalog, the site catalog file, the packaged CMS quarter and the
quarters imported. On a miss every source goes through the pydantic models (the one
validation path), the result is pickled under a name made from the package's own
code and the hashes of the sources, and later starts load that file without
importing pydantic. Any change to a source changes the name, so a stale cache is never read;
a cache file that fails to load is a miss, never an error. Writing it is best effort.

The cache also keeps pint's answers about every unit spelling the strict parser maps
(`core.units.pint_answers`), computed by the one registry on a miss, so a warm start
neither builds the registry nor imports pint (~0.2 s of a ~0.4 s start).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from infusion_calc.core.catalog import Catalog
from infusion_calc.core.units import remember
from infusion_calc.site_files import read_site_file

if TYPE_CHECKING:
    from decimal import Decimal

    from infusion_calc.cms.store import LoadedQuarter

CACHE_FORMAT = 2
_PREFIX = "catalog-"
_KEEP = 4


@dataclass(frozen=True)
class Compiled:
    catalog: Catalog
    quarters: tuple[LoadedQuarter, ...]
    """The CMS quarters loaded (store.LoadedQuarter), oldest first."""
    unit_answers: dict[tuple[str, str, str], Decimal | bool | str]
    """pint's answers for the parser's unit spellings (core.units.remember)."""


# The code that reads the sources and defines the pickled classes: a change to any of
# them (a new release, or an edit in a development checkout) is a new cache. This is
# the package version made exact, and costs no importlib.metadata (~20 ms) per start.
_COMPILER = (
    "catalog_cache.py", "core/catalog.py", "core/catalog_fields.py", "core/catalog_schema.py", "core/cms_codes.py",
    "core/drug_names.py", "core/units.py", "core/activity_kinds.py", "cms/compile.py", "cms/models.py", "cms/store.py", "data/units.txt",
)


def _pint_release() -> str:
    """Which pint is installed, without importing it: its package file's size and time (an upgrade rewrites it)."""
    from importlib.util import find_spec

    spec = find_spec("pint")
    if spec is None or spec.origin is None:
        return "no pint"
    stat = os.stat(spec.origin)
    return f"{spec.origin}|{stat.st_size}|{stat.st_mtime_ns}"


def _key(parts: list[tuple[str, bytes]]) -> str:
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{sys.version_info[:2]}|{_pint_release()}".encode())
    for name in _COMPILER:
        digest.update((package / name).read_bytes())
    for name, data in parts:
        digest.update(f"|{name}|{len(data)}|".encode())
        digest.update(data)
    return digest.hexdigest()[:40]


def _compile(curated: bytes, site_file: Path | None, site: bytes | None, quarter_files: list[tuple[str, str, bytes]]) -> Compiled:
    from infusion_calc.cms.compile import compile_quarters
    from infusion_calc.core.catalog import parse_catalog
    from infusion_calc.core.units import pint_answers

    cms = compile_quarters(quarter_files)
    catalog = parse_catalog(curated.decode("utf-8"), "packaged catalog").with_cms(cms.layer())
    if site is not None:
        catalog = catalog.merged_with(parse_catalog(site.decode("utf-8"), str(site_file)))
    catalog.name_index  # noqa: B018 -- computed now, so the cache holds it (cached_property)
    return Compiled(catalog, cms.quarters, pint_answers())


def _read(path: Path) -> Compiled | None:
    try:
        compiled = pickle.loads(path.read_bytes())
    except Exception:  # absent, truncated, from another version of a class: rebuild it
        return None
    return compiled if isinstance(compiled, Compiled) else None


def _write(folder: Path, path: Path, compiled: Compiled) -> None:
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".catalog-")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(compiled, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
        # Several installations (a release and a checkout, two versions) may share this folder:
        # deleting every other cache would make them rebuild in turn on each start. Keep the newest few.
        caches = sorted(folder.glob(f"{_PREFIX}*.pickle"), key=lambda entry: entry.stat().st_mtime, reverse=True)
        for old in caches[_KEEP:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only or full cache folder costs speed, never an answer


def load(site_file: Path | None = None) -> Compiled:
    """The catalog (packaged + site + CMS) and the quarters, from the cache when its sources are unchanged."""
    from infusion_calc.cms.store import quarter_files
    from infusion_calc.locations import cache_dir

    curated = files("infusion_calc.data").joinpath("catalog.toml").read_bytes()
    site = read_site_file(site_file).encode("utf-8") if site_file is not None else None
    quarters = quarter_files()
    parts = [("catalog.toml", curated), (f"site:{site_file}", site or b""), *((where, data) for _, where, data in quarters)]
    folder = cache_dir()
    path = folder / f"{_PREFIX}{_key(parts)}.pickle"
    compiled = _read(path)
    if compiled is None:
        compiled = _compile(curated, site_file, site, quarters)
        _write(folder, path, compiled)
    remember(compiled.unit_answers)
    return compiled
