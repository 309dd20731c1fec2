"""The catalog every command uses, validated once and kept compiled in the user cache folder.

Sources: the packaged catalog, the site catalog file, the packaged CMS quarters and the
quarters imported. On a miss every source goes through the pydantic models (the one
validation path; the CMS quarters only when they are not the very bytes the build or
their import validated: cms/sealed.py, cms/store.vouched), and the result is
written as plain JSON data (`cache_codec`: nothing in it can run code when read;
`cache_layout`: what each line holds) under a name made from the package's own
code and the hashes of the sources; later starts load that file without importing
pydantic. Any change to a source changes the name, so a stale cache is never read.

A cache file is trusted only when all of this holds, and is otherwise a miss (rebuilt,
never an error, never used): its folder is a real folder of this user that no one else
can write, created 0700 whatever the umask; the file is a regular file of this user
that no one else can write; its first line names this cache format and this very key;
and the SHA-256 of its content matches the one on that line. Writing is best effort.

A fresh install starts from the cache the build compiled (`shipped_cache`,
data/compiled-catalog.json): the packaged sources compiled by this very path, sealed by
its SHA-256 in cms/sealed.py and named by the key of those sources, this code and the
pint it was built with. A miss uses it whole when the sources are the packaged ones
alone (its body becomes the user's cache: no pydantic, no pint), as the curated
catalog and pint's answers when a site catalog or an imported quarter joins them (those
are validated and compiled as ever), and as the quarters too when they are the packaged
ones alone; any other bytes, key or pint: it is not used.

The cache also keeps pint's answers about every unit spelling the strict parser maps
(`core.numbers.unit_book.UnitBook.every_answer`), computed by the one registry on a miss, so a warm
start neither builds the registry nor imports pint (~0.2 s of a ~0.4 s start).
"""

from __future__ import annotations

import gc
import hashlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

from infusion_calc.cache_codec import NotCacheData
from infusion_calc.cache_layout import Compiled as Compiled  # named from here as it always was
from infusion_calc.cache_layout import decoded, encoded
from infusion_calc.cms.store import LoadedQuarter, quarter_files
from infusion_calc.core.catalog.catalog import Catalog, parse_catalog
from infusion_calc.locations import PACKAGED_DATA, cache_dir, ensure_cache_dir, open_private_dir
from infusion_calc.site_files import read_private_file, read_site_bytes, site_file_text
from infusion_calc.unit_definitions import use_packaged_units

CACHE_FORMAT = 5
_PREFIX = "catalog-"
_SUFFIX = ".json"
SHIPPED_FILE = "compiled-catalog.json"
"""In the package's data: the packaged sources compiled at build time (`shipped_cache`)."""
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
    "cache_lines.py",
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
    "data/units.txt",
)
# Not cms/sealed.py: a seal decides whether bytes are validated again, never what they compile to
# (the quarters' own bytes are in the key), and it holds the shipped cache's digest, which a key
# over it could never match.


def _pint_release() -> str:
    """Which pint is installed, without importing it: its package file's size and time
    (an upgrade rewrites it)."""
    spec = find_spec("pint")
    if spec is None or spec.origin is None:
        return "no pint"
    stat = os.stat(spec.origin)
    return f"{spec.origin}|{stat.st_size}|{stat.st_mtime_ns}"


def _pint_version() -> str | None:
    """The installed pint's version from its dist-info folder's name, without importing pint."""
    spec = find_spec("pint")
    if spec is None or spec.origin is None:
        return None
    found = list(Path(spec.origin).parent.parent.glob("pint-*.dist-info"))
    if len(found) != 1:
        return None  # not an ordinary install: the shipped cache is not used
    return found[0].name.removeprefix("pint-").removesuffix(".dist-info")


