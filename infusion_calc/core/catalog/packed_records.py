"""Records kept as the text they were cached as, each unpacked on first use and then kept.

A site catalog may hold 10,000 entries; a start bills one or two of them. Unpacking every
entry into its frozen records took most of such a start (0.24 s for 30,000 dataclasses),
so the compiled cache keeps each entry as a line of its own (`catalog_cache.py`) and the
catalog holds them as this sequence: its codes are known at once, an entry is built when
asked for. The text was checked against the cache file's SHA-256 when the file was read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Generic, TypeVar, overload

Record = TypeVar("Record")


class PackedRecords(Sequence[Record], Generic[Record]):
    """A sequence of records by code, each unpacked from its text on first use. `positions`: each
    code's position, when the cache kept them as an index (a look-up by code then reads neither
    every code nor a dictionary of them all)."""

    __hash__ = None  # type: ignore[assignment]  # compared by value, as the tuple it stands for

    def __init__(
        self,
        codes: Sequence[str],
        texts: Sequence[str | bytes],
        unpack: Callable[[str | bytes], Record],
        positions: Mapping[str, int] | None = None,
    ) -> None:
        if len(codes) != len(texts):
            raise ValueError("one text per code")
        self.codes = codes
        self._positions = positions
        self._texts = texts
        self._unpack = unpack
        self._unpacked: dict[int, Record] = {}

    @property
    def positions(self) -> Mapping[str, int]:
        """Each code's position in the sequence."""
        if self._positions is None:
            self._positions = {code: position for position, code in enumerate(self.codes)}
        return self._positions

    @property
    def unpacked_count(self) -> int:
        return len(self._unpacked)

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Record, ...]: ...

    def __getitem__(self, index: int | slice) -> Record | tuple[Record, ...]:
        if isinstance(index, slice):
            return tuple(self[position] for position in range(len(self._texts))[index])
        position = range(len(self._texts))[
            index
        ]  # IndexError as a tuple raises it; a negative index counts back
        found = self._unpacked.get(position)
        if found is None:
            found = self._unpacked[position] = self._unpack(self._texts[position])
        return found

    def __len__(self) -> int:
        return len(self._texts)

    def __iter__(self) -> Iterator[Record]:
        return (self[position] for position in range(len(self._texts)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(
            mine == theirs for mine, theirs in zip(self, other, strict=True)
        )

    def __repr__(self) -> str:
        return f"PackedRecords({len(self._texts)} records, {self.unpacked_count} unpacked)"
