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
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from infusion_calc.core.activity_kinds import ACTIVITY_KINDS
from infusion_calc.core.catalog_fields import DEFAULT_DRUG_CLASS, DoseRange, DrugClass
from infusion_calc.core.cms_codes import CmsItem, CmsLayer
from infusion_calc.core.container import ConfirmedContainer, parse_confirmed_containers
from infusion_calc.core.errors import CatalogError
from infusion_calc.core.packed_records import PackedRecords
from infusion_calc.core.units import Measure

if TYPE_CHECKING:
    from infusion_calc.core import catalog_schema
    from infusion_calc.core.drug_names import NameIndex

NDC_UNIT_QUALIFIERS = ("F2", "GR", "ME", "ML", "UN")

# Codes the HCPCS file gives to one drug, that a look-alike page (coding.health) or a
# brief wrongly gave to another: in CMS's HCPCS file J2326 is nusinersen 0.1 mg.
NATALIZUMAB_CODES = ("J2323", "Q5134")
NATALIZUMAB_J2326_MESSAGE = (
    "J2326 is 'Injection, nusinersen, 0.1 mg' (Spinraza) in the HCPCS file, not natalizumab. "
    "Bill natalizumab as J2323 (Tysabri) or Q5134 (Tyruko); billing it as J2326 would claim "
    "0.1 mg units of a different drug."
)


def ndc_11(value: str) -> str:
    """'64406-0008-01' -> '64406000801' (the claim form: 11 digits, no hyphens)."""
    return value.replace("-", "")


def product_problem(form: str, volume: Measure | None, ndc: str | None, ndc_note: str | None) -> str | None:
    """What makes a product entry inconsistent, or None."""
    if form == "solution" and volume is None:
        return "a solution needs its labeled volume, e.g. volume = \"15 mL\""
    if form == "lyophilized" and volume is not None:
        return "a lyophilized powder has no labeled volume; give reconstitute_with instead"
    if ndc is None and not ndc_note:
        return "give the NDC, or ndc_note saying why it is not known"
    return None


# "..., 0.1 mg" at the end of a long descriptor: the billing unit the code is defined in.
_DESCRIPTOR_UNIT = re.compile(r",\s*([0-9]+(?:\.[0-9]+)?)\s*(mg|mcg|g)\s*$", re.IGNORECASE)
_MG_PER = {"mg": Decimal(1), "mcg": Decimal("0.001"), "g": Decimal(1000)}


def drug_problem(hcpcs: str, generic: str, descriptor: str = "", billing_unit: Measure | None = None) -> str | None:
    """What makes a drug entry unacceptable as a whole, or None."""
    described = _DESCRIPTOR_UNIT.search(descriptor)
    if described and billing_unit is not None:
        unit_mg = Decimal(described[1]) * _MG_PER[described[2].lower()]
        if unit_mg != billing_unit.value:
            return (
                f"{billing_unit} disagrees with the descriptor '{descriptor}', "
                f"which defines the billing unit as {described[1]} {described[2]}"
            )
    if hcpcs == "J2326" and "natalizumab" in generic.lower():
        return NATALIZUMAB_J2326_MESSAGE
    return None


@dataclass(frozen=True, kw_only=True)
class Product:
    """One vial presentation with its labeled amount, as sold under one NDC."""

    brand: str
    ndc: str | None = None
    """11-digit NDC in 5-4-2 form with hyphens; empty where it is not verified."""
    ndc_note: str | None = None
    strength: Measure
    volume: Measure | None = None
    form: Literal["solution", "lyophilized"]
    container: Literal["single-dose", "multi-dose", "unconfirmed"]
    """As the label says; "unconfirmed" only for a vial typed for a code no catalog verifies (core/container.py)."""
    reconstitute_with: Measure | None = None
    reconstituted_concentration: Measure | None = None
    ndc_unit: Literal["GR", "ME", "ML", "UN"] | None = None
    """NCPDP billing unit for the NDC quantity; default ML for solutions, UN for powders."""
    sources: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The same rule the schema enforces, for products built in code (a vial typed by hand).
        problem = product_problem(self.form, self.volume, self.ndc, self.ndc_note)
        if problem:
            raise ValueError(problem)

    # cached_property: a product never changes, and these are read several times per calculation.
    @cached_property
    def label(self) -> str:
        """'300 mg/15 mL' for a solution, '100 mg' for a powder."""
        if self.volume is not None and self.strength.unit != "mL":  # a bag billed by volume: "250 mL"
            return f"{self.strength}/{self.volume}"
        return str(self.strength)

    @cached_property
    def concentration(self) -> Decimal | None:
        """mg per mL as drawn: labeled for solutions, after reconstitution for powders."""
        if self.volume is not None:
            return self.strength.value / self.volume.value
        if self.reconstituted_concentration is not None:
            return self.reconstituted_concentration.value
        return None

    @cached_property
    def billing_ndc_unit(self) -> str:
        if self.ndc_unit:
            return self.ndc_unit
        if ACTIVITY_KINDS.get(self.strength.unit, ("", ""))[1] == "IU":  # a product labeled in IU: the NDC quantity is its IU (F2)
            return "F2"
        return "ML" if self.form == "solution" else "UN"

    @cached_property
    def ndc11(self) -> str | None:
        return ndc_11(self.ndc) if self.ndc else None


