"""The drug catalog: packaged TOML data, validated at load into frozen records.

A site may add entries, or replace one by HCPCS code, with a catalog file of its own
(`--catalog PATH`, or `catalog.toml` in the user config folder). Both go through the
same validation, the pydantic models in `catalog_schema.py`; an error names the file,
the entry and the field. Commands do not pay for pydantic on every start: they load
the validated catalog compiled in the user cache folder (`infusion_calc/catalog_cache.py`).
Codes known only from CMS's files come from a `CmsLayer` (`cms_codes.py`) when asked for.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any, Literal

# The records are declared in catalog_records.py, and named from here as they always were.
from infusion_calc.core.catalog.catalog_records import NATALIZUMAB_CODES as NATALIZUMAB_CODES
from infusion_calc.core.catalog.catalog_records import (
    NATALIZUMAB_J2326_MESSAGE as NATALIZUMAB_J2326_MESSAGE,
)
from infusion_calc.core.catalog.catalog_records import NDC_UNIT_QUALIFIERS as NDC_UNIT_QUALIFIERS
from infusion_calc.core.catalog.catalog_records import Drug as Drug
from infusion_calc.core.catalog.catalog_records import Product as Product
from infusion_calc.core.catalog.catalog_records import drug_problem as drug_problem
from infusion_calc.core.catalog.catalog_records import ndc_11 as ndc_11
from infusion_calc.core.catalog.catalog_records import product_problem as product_problem
from infusion_calc.core.catalog.cms_codes import CmsLayer
from infusion_calc.core.catalog.container import ConfirmedContainer, parse_confirmed_containers
from infusion_calc.core.catalog.drug_names import NameIndex, build_index, lookup
from infusion_calc.core.catalog.packed_records import PackedRecords
from infusion_calc.core.errors import CatalogError

_LOOKUPS_KEPT = 4096
"""Names whose answers a catalog keeps (a few hundred KB at most, however many names a file
types)."""


@dataclass(frozen=True)
class Catalog:
    """All drugs by HCPCS code, in file order (the first entry for a generic is its default)."""

    drugs: Sequence[Drug]
    """The curated and site entries (a tuple, or PackedRecords from the cache: each built when
    asked for);
    codes known only from CMS come from `cms` when asked for."""
    origin: str = "packaged catalog"
    cms: CmsLayer | None = None
    containers: tuple[ConfirmedContainer, ...] = ()
    """A site's answers to "single-dose or multi-dose?" for products no catalog verified
    ([[container]])."""

    @cached_property
    def _own_codes(self) -> Sequence[str]:
        drugs = self.drugs
        return (
            drugs.codes if isinstance(drugs, PackedRecords) else tuple(drug.hcpcs for drug in drugs)
        )

    @cached_property
    def _positions(self) -> Mapping[str, int]:
        if isinstance(self.drugs, PackedRecords):  # kept by the cache as an index of codes
            return self.drugs.positions
        return {code: position for position, code in enumerate(self._own_codes)}

    def _own(self, code: str) -> Drug | None:
        """A curated or site entry by its code; a packed one is built now, and only it."""
        position = self._positions.get(code)
        return None if position is None else self.drugs[position]

    def by_code(self, hcpcs: str) -> Drug | None:
        code = hcpcs.strip()
        if not code.isascii():  # 'ſ2323'.upper() is S2323
            return None
        code = code.upper()
        found = self._own(code)
        if found is None and self.cms is not None:
            return self.cms.drug(code)
        return found

    def with_cms(self, layer: CmsLayer | None) -> "Catalog":
        return Catalog(self.drugs, self.origin, layer, self.containers)

    def on(self, day: date | None) -> "Catalog":
        """The catalog for a date of service: CMS's codes from the quarter in effect that day
        (core/catalog/code_dates.py).

        Without a date, or without quarters, the newest quarter's codes: this catalog itself."""
        history = self.cms.history if self.cms is not None else None
        if history is None or self.cms is None:
            return self
        label = history.reference(day).label
        if label == self.cms.quarter:
            return self
        found = self._dated.get(label)
        if found is None:
            found = self._dated[label] = replace(
                self, cms=history.layer(label)
            )  # every other field kept
        return found

    def out_of_effect(self, code: str, day: date | None) -> str | None:
        """Why a code CMS lists is not billable on the date of service (naming the code that is),
        or None."""
        if self.cms is None or self.cms.history is None:
            return None
        return self.cms.history.out_of_effect(code, day)

    @cached_property
    def _dated(self) -> dict[str, "Catalog"]:
        return {}

    def codes(self) -> list[str]:
        """Every code the catalog answers for (curated, site and CMS's), in code order."""
        return sorted(set(self._own_codes) | set(self.cms.codes if self.cms is not None else ()))

    @cached_property
    def name_index(self) -> NameIndex:
        return build_index(self)

    def lookup(self, name: str) -> tuple[Drug, ...]:
        """Every entry a generic name, brand or code names (several: the user must choose)."""
        found = self._lookups.get(name)
        if found is None:
            found = lookup(self, name)
            if len(self._lookups) < _LOOKUPS_KEPT:
                self._lookups[name] = found
        return found

    @cached_property
    def _lookups(self) -> dict[str, tuple[Drug, ...]]:
        # A catalog never changes, so a name's answer is kept: a batch file names the same few
        # drugs on every row.
        return {}

    @cached_property
    def _by_name(self) -> dict[str, Drug]:
        index: dict[str, Drug] = {}
        for drug in self.drugs:  # file order: the first entry for a name wins
            for name in drug.names():
                index.setdefault(name, drug)
        return index

    def by_name(self, name: str) -> Drug | None:
        return self._by_name.get(name.strip().lower())

    def merged_with(self, site: "Catalog") -> "Catalog":
        """This catalog with the site's entries added, or replacing ours by HCPCS code."""
        from infusion_calc.core.numbers.amounts import fits_listed

        ndc_owner = {
            product.ndc: drug for drug in self.drugs for product in drug.products if product.ndc
        }
        # Each looked up in plain dicts and sets: a look-up in the cache's packed index or CMS's
        # codes, twice for each of a 10,000-entry site file's entries, was most of this merge.
        own = {drug.hcpcs: drug for drug in self.drugs}
        listed_codes = frozenset(self.cms.codes) if self.cms is not None else frozenset()
        for drug in site.drugs:
            ours = own.get(drug.hcpcs)
            where = f"{site.origin}: entry {drug.hcpcs}"
            listed = (
                self.cms.drug(drug.hcpcs)
                if self.cms is not None and ours is None and drug.hcpcs in listed_codes
                else None
            )
            if listed is not None and (
                listed.billing_unit.value != drug.billing_unit.value
                or not fits_listed(listed.amount_unit, drug.amount_unit)
            ):
                raise CatalogError(
                    f"{where}: field 'billing_unit': CMS's crosswalk bills {drug.hcpcs} "
                    "in units of "
                    f"{listed.billing_unit}, not {drug.billing_unit}."
                )
            if ours is not None and ours.generic.lower() != drug.generic.lower():
                raise CatalogError(
                    f"{where}: field 'generic': the packaged catalog bills {drug.hcpcs} "
                    f"as {ours.generic} "
                    f"({ours.descriptor}); a site file cannot give it to {drug.generic}."
                )
            if ours is not None and (ours.billing_unit.value, ours.amount_unit) != (
                drug.billing_unit.value,
                drug.amount_unit,
            ):
                raise CatalogError(
                    f"{where}: field 'billing_unit': {drug.hcpcs} bills in units of "
                    f"{ours.billing_unit} "
                    f"({ours.descriptor}), not {drug.billing_unit}."
                )
            for product in drug.products:
                owner = ndc_owner.get(product.ndc or "")
                if owner is not None and owner.hcpcs != drug.hcpcs:
                    raise CatalogError(
                        f"{where}: field 'product.ndc': NDC {product.ndc} is {owner.display_name} "
                        f"({owner.hcpcs}) in the packaged catalog, not {drug.generic}."
                    )
        replaced = {drug.hcpcs for drug in site.drugs}
        kept = tuple(drug for drug in self.drugs if drug.hcpcs not in replaced)
        added = tuple(
            drug if drug.source == "site" else replace(drug, source="site") for drug in site.drugs
        )
        return Catalog(
            kept + added,
            f"{self.origin} + {site.origin}",
            self.cms,
            self.containers + site.containers,
        )


