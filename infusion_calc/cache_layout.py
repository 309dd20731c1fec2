"""What a catalog cache file holds, line by line, and the classes it may build when read.

The first line after the header is the compiled catalog and quarters as plain JSON
(`cache_codec`); then a table of where each later line starts (`cache_lines`); then what a
start seldom reads, each on a line of its own, decoded only when asked for: each catalog
entry (a 10,000-entry site file: a start builds the one it bills), the entries' codes,
each CMS code's fields, each quarter's prices, the CMS names and text, and the buckets of
the indexes a look-up reads one of (the names a user may type, each entry's position by code).
The file's SHA-256 was checked (`catalog_cache._read`) before any line is decoded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any

from infusion_calc.cache_codec import NotCacheData, Schema, decode, encode
from infusion_calc.cache_lines import (
    BrokenLines,
    CacheLines,
    LinesByKey,
    PackedIndex,
    PackedList,
    PackedMapping,
    body_text,
    index_buckets,
)
from infusion_calc.core.catalog.catalog import Catalog

if TYPE_CHECKING:
    from decimal import Decimal

    from infusion_calc.cms.store import LoadedQuarter


@dataclass(frozen=True)
class Compiled:
    catalog: Catalog
    quarters: tuple[LoadedQuarter, ...]
    """The CMS quarters loaded (store.LoadedQuarter), oldest first."""
    unit_answers: dict[tuple[str, str, str], Decimal | bool | str]
    """pint's answers for the parser's unit spellings (core.numbers.units.remember)."""


def cache_schema(packed: list[str | bytes], read: Sequence[bytes] | None = None) -> Schema:
    """The classes a cache holds. What a start seldom reads goes on a line of its own after the
    main JSON (`packed` when writing, `read` when reading): each catalog entry, each CMS code's
    fields, each quarter's prices, the CMS names and text. A line read is decoded only when used."""
    from infusion_calc.cms.store import LoadedQuarter
    from infusion_calc.core.catalog.catalog import Drug, Product
    from infusion_calc.core.catalog.catalog_fields import DoseRange
    from infusion_calc.core.catalog.cms_codes import CmsLayer, LazyCodes
    from infusion_calc.core.catalog.code_dates import CodeHistory, QuarterSpan
    from infusion_calc.core.catalog.drug_names import NameIndex
    from infusion_calc.core.catalog.packed_records import PackedRecords
    from infusion_calc.core.numbers.units import Measure

    def line(value: Mapping[str, object] | list[str] | None) -> int | None:
        if value is None:
            return None
        # A mapping read from a cache line is written as that line: the shipped cache's quarters,
        # names and prices, kept whole by a site file's miss, are not decoded to be encoded again.
        text = value.text if type(value) is PackedMapping else None
        if text is None:  # a tuple is written as the list it is read back as
            plain = value if isinstance(value, list) else dict(value)
            text = json.dumps(plain, ensure_ascii=False, separators=(",", ":"))
        packed.append(text)
        return len(packed) - 1

    def raw_lines(first: object, count: int) -> Sequence[bytes]:
        if read is None or type(first) is not int or first < 0 or first + count > len(read):
            raise NotCacheData("a packed line out of range")
        return read[first : first + count]

    def one_line(first: object) -> bytes:
        return raw_lines(first, 1)[0]

    def index(mapping: Mapping[str, object]) -> list[int]:
        # An index (the names, the entries' codes) in buckets of lines: a look-up decodes one.
        first = len(packed)
        packed.extend(index_buckets(mapping))
        return [first, len(packed) - first]

    def unpack_index(raw: Any) -> PackedIndex:
        if type(raw) is not list or len(raw) != 2 or type(raw[1]) is not int:
            raise NotCacheData("an index without its buckets")
        return PackedIndex(raw_lines(raw[0], raw[1]))

    def pack_quarter(quarter: LoadedQuarter) -> dict[str, object]:
        return {
            **{field.name: getattr(quarter, field.name) for field in fields(quarter)},
            "prices": line(quarter.prices),
        }

    def unpack_quarter(raw: Any) -> LoadedQuarter:
        return LoadedQuarter(**{**raw, "prices": PackedMapping(one_line(raw["prices"]))})

    def pack_layer(layer: CmsLayer) -> dict[str, object]:
        codes = layer.codes
        blobs = (
            codes.blobs
            if isinstance(codes, LazyCodes)
            else {code: json.dumps(raw) for code, raw in codes.items()}
        )
        first = len(packed)
        packed.extend(blobs.values())
        return {
            "quarter": layer.quarter,
            "first": first,
            "codes": list(blobs),
            "names": line(layer.precomputed_names),
            "text": line(layer.precomputed_text),
            "history": layer.history,
        }

    def unpack_layer(raw: Any) -> CmsLayer:
        codes = raw["codes"]
        if type(codes) is not list or not all(type(code) is str for code in codes):
            raise NotCacheData("packed codes are a list of codes")
        names, text = raw["names"], raw["text"]
        layer = CmsLayer(
            raw["quarter"],
            LazyCodes(LinesByKey(codes, raw_lines(raw["first"], len(codes)))),
            None if names is None else PackedMapping(one_line(names), tuples=True),
            None if text is None else PackedMapping(one_line(text)),
            history=raw.get("history"),
        )
        if layer.history is not None:
            layer.history.attach(layer)
        return layer

    def pack_catalog(catalog: Catalog) -> dict[str, object]:
        # Each entry on a line of its own: a start builds only the entries it is asked about
        # (core/catalog/packed_records.py).
        first = len(packed)
        packed.extend(encode(drug, schema) for drug in catalog.drugs)
        rest = {
            field.name: getattr(catalog, field.name)
            for field in fields(catalog)
            if field.name != "drugs"
        }
        codes = [drug.hcpcs for drug in catalog.drugs]
        return {
            **rest,
            "first": first,
            "count": len(codes),
            "codes": line(codes),
            "positions": index({code: position for position, code in enumerate(codes)}),
            "name_index": catalog.name_index,
        }

    def unpack_drug(text: str | bytes) -> Drug:
        drug = decode(text, schema)
        if type(drug) is not Drug:
            raise NotCacheData("a catalog entry that is not a Drug")
        return drug

    def unpack_catalog(raw: Any) -> Catalog:
        count, codes, name_index = raw.pop("count"), raw.pop("codes"), raw.pop("name_index")
        if type(count) is not int or type(name_index) is not NameIndex:
            raise NotCacheData("a catalog without its codes and names")
        drugs = PackedRecords(
            PackedList(one_line(codes), count),
            raw_lines(raw.pop("first"), count),
            unpack_drug,
            unpack_index(raw.pop("positions")),
        )
        catalog = Catalog(drugs, **raw)
        catalog.__dict__["name_index"] = (
            name_index  # a cached_property's slot, as computing it would fill it
        )
        return catalog

    def pack_names(names: NameIndex) -> dict[str, object]:
        return {"exact": index(names.exact), "first_word": index(names.first_word)}

    def unpack_names(raw: Any) -> NameIndex:
        return NameIndex(unpack_index(raw["exact"]), unpack_index(raw["first_word"]))

    def pack_history(history: CodeHistory) -> dict[str, object]:
        # The earlier quarters' codes, each on a line of its own:
        # read only when a date asks for one.
        return {
            "spans": [
                [span.label, span.effective_from.isoformat(), span.effective_to.isoformat()]
                for span in history.spans
            ],
            "listed": line(history.listed),
            "dates": line(history.hcpcs_dates),
            "packed": line(history.packed),
        }

    def unpack_history(raw: Any) -> CodeHistory:
        spans = tuple(
            QuarterSpan(label, date.fromisoformat(start), date.fromisoformat(end))
            for label, start, end in raw["spans"]
        )
        return CodeHistory(
            spans,
            PackedMapping(one_line(raw["listed"]), tuples=True),
            PackedMapping(one_line(raw["packed"])),
            PackedMapping(one_line(raw["dates"]), tuples=True),
        )

    classes: list[type] = [
        Compiled,
        LoadedQuarter,
        Catalog,
        Drug,
        Product,
        DoseRange,
        CmsLayer,
        CodeHistory,
        NameIndex,
        Measure,
    ]
    schema = Schema(
        classes={cls.__name__: cls for cls in classes},
        kept={},
        adapters={
            LoadedQuarter: (pack_quarter, unpack_quarter),
            CmsLayer: (pack_layer, unpack_layer),
            CodeHistory: (pack_history, unpack_history),
            Catalog: (pack_catalog, unpack_catalog),
            NameIndex: (pack_names, unpack_names),
        },
    )
    return schema


def encoded(compiled: Compiled) -> bytes:
    packed: list[str | bytes] = []
    schema = cache_schema(packed)
    main = encode(compiled, schema)  # one line: JSON escapes every newline inside a string
    try:
        return body_text(main, packed)
    finally:
        # The schema's functions hold it and the lines: a cycle, which a miss leaves to the
        # collector's full passes (catalog_cache._collector_paused). Emptied, it holds no text.
        packed.clear()
        schema.written.clear()


def decoded(data: bytes, offset: int = 0) -> object:
    """What the body starting at `offset` in `data` holds; its lines are copied out only when
    used (10,000 site entries are some 6 MB that a start never decodes as a whole)."""
    try:
        lines = CacheLines(data, offset)
    except BrokenLines as error:
        raise NotCacheData(str(error)) from None
    return decode(lines.main, cache_schema([], lines))
