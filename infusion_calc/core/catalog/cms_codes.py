"""Codes known only from CMS's crosswalk, as catalog entries: billing facts without clinical ones.

Takes one quarter's codes as plain data (what `infusion_calc.cms` loads) and builds a
`Drug` per code on demand: its billing unit, its NDCs with billing units per item,
labelers and brands. CMS does not say whether an item is a single-dose vial, a
multi-dose vial or a prefilled syringe, nor the route, so such an entry has no
products to plan with: the user picks the item (`--vial`), and every result says the
container type is not verified.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, NotRequired, TypedDict

from infusion_calc.core.catalog.catalog_records import ITEM_FIELDS, Drug
from infusion_calc.core.catalog.catalog_records import (
    CmsItem as CmsItem,
)  # named from here as it always was
from infusion_calc.core.numbers.units import Measure, parse_amount

if TYPE_CHECKING:
    from infusion_calc.core.catalog.code_dates import CodeHistory

# Where each field sits in one NDC row of a stored quarter (ITEM_FIELDS: a CmsItem's fields).
_NDC, _LABELER, _BRAND, _SIZE, _COUNT, _PER_ITEM = (
    ITEM_FIELDS.index(name)
    for name in ("ndc", "labeler", "brand", "package_size", "package_count", "units_per_item")
)
_BIOSIMILAR_SUFFIX = re.compile(r"^([a-z][a-z ]*[a-z])-[a-z]{4}$")
_TRADEMARKS = str.maketrans("", "", "®™")
_TRAILING_AMOUNT = re.compile(r"\s+[0-9.]+\s*(?:mg|mcg|g)$", re.IGNORECASE)


class StoredCode(TypedDict):
    """One code's stored fields: infusion_calc.cms.models.CmsCode dumped as JSON (decimals as
    text)."""

    hcpcs: str
    short_description: str
    descriptor: str | None
    hcpcs_added: NotRequired[str | None]
    hcpcs_terminated: NotRequired[str | None]
    billing_unit: str
    payment_limit: str | None
    coinsurance_percent: str | None
    items: Sequence[Sequence[str]]
    """One row per NDC, its fields in the order of ITEM_FIELDS (catalog_records)."""


def generic_name(descriptor: str) -> str:
    """'Injection, infliximab-dyyb, biosimilar, (inflectra), 10 mg' -> 'infliximab-dyyb'."""
    parts = [part.strip() for part in descriptor.split(",")]
    name = (
        parts[1]
        if len(parts) > 1 and parts[0].lower() in ("injection", "inj", "inj.")
        else parts[0]
    )
    return _TRAILING_AMOUNT.sub("", name).lower()  # 'ondansetron 1 mg': the unit is not the name


def base_generic(generic: str) -> str | None:
    """'bevacizumab-awwb' -> 'bevacizumab': biosimilars share the reference product's name."""
    match = _BIOSIMILAR_SUFFIX.match(generic)
    return match[1] if match else None


def brand_name(text: str) -> str:
    return " ".join(text.translate(_TRADEMARKS).split())


class LazyCodes(Mapping[str, StoredCode]):
    """code -> stored fields, each unpacked from its JSON text on first use."""

    def __init__(self, blobs: Mapping[str, str | bytes]) -> None:
        self.blobs = blobs
        self.unpacked: dict[str, StoredCode] = {}

    def __getitem__(self, code: str) -> StoredCode:
        found = self.unpacked.get(code)
        if found is None:
            found = self.unpacked[code] = json.loads(self.blobs[code])
        return found

    def __contains__(self, code: object) -> bool:
        return code in self.blobs

    def __iter__(self) -> Iterator[str]:
        return iter(self.blobs)

    def __len__(self) -> int:
        return len(self.blobs)


@dataclass(frozen=True)
class CmsLayer:
    """One quarter's codes (code -> stored fields), turned into catalog entries when asked.

    `names` and `text` may be given precomputed (the catalog cache does), so that a
    start-up reads no code it is not asked about.
    """

    quarter: str
    codes: Mapping[str, StoredCode]
    precomputed_names: Mapping[str, tuple[str, ...]] | None = None
    precomputed_text: Mapping[str, str] | None = None
    history: CodeHistory | None = None
    """Every loaded quarter (core/catalog/code_dates.py):
    the catalog answers for a date of service from it."""

    def names(self, code: str) -> set[str]:
        """Every lowercase name this code answers to: generic, its base, and the brands listed."""
        if self.precomputed_names is not None:
            return set(self.precomputed_names.get(code, ()))
        raw = self.codes[code]
        generic = generic_name(raw.get("descriptor") or raw["short_description"])
        names = {generic, *(brand_name(item[_BRAND]).lower() for item in raw["items"])}
        base = base_generic(generic)
        if base:
            names.add(base)
        names.discard("")
        return names

    def generic(self, code: str) -> str:
        raw = self.codes[code]
        return generic_name(raw.get("descriptor") or raw["short_description"])

    def descriptor_text(self, code: str) -> str:
        if self.precomputed_text is not None:
            return self.precomputed_text.get(code, "")
        raw = self.codes[code]
        return f"{raw.get('descriptor') or ''} {raw['short_description']}".lower()

    def describes(self, code: str, word: str) -> bool:
        """Whether the code's own descriptors name `word`
        (J1569 names Gammagard; J1566 does not)."""
        return word in re.split(r"[^a-z0-9]+", self.descriptor_text(code))

    @cached_property
    def _drugs(self) -> dict[str, Drug]:
        return {}

    def drug(self, code: str) -> Drug | None:
        """The catalog entry for a code only CMS knows, or None."""
        if code not in self.codes:
            return None
        if code not in self._drugs:
            self._drugs[code] = self._build(code)
        return self._drugs[code]

    def items(self, code: str) -> tuple[CmsItem, ...]:
        raw = self.codes.get(code)
        if raw is None:
            return ()
        unit = parse_amount(raw["billing_unit"], "billing_unit")
        return tuple(
            CmsItem(
                ndc=row[_NDC],
                labeler=row[_LABELER],
                brand=brand_name(row[_BRAND]),
                package_size=Decimal(row[_SIZE]),
                package_count=Decimal(row[_COUNT]),
                units_per_item=Decimal(row[_PER_ITEM]),
                strength=Measure(Decimal(row[_PER_ITEM]) * unit.value, unit.unit),
            )
            for row in raw["items"]
        )

    def _build(self, code: str) -> Drug:
        raw = self.codes[code]
        items = self.items(code)
        brands: dict[str, str] = {}
        for item in items:
            brands.setdefault(item.brand.lower(), item.brand)
        return Drug(
            hcpcs=code,
            descriptor=raw.get("descriptor") or raw["short_description"],
            generic=generic_name(raw.get("descriptor") or raw["short_description"]),
            brands=sorted(brands.values()),
            billing_unit=parse_amount(raw["billing_unit"], "billing_unit"),
            route="not stated in CMS's files",
            sources=[f"CMS ASP NDC-HCPCS crosswalk and payment limits, {self.quarter}"],
            products=(),
            source="cms",
            cms_items=items,
        )