def _whole_entry_field(message: str) -> str:
    """The field to name for a rule about the entry as a whole."""
    if "J2326" in message:
        return "hcpcs"
    return "billing_unit" if "disagrees with the descriptor" in message else "entry"


def _entry_name(raw: Any, index: int) -> str:
    code = raw.get("hcpcs") if isinstance(raw, dict) else None
    return f"entry {index + 1} ({code})" if code else f"entry {index + 1}"


def _in_file_words(error: Any) -> str:
    """pydantic's message as the file says it: a table, not a Python class; a key, not an
    argument."""
    table = "[[drug.product]]" if "product" in error["loc"] else "[[drug]]"
    if error["type"] == "dataclass_type":  # pydantic names the record class; the file names a table
        return f"Input should be a table of fields ({table})"
    if error["type"] == "unexpected_keyword_argument":
        return f"not a field of a {table} table (check the spelling)"
    return re.sub(r"^(Value|Assertion) error, ", "", str(error["msg"]))


def parse_catalog(
    text: str, origin: str, source: Literal["curated", "site"] = "curated"
) -> Catalog:
    """Validate catalog TOML text; raise CatalogError naming the file, entry and field. `source`:
    where its entries come from (a site file's are built as "site": no copy of each to mark it)."""
    # Lazy: a catalog's text is read on a cache miss only. tomli is tomllib's own parser, compiled.
    import tomli

    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        raise CatalogError(f"{origin}: not valid TOML: {error}") from None
    except RecursionError:  # arrays nested a thousand deep: no catalog needs more than three
        raise CatalogError(
            f"{origin}: not valid TOML for a catalog: values nested too deeply"
        ) from None
    unknown = set(data) - {"drug", "container"}
    if unknown:
        raise CatalogError(
            f"{origin}: unknown top-level key(s) {sorted(unknown)}; entries go under [[drug]]"
        )
    containers = parse_confirmed_containers(data.get("container", []), origin)
    entries = data.get("drug", [])
    if not isinstance(entries, list) or not (entries or containers):
        raise CatalogError(f"{origin}: no [[drug]] entries found")
    # Lazy: pydantic, for a cache miss only (a warm start loads the compiled catalog).
    from pydantic import ValidationError

    from infusion_calc.core.catalog.catalog_schema import validate_entries

    try:
        drugs = validate_entries(entries, None if source == "curated" else {"source": source})
    except ValidationError as error:
        first = error.errors()[0]
        index, *inside = first["loc"]
        raw = entries[int(index)]
        where = ".".join(str(part) for part in inside) or _whole_entry_field(first["msg"])
        raise CatalogError(
            f"{origin}: {_entry_name(raw, int(index))}: field '{where}': {_in_file_words(first)}"
        ) from None
    # Counted once: list.count per code was quadratic (6 s for a 10,000-entry site file).
    duplicates = sorted(
        code for code, times in Counter(drug.hcpcs for drug in drugs).items() if times > 1
    )
    if duplicates:
        raise CatalogError(f"{origin}: HCPCS code(s) listed twice: {', '.join(duplicates)}")
    return Catalog(tuple(drugs), origin, containers=containers)


def validate_drug(raw: Any) -> Drug:
    """One [[drug]] entry (or a drug typed for a code no catalog lists), validated by the schema;
    raises pydantic's ValidationError when it is bad."""
    # Lazy: pydantic, only when a drug is validated, never on a warm start.
    from infusion_calc.core.catalog.catalog_schema import validate_entry

    return validate_entry(raw)
