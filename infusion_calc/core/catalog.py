"""The drug catalog: packaged TOML data, validated at load into frozen pydantic models.

A site may add entries, or replace one by HCPCS code, with a catalog file of its own
(`--catalog PATH`, or `catalog.toml` in the user config folder). Both go through the
same validation; an error names the file, the entry and the field.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationError, model_validator

from infusion_calc.core.errors import CatalogError, InputError
from infusion_calc.core.units import Kind, Measure, format_amount, parse_concentration, parse_measure

NDC_UNIT_QUALIFIERS = ("F2", "GR", "ME", "ML", "UN")

# Codes the HCPCS file gives to one drug, that a look-alike page (coding.health) or a
# brief wrongly gave to another. domain-facts §0-§1: J2326 is nusinersen 0.1 mg.
NATALIZUMAB_CODES = ("J2323", "Q5134")
NATALIZUMAB_J2326_MESSAGE = (
    "J2326 is 'Injection, nusinersen, 0.1 mg' (Spinraza) in the HCPCS file, not natalizumab. "
    "Bill natalizumab as J2323 (Tysabri) or Q5134 (Tyruko); billing it as J2326 would claim "
    "0.1 mg units of a different drug."
)


def _quantity(kind: Kind):
    def validate(value: Any) -> Measure:
        if isinstance(value, Measure):
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected text such as '{kind.example.split('such as ')[1]}'")
        try:
            return parse_measure(value, kind, "catalog")
        except InputError as error:
            raise ValueError(error.message) from None

    return Annotated[Measure, BeforeValidator(validate), PlainSerializer(str, return_type=str)]


def _concentration(value: Any) -> Measure:
    if isinstance(value, Measure):
        return value
    try:
        return parse_concentration(str(value), "catalog")
    except InputError as error:
        raise ValueError(error.message) from None


Mass = _quantity(Kind.MASS)
Volume = _quantity(Kind.VOLUME)
Concentration = Annotated[Measure, BeforeValidator(_concentration), PlainSerializer(str, return_type=str)]


def ndc_11(value: str) -> str:
    """'64406-0008-01' -> '64406000801' (the claim form: 11 digits, no hyphens)."""
    return value.replace("-", "")


class Product(BaseModel):
    """One vial presentation with its labeled amount, as sold under one NDC."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    brand: str
    ndc: Annotated[str, Field(pattern=r"^\d{5}-\d{4}-\d{2}$")] | None = None
    """11-digit NDC in 5-4-2 form with hyphens; empty where it is not verified."""
    ndc_note: str | None = None
    strength: Mass
    volume: Volume | None = None
    form: Literal["solution", "lyophilized"]
    container: Literal["single-dose", "multi-dose"]
    reconstitute_with: Volume | None = None
    reconstituted_concentration: Concentration | None = None
    ndc_unit: Literal["F2", "GR", "ME", "ML", "UN"] | None = None
    """NCPDP billing unit for the NDC quantity; default ML for solutions, UN for powders."""
    sources: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> "Product":
        if self.form == "solution" and self.volume is None:
            raise ValueError("a solution needs its labeled volume, e.g. volume = \"15 mL\"")
        if self.form == "lyophilized" and self.volume is not None:
            raise ValueError("a lyophilized powder has no labeled volume; give reconstitute_with instead")
        if self.ndc is None and not self.ndc_note:
            raise ValueError("give the NDC, or ndc_note saying why it is not known")
        return self

    @property
    def label(self) -> str:
        """'300 mg/15 mL' for a solution, '100 mg' for a powder."""
        if self.volume is not None:
            return f"{self.strength}/{self.volume}"
        return str(self.strength)

    @property
    def concentration(self) -> Decimal | None:
        """mg per mL as drawn: labeled for solutions, after reconstitution for powders."""
        if self.volume is not None:
            return self.strength.value / self.volume.value
        if self.reconstituted_concentration is not None:
            return self.reconstituted_concentration.value
        return None

    @property
    def billing_ndc_unit(self) -> str:
        if self.ndc_unit:
            return self.ndc_unit
        return "ML" if self.form == "solution" else "UN"

    @property
    def ndc11(self) -> str | None:
        return ndc_11(self.ndc) if self.ndc else None