def _key(parts: list[tuple[str, bytes]], runtime: str | None = None) -> str:
    """The cache's name for these sources, compiled by this code under `runtime`
    (this interpreter and this very pint file, unless told)."""
    package = Path(__file__).resolve().parent
    if runtime is None:
        runtime = f"{sys.version_info[:2]}|{_pint_release()}"
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{runtime}".encode())
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
    shipped: Compiled | None = None,
) -> Compiled:
    """The sources compiled; the curated catalog and pint's answers taken from the `shipped` cache
    when given (the build compiled them by this very path from these very bytes: `_shipped`), and
    the quarters too when they are the packaged ones alone."""
    # Before the catalog is read: its amounts are parsed with it.
    book = use_packaged_units(shipped.unit_answers if shipped is not None else None)
    if shipped is not None and all(origin == "packaged" for origin, _, _ in quarter_files):
        # The packaged quarters alone: the shipped cache is them compiled by this path (its key
        # holds their bytes), so unpacking and compiling them again (~0.2 s) would make the same.
        catalog, quarters = shipped.catalog, shipped.quarters
    else:
        catalog, quarters = _with_quarters(curated, quarter_files, shipped)
    if site is not None and site_file is not None:
        catalog = catalog.merged_with(
            parse_catalog(site_file_text(site_file, site), str(site_file), source="site")
        )
    catalog.name_index  # noqa: B018 -- computed now, so the cache holds it (cached_property)
    return Compiled(catalog, quarters, book.every_answer())


def _with_quarters(
    curated: bytes, quarter_files: list[tuple[str, str, bytes]], shipped: Compiled | None
) -> tuple[Catalog, tuple[LoadedQuarter, ...]]:
    """The curated catalog with the quarters compiled (those the shipped cache packed already
    are taken from it)."""
    from infusion_calc.cms.compile import (
        compile_quarters,
    )  # lazy: pydantic, for a cache miss only (a warm calc skips it)

    shipped_cms = shipped.catalog.cms if shipped is not None else None
    history = shipped_cms.history if shipped_cms is not None else None
    cms = compile_quarters(quarter_files, history.packed if history is not None else None)
    curated_catalog = (
        shipped.catalog
        if shipped is not None
        else parse_catalog(curated.decode("utf-8"), "packaged catalog")
    )
    return curated_catalog.with_cms(cms.layer()), cms.quarters


def _header(key: str, body: bytes | memoryview) -> bytes:
    return b"%s %d %s sha256=%s\n" % (
        _HEADER,
        CACHE_FORMAT,
        key.encode(),
        hashlib.sha256(body).hexdigest().encode(),
    )


Body = tuple[bytes, int]  # a cache file as read, and where its body starts (after the header)


def _body(data: bytes, key: str) -> Body | None:
    """The body of a cache file written for `key`, its SHA-256 checked over the very bytes then
    read (through a view: a large cache is never copied whole); None for anything else."""
    newline, view = data.find(b"\n"), memoryview(data)
    if newline < 0 or view[: newline + 1] != _header(key, view[newline + 1 :]):
        return None  # another format, another key renamed to this one, or a byte changed
    return data, newline + 1


def _decoded(body: Body | None) -> Compiled | None:
    if body is None:
        return None
    try:
        compiled = decoded(*body)
    except (NotCacheData, UnicodeDecodeError):
        return None
    return compiled if isinstance(compiled, Compiled) else None


def _read(folder: int, key: str) -> Compiled | None:
    """The cache for `key` from the open private folder, or None
    (absent, not ours, damaged, another key)."""
    data = read_private_file(folder, f"{_PREFIX}{key}{_SUFFIX}", _LIMIT)
    return None if data is None else _decoded(_body(data, key))


def _write(key: str, compiled: Compiled | memoryview) -> bytes | memoryview | None:
    """Keep `compiled` (or its body, already encoded) as the cache for `key`, if the folder lets;
    the body written, or None."""
    try:
        folder = ensure_cache_dir()
        descriptor = open_private_dir(folder)
        if descriptor is None:
            return None  # a folder another user owns or can write: the cache is never kept there
        os.close(descriptor)
        body = compiled if isinstance(compiled, memoryview) else encoded(compiled)
        import tempfile  # lazy: written on a miss only; a warm start skips it (and shutil, random)

        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".catalog-")  # 0600
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_header(key, body))
                out.write(body)
            os.replace(temporary, folder / f"{_PREFIX}{key}{_SUFFIX}")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        # Several installations (a release and a checkout, two versions) may share this folder:
        # deleting every other cache would make them rebuild in turn on each start. Keep a few.
        caches = sorted(
            folder.glob(f"{_PREFIX}*{_SUFFIX}"),
            key=lambda entry: entry.stat().st_mtime,
            reverse=True,
        )
        for old in caches[_KEEP:]:
            old.unlink(missing_ok=True)
    except (OSError, TypeError, ValueError):
        # a read-only or full cache folder, or a value the
        # format cannot hold: costs speed, never an answer
        return None
    return body


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


