"""A catalog cache's body as lines, each read only when asked for, and the mappings kept in them.

The body is the main JSON line, a table of where each later line starts, then those lines
(each catalog entry, each CMS code, each quarter's prices, each bucket of an index). A start
reads the file once and checks its SHA-256 over those very bytes (`catalog_cache._read`), then
takes a line's bytes only when one is used: a 10,000-entry site file's 6 MB were copied three
times over (joined, split from the header, split into lines) by every start that billed one.
An index (the names a user may type, the entries' codes) is cut into buckets by the CRC-32 of
its keys, so a look-up decodes one bucket, not every name of every entry.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

_WIDTH = 8
"""Hex digits per line start in the table: up to 4 GB, far above a cache's size limit."""
_START = f"%0{_WIDTH}x"
"""A line's start as the table writes it (%-formatting: 150 ns a line, where a nested f-string
format took 410 ns, for each of a 10,000-entry site file's 11,000 lines)."""
_BUCKET = 64
"""Keys per bucket of an index, about: a look-up decodes some 64 keys whatever the index holds."""


class BrokenLines(ValueError):
    """The body's line table does not describe its lines (never a file this code wrote)."""


def body_text(main: str, packed: list[str | bytes]) -> bytes:
    """The body of a cache file: `main`, the table of where each packed line starts, the lines
    (a line read from a cache, kept as its bytes, is written as read)."""
    lines = [text if type(text) is bytes else str(text).encode("utf-8") for text in packed]
    table, start = [], 0
    for line in lines:
        table.append(_START % start)
        start += len(line) + 1
    # The table ends with a newline even when no line follows it: a reader finds it the same way.
    # The table is a JSON string, as every line of the file is JSON.
    table_line = b'"%s"' % "".join(table).encode("ascii")
    return b"%s\n%s\n%s" % (main.encode("utf-8"), table_line, b"\n".join(lines))


class CacheLines(Sequence[bytes]):
    """The packed lines of a body `body_text` wrote, each copied out of it only when asked for."""

    def __init__(self, data: bytes, offset: int) -> None:
        """The body that starts at `offset` in `data` (the file as read, after its header)."""
        main_end = data.find(b"\n", offset)
        table_end = data.find(b"\n", main_end + 1)
        table = data[main_end + 1 : table_end]
        if main_end < 0 or table_end < 0 or table[:1] != b'"' or table[-1:] != b'"':
            raise BrokenLines("no line table after the main line")
        table = table[1:-1]
        if len(table) % _WIDTH:
            raise BrokenLines("a line table cut short")
        self.main = data[offset:main_end]
        self._data, self._table, self._base = data, table, table_end + 1
        self._count = len(self._table) // _WIDTH

    def _start(self, index: int) -> int:
        if index == self._count:
            return len(self._data) + 1  # past the last line, as if a newline ended it
        return self._base + int(self._table[index * _WIDTH : (index + 1) * _WIDTH], 16)

    @overload
    def __getitem__(self, index: int) -> bytes: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[bytes]: ...

    def __getitem__(self, index: int | slice) -> bytes | Sequence[bytes]:
        if isinstance(index, slice):
            return _Slice(self, range(self._count)[index])
        position = range(self._count)[index]  # IndexError as a list raises it
        start, end = self._start(position), self._start(position + 1) - 1
        data = self._data
        if not self._base <= start <= end <= len(data) or (end < len(data) and data[end] != 10):
            raise BrokenLines(f"line {position} is not a line of the body")  # 10: a newline
        return data[start:end]

    def __len__(self) -> int:
        return self._count


class _Slice(Sequence[bytes]):
    """Some of a body's lines, by position, without copying any of them."""

    def __init__(self, lines: CacheLines, positions: range) -> None:
        self._lines, self._positions = lines, positions

    @overload
    def __getitem__(self, index: int) -> bytes: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[bytes]: ...

    def __getitem__(self, index: int | slice) -> bytes | Sequence[bytes]:
        if isinstance(index, slice):
            return _Slice(self._lines, self._positions[index])
        return self._lines[self._positions[index]]

    def __len__(self) -> int:
        return len(self._positions)