class Drug(BaseModel):
    """One HCPCS code: what it bills, in which unit, and the vials that can be billed under it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hcpcs: Annotated[str, Field(pattern=r"^[A-Z]\d{4}$")]
    descriptor: str
    """The CMS long descriptor: the billing unit is read from it."""
    descriptor_note: str | None = None
    generic: str
    brands: list[str] = Field(default_factory=list)
    billing_unit: Mass
    labeled_dose: Mass | None = None
    route: str
    preparation: str | None = None
    sources: list[str] = Field(min_length=1)
    products: tuple[Product, ...] = Field(alias="product", min_length=1)

    @model_validator(mode="after")
    def _no_misfiled_natalizumab(self) -> "Drug":
        if self.hcpcs == "J2326" and "natalizumab" in self.generic.lower():
            raise ValueError(NATALIZUMAB_J2326_MESSAGE)
        return self

    @property
    def display_name(self) -> str:
        brand = self.brands[0] if self.brands else ""
        return f"{self.generic} ({brand})" if brand else self.generic

    def names(self) -> set[str]:
        """Every name a user may type for this code: generic, brands, product brands."""
        brands = (*self.brands, *(product.brand for product in self.products))
        return {self.generic.lower(), *(brand.lower() for brand in brands)}


@dataclass(frozen=True)
class Catalog:
    """All drugs by HCPCS code, in file order (the first entry for a generic is its default)."""

    drugs: tuple[Drug, ...]
    origin: str = "packaged catalog"

    @cached_property
    def _by_code(self) -> dict[str, Drug]:
        return {drug.hcpcs: drug for drug in self.drugs}

    def by_code(self, hcpcs: str) -> Drug | None:
        return self._by_code.get(hcpcs.strip().upper())

    def by_name(self, name: str) -> Drug | None:
        wanted = name.strip().lower()
        for drug in self.drugs:
            if wanted in drug.names():
                return drug
        return None

    def merged_with(self, site: "Catalog") -> "Catalog":
        """This catalog with the site's entries added, or replacing ours by HCPCS code."""
        for drug in site.drugs:
            ours = self.by_code(drug.hcpcs)
            if ours is not None and ours.generic.lower() != drug.generic.lower():
                raise CatalogError(
                    f"{site.origin}: entry {drug.hcpcs}: field 'generic': the packaged catalog bills "
                    f"{drug.hcpcs} as {ours.generic} ({ours.descriptor}); a site file cannot give it "
                    f"to {drug.generic}."
                )
        replaced = {drug.hcpcs for drug in site.drugs}
        kept = tuple(drug for drug in self.drugs if drug.hcpcs not in replaced)
        return Catalog(kept + site.drugs, f"{self.origin} + {site.origin}")


def _entry_name(raw: Any, index: int) -> str:
    code = raw.get("hcpcs") if isinstance(raw, dict) else None
    return f"entry {index + 1} ({code})" if code else f"entry {index + 1}"


def parse_catalog(text: str, origin: str) -> Catalog:
    """Validate catalog TOML text; raise CatalogError naming the file, entry and field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(f"{origin}: not valid TOML: {error}") from None
    unknown = set(data) - {"drug"}
    if unknown:
        raise CatalogError(f"{origin}: unknown top-level key(s) {sorted(unknown)}; entries go under [[drug]]")
    entries = data.get("drug", [])
    if not isinstance(entries, list) or not entries:
        raise CatalogError(f"{origin}: no [[drug]] entries found")
    drugs = []
    for index, raw in enumerate(entries):
        try:
            drugs.append(Drug.model_validate(raw))
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or ("hcpcs" if "J2326" in first["msg"] else "entry")
            message = re.sub(r"^(Value|Assertion) error, ", "", first["msg"])
            raise CatalogError(f"{origin}: {_entry_name(raw, index)}: field '{where}': {message}") from None
    codes = [drug.hcpcs for drug in drugs]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise CatalogError(f"{origin}: HCPCS code(s) listed twice: {', '.join(duplicates)}")
    return Catalog(tuple(drugs), origin)


@lru_cache(maxsize=1)
def packaged_catalog() -> Catalog:
    text = files("infusion_calc.data").joinpath("catalog.toml").read_text(encoding="utf-8")
    return parse_catalog(text, "packaged catalog")


def load_catalog(site_file: Path | None = None) -> Catalog:
    """The packaged catalog, merged with a site catalog file when one is given."""
    catalog = packaged_catalog()
    if site_file is None:
        return catalog
    try:
        text = Path(site_file).read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogError(f"{site_file}: cannot read the catalog file ({error.strerror})") from None
    return catalog.merged_with(parse_catalog(text, str(site_file)))


def describe_amount(measure: Measure) -> str:
    return format_amount(measure.value, measure.unit)