def _packaged_parts(
    curated: bytes, quarters: list[tuple[str, str, bytes]]
) -> list[tuple[str, bytes]]:
    """The key's parts for the packaged sources alone: no site catalog, no imported quarter."""
    packaged = [(where, data) for origin, where, data in quarters if origin == "packaged"]
    return [("catalog.toml", curated), ("site:None", b""), *packaged]


def _shipped_key(curated: bytes, quarters: list[tuple[str, str, bytes]]) -> str | None:
    """The shipped cache's key: the packaged sources, this code and the installed pint's version
    (not its file: the build's is not the user's; nor the interpreter: the file is plain JSON)."""
    version = _pint_version()
    if version is None:
        return None
    return _key(_packaged_parts(curated, quarters), runtime=f"shipped|pint {version}")


def _shipped_file() -> Path:
    return PACKAGED_DATA / SHIPPED_FILE


def _shipped(curated: bytes, quarters: list[tuple[str, str, bytes]]) -> Body | None:
    """The body of the cache shipped in the package, when it is the one the build sealed and was
    compiled from these packaged sources by this code; None otherwise (a miss compiles them)."""
    from infusion_calc.cms import sealed  # lazy: read on a miss only

    key = _shipped_key(curated, quarters)
    try:
        data = _shipped_file().read_bytes()
    except OSError:
        return None
    if key is None or hashlib.sha256(data).hexdigest() != sealed.COMPILED_SHA256:
        return None  # another pint, or a file changed after the build: not what was sealed
    return _body(data, key)


def shipped_cache() -> bytes:
    """What data/compiled-catalog.json holds: the packaged sources compiled by a miss's own path
    (in a fresh process: pint's answers are those this compile asks, nothing else). Written by
    scripts/build_cms_data.py; tests/test_shipped_cache.py proves the file is this, now."""
    curated = (PACKAGED_DATA / "catalog.toml").read_bytes()
    packaged = [source for source in quarter_files() if source[0] == "packaged"]
    key = _shipped_key(curated, packaged)
    if key is None:
        raise RuntimeError("pint is not installed as a package: its version cannot be known")
    body = encoded(_compile(curated, None, None, packaged))
    return _header(key, body) + body


def _packaged_only(site: bytes | None, quarters: list[tuple[str, str, bytes]]) -> bool:
    return site is None and all(origin == "packaged" for origin, _, _ in quarters)


def _miss(
    key: str,
    curated: bytes,
    site_file: Path | None,
    site: bytes | None,
    quarters: list[tuple[str, str, bytes]],
) -> Compiled:
    shipped_body = _shipped(curated, quarters)
    shipped = _decoded(shipped_body)
    if shipped_body is not None and shipped is not None and _packaged_only(site, quarters):
        data, start = shipped_body  # the packaged sources alone: the shipped cache is theirs
        _write(key, memoryview(data)[start:])
        return shipped
    compiled = _compile(curated, site_file, site, quarters, shipped)
    body = _write(key, compiled)
    # The start goes on with the catalog as the cache it wrote holds it, as the next start will:
    # the records compiled (some 100,000 objects for 10,000 site entries) are freed at once, where
    # kept they were walked by the collector's first pass after the miss (30 to 45 ms).
    written = _decoded((body, 0)) if type(body) is bytes else None
    return compiled if written is None else written


def load(site_file: Path | None = None) -> Compiled:
    """The catalog (packaged + site + CMS) and the quarters,
    from the cache when its sources are unchanged."""
    curated = (PACKAGED_DATA / "catalog.toml").read_bytes()
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
            compiled = _miss(key, curated, site_file, site, quarters)
    use_packaged_units(compiled.unit_answers)
    return compiled