@dataclass(frozen=True, kw_only=True)
class Drug:
    """One HCPCS code: what it bills, in which unit, and the vials that can be billed under it."""

    hcpcs: str
    descriptor: str
    """The CMS long descriptor: the billing unit is read from it."""
    descriptor_note: str | None = None
    generic: str
    brands: list[str] = field(default_factory=list)
    billing_unit: Measure
    labeled_dose: Measure | None = None
    route: str
    preparation: str | None = None
    sources: list[str]
    products: tuple[Product, ...]
    """Given as `product` (one [[drug.product]] table each) in the catalog file."""
    max_vials: int | None = None
    """Most vials one dose may use (1 for an intrathecal bolus drawn from one vial)."""
    drug_class: DrugClass = DEFAULT_DRUG_CLASS  # decides the administration code suggested
    dose_range: DoseRange | None = None  # the label's, where verified; None: no range check
    source: Literal["curated", "cms", "site"] = "curated"
    """Where the entry's facts come from: the packaged catalog, CMS's files only, or a site file."""
    cms_items: tuple[CmsItem, ...] = ()
    """For a code known only from CMS: the NDCs listed under it (no container type, no route)."""

    @classmethod
    def model_validate(cls, raw: Any) -> "Drug":
        """One [[drug]] entry, validated; raises pydantic's ValidationError when it is bad."""
        return _schema().model_validate(raw).record()

    @property
    def display_name(self) -> str:
        brand = self.brands[0] if self.brands else ""
        return f"{self.generic} ({brand})" if brand else self.generic

    @property
    def amount_unit(self) -> str:
        """What doses and vials of this code are measured in: "mg", "mL" or its activity kind (units.txt)."""
        return self.billing_unit.unit

    @property
    def with_code(self) -> str:
        """'onabotulinumtoxinA (Botox) (J0585)': the drug as a message names it."""
        return f"{self.display_name} ({self.hcpcs})"

    def names(self) -> set[str]:
        """Every name a user may type for this code: generic, brands, product brands."""
        brands = (*self.brands, *(product.brand for product in self.products))
        return {self.generic.lower(), *(brand.lower() for brand in brands)}


_LOOKUPS_KEPT = 4096
"""Names whose answers a catalog keeps (a few hundred KB at most, however many names a file types)."""


