"""Finding a drug by what a user types: a generic
name, a brand, or the HCPCS code, across all codes.

A name can belong to several codes (bevacizumab: Avastin and each biosimilar; a
biosimilar's 'bevacizumab-awwb' answers to 'bevacizumab' too), and then the caller must
ask which one: a lookup returns every match, never a silent first pick. A brand that
is not matched whole is tried as the first word of the brands listed ('gammagard' for
'Gammagard Liquid'); when that hits several codes, the ones whose own HCPCS descriptor
names the word win (J1569 is defined as Gammagard Liquid; J1566 merely lists Gammagard S/D).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from infusion_calc.core.catalog.catalog_records import Drug
from infusion_calc.core.catalog.cms_codes import CmsLayer, base_generic

_HCPCS = re.compile(r"[A-Z][0-9]{4}")


@dataclass(frozen=True)
class NameIndex:
    """Each name's codes, and each first word of a name of several words' codes. Mappings, not
    dicts: the cache keeps them in buckets and a look-up decodes one (cache_lines.PackedIndex)."""

    exact: Mapping[str, list[str]] = field(default_factory=dict)
    first_word: Mapping[str, list[str]] = field(default_factory=dict)


def _add(
    exact: dict[str, list[str]], first_word: dict[str, list[str]], names: set[str], code: str
) -> None:
    """`code` under each of its names, in name order (one call for a code's names: 10,000 site
    entries have 20,000)."""
    for name in sorted(names):
        codes = exact.setdefault(name, [])
        if code not in codes:
            codes.append(code)
        first, _, rest = name.partition(" ")
        if rest:
            codes = first_word.setdefault(first, [])
            if code not in codes:
                codes.append(code)


class NamedCatalog(Protocol):
    """What a name is looked up in (core/catalog/catalog.py's Catalog),
    named here so that this module needs not import it."""

    @property
    def drugs(self) -> Sequence[Drug]: ...

    @property
    def cms(self) -> CmsLayer | None: ...

    @property
    def name_index(self) -> NameIndex: ...

    def by_code(self, hcpcs: str) -> Drug | None: ...


def build_index(catalog: NamedCatalog) -> NameIndex:
    """Curated and site entries first (in file order), then every code CMS lists."""
    exact: dict[str, list[str]] = {}
    first_word: dict[str, list[str]] = {}
    # CMS's codes as a set, asked once: a look-up through its packed lines for each of a 10,000-
    # entry site file's entries was a third of building the index.
    listed = frozenset(catalog.cms.codes) if catalog.cms is not None else frozenset()
    for drug in catalog.drugs:
        names = drug.names()
        base = base_generic(drug.generic.lower())
        if base:
            names.add(base)
        if catalog.cms is not None and drug.hcpcs in listed:
            names |= catalog.cms.names(drug.hcpcs)
        _add(exact, first_word, names, drug.hcpcs)
    if catalog.cms is not None:
        for code in sorted(catalog.cms.codes):
            _add(exact, first_word, catalog.cms.names(code), code)
    return NameIndex(exact, first_word)


def _describes(catalog: NamedCatalog, code: str, word: str) -> bool:
    drug = catalog.by_code(code)
    if drug is not None and word in re.split(r"[^a-z0-9]+", drug.descriptor.lower()):
        return True
    return (
        catalog.cms is not None and code in catalog.cms.codes and catalog.cms.describes(code, word)
    )


def lookup(catalog: NamedCatalog, text: str) -> tuple[Drug, ...]:
    """Every entry `text` names: one is an answer, several need a choice, none is unknown."""
    key = " ".join(text.split()).lower()
    if _HCPCS.fullmatch(key.upper()):
        drug = catalog.by_code(key.upper())
        return (drug,) if drug is not None else ()
    index = catalog.name_index
    codes = index.exact.get(key) or index.first_word.get(key, [])
    if len(codes) > 1 and key not in index.exact:
        narrowed = [code for code in codes if _describes(catalog, code, key)]
        codes = narrowed or codes
    return tuple(drug for drug in (catalog.by_code(code) for code in codes) if drug is not None)
