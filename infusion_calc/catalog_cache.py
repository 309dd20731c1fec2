"""The catalog every command uses, validated once and kept compiled in the user cache folder.

Sources: the packaged catalog, the site catalog file, the packaged CMS quarters and the
quarters imported. On a miss every source goes through the pydantic models (the one
validation path; the CMS quarters only when they are not the very bytes the build or
their import validated: cms/sealed.py, cms/store.vouched), and the result is written as plain JSON data (`cache_codec`:
nothing in it can run code when read; `cache_layout`: what each line holds) under a name
made from the package's own code and the hashes of the sources; later starts load that file without importing pydantic. Any
change to a source changes the name, so a stale cache is never read.

A cache file is trusted only when all of this holds, and is otherwise a miss (rebuilt,
never an error, never used): its folder is a real folder of this user that no one else
can write, created 0700 whatever the umask; the file is a regular file of this user
that no one else can write; its first line names this cache format and this very key;
and the SHA-256 of its content matches the one on that line. Writing is best effort.

The cache also keeps pint's answers about every unit spelling the strict parser maps
(`core.numbers.unit_book.UnitBook.every_answer`), computed by the one registry on a miss, so a warm start
neither builds the registry nor imports pint (~0.2 s of a ~0.4 s start).
"""

from __future__ import annotations

import gc
import hashlib
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path

from infusion_calc.cache_codec import NotCacheData
from infusion_calc.cache_layout import Compiled as Compiled  # named from here as it always was
from infusion_calc.cache_layout import decoded, encoded
from infusion_calc.cms.store import quarter_files
from infusion_calc.core.catalog.catalog import parse_catalog
from infusion_calc.locations import cache_dir, ensure_cache_dir, open_private_dir
from infusion_calc.site_files import read_private_file, read_site_bytes, site_file_text
from infusion_calc.unit_definitions import use_packaged_units

CACHE_FORMAT = 4
_PREFIX = "catalog-"
_SUFFIX = ".json"
_KEEP = 4
_HEADER = b"infusion-calc catalog cache"
_LIMIT = 256 * 1_000_000
"""Far above any real cache (about 1 MB with a full quarter): a bigger file is not ours."""


# The code that reads the sources and defines the cached classes: a change to any of
# them (a new release, or an edit in a development checkout) is a new cache. This is
# the package version made exact, and costs no importlib.metadata (~20 ms) per start.
_COMPILER = (
    "catalog_cache.py",
    "cache_codec.py",
    "cache_layout.py",
    "core/catalog/catalog.py",
    "core/catalog/catalog_records.py",
    "core/catalog/packed_records.py",
    "core/catalog/catalog_fields.py",
    "core/catalog/catalog_schema.py",
    "core/catalog/field_rules.py",
    "core/catalog/cms_codes.py",
    "core/catalog/drug_names.py",
    "core/catalog/code_dates.py",
    "core/numbers/units.py",
    "core/numbers/unit_book.py",
    "core/numbers/activity_kinds.py",
    "cms/compile.py",
    "cms/models.py",
    "cms/store.py",
    "cms/sealed.py",
    "data/units.txt",
)


def _pint_release() -> str:
    """Which pint is installed, without importing it: its package file's size and time (an upgrade rewrites it)."""
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


def _compile(
    curated: bytes,
    site_file: Path | None,
    site: bytes | None,
    quarter_files: list[tuple[str, str, bytes]],
) -> Compiled:
    from infusion_calc.cms.compile import (
        compile_quarters,
    )  # lazy: pydantic, for a cache miss only (a warm calc skips it)

    book = use_packaged_units()  # before the catalog is read: its amounts are parsed with it
    cms = compile_quarters(quarter_files)
    catalog = parse_catalog(curated.decode("utf-8"), "packaged catalog").with_cms(cms.layer())
    if site is not None and site_file is not None:
        catalog = catalog.merged_with(
            parse_catalog(site_file_text(site_file, site), str(site_file), source="site")
        )
    catalog.name_index  # noqa: B018 -- computed now, so the cache holds it (cached_property)
    return Compiled(catalog, cms.quarters, book.every_answer())


def _header(key: str, body: bytes) -> bytes:
    return b"%s %d %s sha256=%s\n" % (
        _HEADER,
        CACHE_FORMAT,
        key.encode(),
        hashlib.sha256(body).hexdigest().encode(),
    )


def _read(folder: int, key: str) -> Compiled | None:
    """The cache for `key` from the open private folder, or None (absent, not ours, damaged, another key)."""
    data = read_private_file(folder, f"{_PREFIX}{key}{_SUFFIX}", _LIMIT)
    if data is None:
        return None
    header, newline, body = data.partition(b"\n")
    if not newline or header + newline != _header(key, body):
        return None  # another format, another key renamed to this one, or a byte changed
    try:
        compiled = decoded(body)
    except (NotCacheData, UnicodeDecodeError):
        return None
    return compiled if isinstance(compiled, Compiled) else None


def _write(key: str, compiled: Compiled) -> None:
    try:
        folder = ensure_cache_dir()
        descriptor = open_private_dir(folder)
        if descriptor is None:
            return  # a folder another user owns or can write: the cache is never kept there
        os.close(descriptor)
        body = encoded(compiled)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".catalog-")  # 0600
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_header(key, body) + body)
            os.replace(temporary, folder / f"{_PREFIX}{key}{_SUFFIX}")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        # Several installations (a release and a checkout, two versions) may share this folder:
        # deleting every other cache would make them rebuild in turn on each start. Keep the newest few.
        caches = sorted(
            folder.glob(f"{_PREFIX}*{_SUFFIX}"),
            key=lambda entry: entry.stat().st_mtime,
            reverse=True,
        )
        for old in caches[_KEEP:]:
            old.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):
        pass  # a read-only or full cache folder, or a value the format cannot hold: costs speed, never an answer


def _cached(key: str) -> Compiled | None:
    folder = open_private_dir(cache_dir())
    if folder is None:
        return None
    try:
        return _read(folder, key)
    finally:
        os.close(folder)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A miss builds some 100,000 records and the JSON they are written as, all acyclic and all
    kept: the cyclic collector's passes over them found nothing and were a fifth of a 10,000-entry
    site catalog's miss. It runs again, as it was, once the cache is written."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load(site_file: Path | None = None) -> Compiled:
    """The catalog (packaged + site + CMS) and the quarters, from the cache when its sources are unchanged."""
    curated = files("infusion_calc.data").joinpath("catalog.toml").read_bytes()
    site = (
        read_site_bytes(site_file) if site_file is not None else None
    )  # hashed as it is; decoded on a miss
    quarters = quarter_files()
    parts = [
        ("catalog.toml", curated),
        (f"site:{site_file}", site or b""),
        *((where, data) for _, where, data in quarters),
    ]
    key = _key(parts)
    compiled = _cached(key)
    if compiled is None:
        with _collector_paused():
            compiled = _compile(curated, site_file, site, quarters)
            _write(key, compiled)
    use_packaged_units(compiled.unit_answers)
    return compiled