@dataclass(frozen=True)
class Catalog:
    """All drugs by HCPCS code, in file order (the first entry for a generic is its default)."""

    drugs: Sequence[Drug]
    """The curated and site entries (a tuple, or PackedRecords from the cache: each built when asked for);
    codes known only from CMS come from `cms` when asked for."""
    origin: str = "packaged catalog"
    cms: CmsLayer | None = None
    containers: tuple[ConfirmedContainer, ...] = ()
    """A site's answers to "single-dose or multi-dose?" for products no catalog verified ([[container]])."""

    @cached_property
    def _own_codes(self) -> tuple[str, ...]:
        drugs = self.drugs
        return drugs.codes if isinstance(drugs, PackedRecords) else tuple(drug.hcpcs for drug in drugs)

    @cached_property
    def _positions(self) -> dict[str, int]:
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
        """The catalog for a date of service: CMS's codes from the quarter in effect that day (core/code_dates.py).

        Without a date, or without quarters, the newest quarter's codes: this catalog itself."""
        history = self.cms.history if self.cms is not None else None
        if history is None or self.cms is None:
            return self
        label = history.reference(day).label
        if label == self.cms.quarter:
            return self
        found = self._dated.get(label)
        if found is None:
            found = self._dated[label] = replace(self, cms=history.layer(label))  # every other field kept
        return found

    def out_of_effect(self, code: str, day: date | None) -> str | None:
        """Why a code CMS lists is not billable on the date of service (naming the code that is), or None."""
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
        from infusion_calc.core.drug_names import build_index

        return build_index(self)

    def lookup(self, name: str) -> tuple[Drug, ...]:
        """Every entry a generic name, brand or code names (several: the user must choose)."""
        found = self._lookups.get(name)
        if found is None:
            from infusion_calc.core.drug_names import lookup

            found = lookup(self, name)
            if len(self._lookups) < _LOOKUPS_KEPT:
                self._lookups[name] = found
        return found

    @cached_property
    def _lookups(self) -> dict[str, tuple[Drug, ...]]:
        # A catalog never changes, so a name's answer is kept: a batch file names the same few drugs on every row.
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
        from infusion_calc.core.amounts import fits_listed
        ndc_owner = {product.ndc: drug for drug in self.drugs for product in drug.products if product.ndc}
        for drug in site.drugs:
            ours = self._own(drug.hcpcs)
            where = f"{site.origin}: entry {drug.hcpcs}"
            listed = self.cms.drug(drug.hcpcs) if self.cms is not None and ours is None else None
            if listed is not None and (
                listed.billing_unit.value != drug.billing_unit.value or not fits_listed(listed.amount_unit, drug.amount_unit)
            ):
                raise CatalogError(
                    f"{where}: field 'billing_unit': CMS's crosswalk bills {drug.hcpcs} in units of "
                    f"{listed.billing_unit}, not {drug.billing_unit}."
                )
            if ours is not None and ours.generic.lower() != drug.generic.lower():
                raise CatalogError(
                    f"{where}: field 'generic': the packaged catalog bills {drug.hcpcs} as {ours.generic} "
                    f"({ours.descriptor}); a site file cannot give it to {drug.generic}."
                )
            if ours is not None and (ours.billing_unit.value, ours.amount_unit) != (drug.billing_unit.value, drug.amount_unit):
                raise CatalogError(
                    f"{where}: field 'billing_unit': {drug.hcpcs} bills in units of {ours.billing_unit} "
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
        added = tuple(replace(drug, source="site") for drug in site.drugs)
        return Catalog(kept + added, f"{self.origin} + {site.origin}", self.cms, self.containers + site.containers)


def _whole_entry_field(message: str) -> str:
    """The field to name for a rule about the entry as a whole."""
    if "J2326" in message:
        return "hcpcs"
    return "billing_unit" if "disagrees with the descriptor" in message else "entry"


def _entry_name(raw: Any, index: int) -> str:
    code = raw.get("hcpcs") if isinstance(raw, dict) else None
    return f"entry {index + 1} ({code})" if code else f"entry {index + 1}"


def parse_catalog(text: str, origin: str) -> Catalog:
    """Validate catalog TOML text; raise CatalogError naming the file, entry and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{origin}: not valid TOML: {error}") from None
    except RecursionError:  # arrays nested a thousand deep: no catalog needs more than three
        raise CatalogError(f"{origin}: not valid TOML for a catalog: values nested too deeply") from None
    unknown = set(data) - {"drug", "container"}
    if unknown:
        raise CatalogError(f"{origin}: unknown top-level key(s) {sorted(unknown)}; entries go under [[drug]]")
    containers = parse_confirmed_containers(data.get("container", []), origin)
    entries = data.get("drug", [])
    if not isinstance(entries, list) or not (entries or containers):
        raise CatalogError(f"{origin}: no [[drug]] entries found")
    from pydantic import ValidationError

    drugs = []
    for index, raw in enumerate(entries):
        try:
            drugs.append(_schema().model_validate(raw).record())
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or _whole_entry_field(first["msg"])
            message = re.sub(r"^(Value|Assertion) error, ", "", first["msg"])
            if first["type"] == "model_type":  # pydantic names the model class; the file names a table
                message = f"Input should be a table of fields ({'[[drug.product]]' if 'product' in first['loc'] else '[[drug]]'})"
            raise CatalogError(f"{origin}: {_entry_name(raw, index)}: field '{where}': {message}") from None
    # Counted once: list.count per code was quadratic (6 s for a 10,000-entry site file).
    duplicates = sorted(code for code, times in Counter(drug.hcpcs for drug in drugs).items() if times > 1)
    if duplicates:
        raise CatalogError(f"{origin}: HCPCS code(s) listed twice: {', '.join(duplicates)}")
    return Catalog(tuple(drugs), origin, containers=containers)


def _schema() -> type[catalog_schema.DrugEntry]:
    """The pydantic model of one [[drug]] entry, imported only when a catalog is validated."""
    from infusion_calc.core import catalog_schema

    return catalog_schema.DrugEntry