class PackedList(Sequence[Any]):
    """A list kept as its JSON line until first read (the catalog entries' codes: a start that
    bills one entry finds it by the index of codes, and never needs them all)."""

    def __init__(self, text: str | bytes, length: int) -> None:
        self.text, self._length = text, length
        self._data: list[Any] | None = None

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if self._data is None:
            data = json.loads(self.text)
            if type(data) is not list or len(data) != self._length:
                raise BrokenLines("a packed list of another length")
            self._data = data
        return self._data[index]

    def __len__(self) -> int:
        return self._length


class LinesByKey(Mapping[str, bytes]):
    """Lines by the key each was written under (CMS's codes: each code's fields on a line)."""

    def __init__(self, keys: Sequence[str], lines: Sequence[bytes]) -> None:
        if len(keys) != len(lines):
            raise BrokenLines("one line per key")
        self._positions = {key: position for position, key in enumerate(keys)}
        self._lines = lines

    def __getitem__(self, key: str) -> bytes:
        return self._lines[self._positions[key]]

    def __contains__(self, key: object) -> bool:
        return key in self._positions

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._positions)


class PackedMapping(Mapping[str, Any]):
    """A mapping kept as its JSON line until first read: a start decodes only what it uses
    (the one quarter's prices it bills from; the names only a lookup by a new word needs)."""

    def __init__(self, text: str | bytes, tuples: bool = False) -> None:
        self.text, self._tuples = text, tuples
        self._data: dict[str, Any] | None = None

    def _loaded(self) -> dict[str, Any]:
        if self._data is None:
            data = json.loads(self.text)  # the file's SHA-256 was checked: this is the line written
            self._data = (
                {key: tuple(value) for key, value in data.items()} if self._tuples else data
            )
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self._loaded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


def _bucket(key: str, count: int) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % count


def index_buckets(mapping: Mapping[str, Any]) -> list[str]:
    """`mapping` as the JSON lines of its buckets, about `_BUCKET` keys each, each bucket in the
    mapping's own order (a catalog's index is built in file order: the same lines every time)."""
    count = max(1, len(mapping) // _BUCKET)
    buckets: list[dict[str, Any]] = [{} for _ in range(count)]
    crc32 = zlib.crc32  # `_bucket`, inline: a call for each of 20,000 names was half of this
    for key, value in mapping.items():
        buckets[crc32(key.encode("utf-8", "surrogatepass")) % count][key] = value
    write = _COMPACT.encode  # one encoder for every bucket: json.dumps makes one per call
    return [write(bucket) for bucket in buckets]


_COMPACT = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))
"""JSON as `json.dumps(..., ensure_ascii=False, separators=(",", ":"))` writes it (an index holds
no container twice: nothing to check for circles)."""


class PackedIndex(Mapping[str, Any]):
    """A mapping kept as the lines of its buckets (`index_buckets`): a look-up decodes the one
    bucket its key falls in; iterating decodes them all, in order."""

    def __init__(self, buckets: Sequence[str | bytes]) -> None:
        if not buckets:
            raise BrokenLines("an index without buckets")
        self._texts = buckets
        self._decoded: dict[int, dict[str, Any]] = {}

    @property
    def decoded_buckets(self) -> int:
        return len(self._decoded)

    def _in(self, position: int) -> dict[str, Any]:
        found = self._decoded.get(position)
        if found is None:
            found = self._decoded[position] = json.loads(self._texts[position])
        return found

    def __getitem__(self, key: str) -> Any:
        if type(key) is not str:
            raise KeyError(key)
        return self._in(_bucket(key, len(self._texts)))[key]

    def _all(self) -> Iterable[dict[str, Any]]:
        return (self._in(position) for position in range(len(self._texts)))

    def __iter__(self) -> Iterator[str]:
        return (key for bucket in self._all() for key in bucket)

    def __len__(self) -> int:
        return sum(len(bucket) for bucket in self._all())
