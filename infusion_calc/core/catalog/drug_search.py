"""Find a drug as the nurse types: by generic name, brand or HCPCS code, most-used first.

Built once per catalog (hundreds of entries once every CMS code is in), then asked on
every keystroke, so a search is one pass of substring tests over precomputed lower-case
text, with no allocation per entry beyond the hits.

Order of the hits: a name or code that starts with what was typed, then entries where
every typed word starts a word of a name or the code ("natal tys"), then entries that
merely contain the text ("mab"); within each, the most-used drug first (the counts from
the administration log), then catalog order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SEPARATORS = re.compile(r"[\s\-()/,·]+")


@dataclass(frozen=True, slots=True)
class DrugHit:
    code: str
    label: str


class DrugIndex:
    """Entries (code, label shown, names searched) in most-used order, searchable by any name."""

    def __init__(
        self,
        entries: Iterable[tuple[str, str, Iterable[str]]],
        uses: Mapping[str, int] | None = None,
    ) -> None:
        uses = uses or {}
        listed = list(entries)
        order = sorted(
            range(len(listed)), key=lambda index: (-uses.get(listed[index][0], 0), index)
        )
        self._hits = tuple(DrugHit(listed[index][0], listed[index][1]) for index in order)
        # " tysabri natalizumab j2323": a leading space per word,
        # so " ty" finds a word that starts "ty".
        self._text = tuple(
            " "
            + " ".join(
                SEPARATORS.split(" ".join((listed[index][0], *listed[index][2])).lower())
            ).strip()
            for index in order
        )
        # Each entry's whole names, spaced as searched ("natalizumab", "tysabri"),
        # and how many entries have each.
        self._names = tuple(
            frozenset(filter(None, (_spaced(name) for name in listed[index][2]))) for index in order
        )
        self._holders: dict[str, int] = {}
        for names in self._names:
            for name in names:
                self._holders[name] = self._holders.get(name, 0) + 1

    def __len__(self) -> int:
        return len(self._hits)

    def shared_name(self, query: str) -> tuple[str, int] | None:
        """The name the first hit is being typed as,
        when other entries have it too: (name, entries).

        "natal" is the start of natalizumab, which Tysabri and its biosimilar share: the
        nurse must pick one, never have the first taken for them. "remi" (Remicade only)
        or a code ("j2323") is no such name.
        """
        typed = _spaced(query)
        if not typed:
            return None
        whole = " " + typed
        first = next((index for index, text in enumerate(self._text) if whole in text), None)
        if first is None:
            return None
        shared = [
            (name, self._holders[name])
            for name in sorted(self._names[first])
            if name.startswith(typed) and self._holders[name] > 1
        ]
        return shared[0] if shared else None

    def search(self, query: str, limit: int | None = None) -> tuple[tuple[DrugHit, ...], int]:
        """The hits for `query` in order (at most `limit`), and how many there are in all.
        An empty query lists every entry, most-used first."""
        words = SEPARATORS.split(query.lower().strip())
        words = [word for word in words if word]
        if not words:
            return self._hits[:limit], len(self._hits)
        whole = " " + " ".join(words)
        texts = self._text
        # List comprehensions over plain `in` tests: the fastest pass Python has over 1,000 strings.
        starts = [index for index, text in enumerate(texts) if whole in text]
        first = set(starts)
        if (
            len(words) == 1
        ):  # most searches: one word, so "every word starts a word" is the first kind
            word_starts: list[int] = []
        else:
            spaced = [" " + word for word in words]
            word_starts = [
                index
                for index, text in enumerate(texts)
                if index not in first and all(word in text for word in spaced)
            ]
            first.update(word_starts)
        if len(words) == 1:
            word = words[0]
            contains = [
                index for index, text in enumerate(texts) if word in text and index not in first
            ]
        else:
            contains = [
                index
                for index, text in enumerate(texts)
                if index not in first and all(word in text for word in words)
            ]
        ranked = starts + word_starts + contains
        return tuple(self._hits[index] for index in ranked[:limit]), len(ranked)


def _spaced(text: str) -> str:
    return " ".join(word for word in SEPARATORS.split(text.lower().strip()) if word)
