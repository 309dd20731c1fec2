"""The catalog every command uses, validated once and kept compiled in the user cache folder.

Sources: the packaged catalog, the site catalog file, the packaged CMS quarters and the
quarters imported. On a miss every source goes through the pydantic models (the one
validation path), and the result is written as plain JSON data (`cache_codec`: nothing
in it can run code when read) under a name made from the package's own code and the
hashes of the sources; later starts load that file without importing pydantic. Any
change to a source changes the name, so a stale cache is never read.

A cache file is trusted only when all of this holds, and is otherwise a miss (rebuilt,
never an error, never used): its folder is a real folder of this user that no one else
can write, created 0700 whatever the umask; the file is a regular file of this user
that no one else can write; its first line names this cache format and this very key;
and the SHA-256 of its content matches the one on that line. Writing is best effort.

The cache also keeps pint's answers about every unit spelling the strict parser maps
(`core.units.pint_answers`), computed by the one registry on a miss, so a warm start
neither builds the registry nor imports pint (~0.2 s of a ~0.4 s start).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date
from importlib.resources import files
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from infusion_calc.cache_codec import NotCacheData, Schema, decode, encode
from infusion_calc.cms.store import LoadedQuarter, quarter_files
from infusion_calc.core.catalog import Catalog, Drug, Product, parse_catalog
from infusion_calc.core.catalog_fields import DoseRange
from infusion_calc.core.cms_codes import CmsLayer, LazyCodes
from infusion_calc.core.code_dates import CodeHistory, QuarterSpan
from infusion_calc.core.drug_names import NameIndex
from infusion_calc.core.units import Measure, pint_answers, remember
from infusion_calc.locations import cache_dir, ensure_cache_dir, open_private_dir
from infusion_calc.site_files import read_private_file, read_site_file

if TYPE_CHECKING:
    from decimal import Decimal

    from infusion_calc.cms.store import LoadedQuarter

CACHE_FORMAT = 3
_PREFIX = "catalog-"
_SUFFIX = ".json"
_KEEP = 4
_HEADER = b"infusion-calc catalog cache"
_LIMIT = 256 * 1_000_000
"""Far above any real cache (about 1 MB with a full quarter): a bigger file is not ours."""


@dataclass(frozen=True)
class Compiled:
    catalog: Catalog
    quarters: tuple[LoadedQuarter, ...]
    """The CMS quarters loaded (store.LoadedQuarter), oldest first."""
    unit_answers: dict[tuple[str, str, str], Decimal | bool | str]
    """pint's answers for the parser's unit spellings (core.units.remember)."""


# The code that reads the sources and defines the cached classes: a change to any of
# them (a new release, or an edit in a development checkout) is a new cache. This is
# the package version made exact, and costs no importlib.metadata (~20 ms) per start.
_COMPILER = (
    "catalog_cache.py", "cache_codec.py", "core/catalog.py", "core/catalog_fields.py", "core/catalog_schema.py", "core/cms_codes.py",
    "core/drug_names.py", "core/code_dates.py", "core/units.py", "core/activity_kinds.py", "cms/compile.py", "cms/models.py",
    "cms/store.py", "data/units.txt",
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


def _compile(curated: bytes, site_file: Path | None, site: bytes | None, quarter_texts: list[tuple[str, str, bytes]]) -> Compiled:
    from infusion_calc.cms.compile import compile_quarters  # lazy: pydantic, for a cache miss only (a warm calc skips it)

    cms = compile_quarters(quarter_texts)
    catalog = parse_catalog(curated.decode("utf-8"), "packaged catalog").with_cms(cms.layer())
    if site is not None:
        catalog = catalog.merged_with(parse_catalog(site.decode("utf-8"), str(site_file)))
    catalog.name_index  # noqa: B018 -- computed now, so the cache holds it (cached_property)
    return Compiled(catalog, cms.quarters, pint_answers())


class PackedMapping(Mapping[str, Any]):
    """A mapping kept as its JSON line until first read: a start decodes only what it uses
    (the one quarter's prices it bills from; the names only a lookup by a new word needs)."""

    def __init__(self, text: str, tuples: bool = False) -> None:
        self._text, self._tuples = text, tuples
        self._data: dict[str, Any] | None = None

    def _loaded(self) -> dict[str, Any]:
        if self._data is None:
            data = json.loads(self._text)  # the file's SHA-256 was checked: this is the line written
            self._data = {key: tuple(value) for key, value in data.items()} if self._tuples else data
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self._loaded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


def _schema(packed: list[str]) -> Schema:
    """The classes a cache holds. What a start seldom reads goes on a line of its own after the
    main JSON (`packed`): each CMS code's fields, each quarter's prices, the CMS names and text."""
    def line(value: object) -> int | None:
        if value is None:
            return None
        packed.append(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
        return len(packed) - 1

    def lines(first: object, count: int) -> list[str]:
        if type(first) is not int or first < 0 or first + count > len(packed):
            raise NotCacheData("a packed line out of range")
        return packed[first:first + count]

    def pack_quarter(quarter: LoadedQuarter) -> dict[str, object]:
        return {**{field.name: getattr(quarter, field.name) for field in fields(quarter)}, "prices": line(dict(quarter.prices))}

    def unpack_quarter(raw: Any) -> LoadedQuarter:
        return LoadedQuarter(**{**raw, "prices": PackedMapping(lines(raw["prices"], 1)[0])})

    def pack_layer(layer: CmsLayer) -> dict[str, object]:
        codes = layer.codes
        blobs = codes.blobs if isinstance(codes, LazyCodes) else {code: json.dumps(raw) for code, raw in codes.items()}
        first = len(packed)
        packed.extend(blobs.values())
        names = None if layer.precomputed_names is None else {code: list(each) for code, each in layer.precomputed_names.items()}
        text = None if layer.precomputed_text is None else dict(layer.precomputed_text)
        return {"quarter": layer.quarter, "first": first, "codes": list(blobs), "names": line(names), "text": line(text),
                "history": layer.history}

    def unpack_layer(raw: Any) -> CmsLayer:
        codes = raw["codes"]
        if type(codes) is not list or not all(type(code) is str for code in codes):
            raise NotCacheData("packed codes are a list of codes")
        names, text = raw["names"], raw["text"]
        layer = CmsLayer(
            raw["quarter"], LazyCodes(dict(zip(codes, lines(raw["first"], len(codes)), strict=True))),
            None if names is None else PackedMapping(lines(names, 1)[0], tuples=True),
            None if text is None else PackedMapping(lines(text, 1)[0]),
            history=raw.get("history"),
        )
        if layer.history is not None:
            layer.history.attach(layer)
        return layer

    def pack_history(history: CodeHistory) -> dict[str, object]:
        # The earlier quarters' codes, each on a line of its own: read only when a date asks for one.
        return {
            "spans": [[span.label, span.effective_from.isoformat(), span.effective_to.isoformat()] for span in history.spans],
            "listed": line({code: list(labels) for code, labels in history.listed.items()}),
            "dates": line({code: list(dates) for code, dates in history.hcpcs_dates.items()}),
            "packed": line(dict(history.packed)),
        }

    def unpack_history(raw: Any) -> CodeHistory:
        spans = tuple(QuarterSpan(label, date.fromisoformat(start), date.fromisoformat(end)) for label, start, end in raw["spans"])
        return CodeHistory(spans, PackedMapping(lines(raw["listed"], 1)[0], tuples=True), PackedMapping(lines(raw["packed"], 1)[0]),
                           PackedMapping(lines(raw["dates"], 1)[0], tuples=True))

    classes: list[type] = [Compiled, LoadedQuarter, Catalog, Drug, Product, DoseRange, CmsLayer, CodeHistory, NameIndex, Measure]
    return Schema(
        classes={cls.__name__: cls for cls in classes},
        kept={"Catalog": ("name_index",)},
        adapters={LoadedQuarter: (pack_quarter, unpack_quarter), CmsLayer: (pack_layer, unpack_layer),
                  CodeHistory: (pack_history, unpack_history)},
    )


def _encoded(compiled: Compiled) -> bytes:
    packed: list[str] = []
    main = encode(compiled, _schema(packed))  # one line: JSON escapes every newline inside a string
    return "\n".join([main, *packed]).encode("utf-8")


def _decoded(body: bytes) -> object:
    main, *packed = body.decode("utf-8").split("\n")
    return decode(main, _schema(packed))


def _header(key: str, body: bytes) -> bytes:
    return b"%s %d %s sha256=%s\n" % (_HEADER, CACHE_FORMAT, key.encode(), hashlib.sha256(body).hexdigest().encode())


def _read(folder: int, key: str) -> Compiled | None:
    """The cache for `key` from the open private folder, or None (absent, not ours, damaged, another key)."""
    data = read_private_file(folder, f"{_PREFIX}{key}{_SUFFIX}", _LIMIT)
    if data is None:
        return None
    header, newline, body = data.partition(b"\n")
    if not newline or header + newline != _header(key, body):
        return None  # another format, another key renamed to this one, or a byte changed
    try:
        compiled = _decoded(body)
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
        body = _encoded(compiled)
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
        caches = sorted(folder.glob(f"{_PREFIX}*{_SUFFIX}"), key=lambda entry: entry.stat().st_mtime, reverse=True)
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


def load(site_file: Path | None = None) -> Compiled:
    """The catalog (packaged + site + CMS) and the quarters, from the cache when its sources are unchanged."""
    curated = files("infusion_calc.data").joinpath("catalog.toml").read_bytes()
    site = read_site_file(site_file).encode("utf-8") if site_file is not None else None
    quarters = quarter_files()
    parts = [("catalog.toml", curated), (f"site:{site_file}", site or b""), *((where, data) for _, where, data in quarters)]
    key = _key(parts)
    compiled = _cached(key)
    if compiled is None:
        compiled = _compile(curated, site_file, site, quarters)
        _write(key, compiled)
    remember(compiled.unit_answers)
    return compiled
