"""The schema of one imported quarter: what the importer writes and the script packages.

Validated with pydantic when a quarter is built (import, packaging); the stored file is
the model's JSON. Each NDC is a compact row (see ITEM_FIELDS): a quarter has thousands.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# ITEM_FIELDS named from here as it always was; declared by the record a row becomes (CmsItem).
from infusion_calc.core.catalog.catalog_records import ITEM_FIELDS as ITEM_FIELDS
from infusion_calc.core.catalog.field_rules import HCPCS_PATTERN, NDC_PATTERN
from infusion_calc.core.errors import InputError
from infusion_calc.core.numbers.units import parse_amount

FORMAT = 1
# One crosswalk row (ITEM_FIELDS): PKG SIZE (amount in one item, unit not stated), PKG QTY (items
# per package) and BILLUNITS (billing units per item); billing units per package is their product.

Ndc = Annotated[str, Field(pattern=NDC_PATTERN)]
Positive = Annotated[Decimal, Field(gt=0)]


@lru_cache(maxsize=256)
def _unit_text(value: str) -> str:
    """A billing unit as the strict parser writes it: read once per spelling,
    not once per code of every quarter."""
    return str(parse_amount(value, "billing_unit"))


class Source(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class CmsCode(BaseModel):
    """One HCPCS code billed by mass, volume, activity units or per dose: its NDCs and,
    when the pricing file lists it, its payment limit."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hcpcs: Annotated[str, Field(pattern=HCPCS_PATTERN)]
    short_description: str
    descriptor: str | None = None
    """The HCPCS Level II long descriptor, when a HCPCS file was available."""
    hcpcs_added: date | None = None
    hcpcs_terminated: date | None = None
    """The code's first and last day in the HCPCS Level II file
    (ADD DT, TERM DT), when it gives them."""
    billing_unit: str
    payment_limit: Annotated[Decimal, Field(ge=0)] | None = None
    """Dollars per billing unit (already 106% of ASP)."""
    coinsurance_percent: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    items: list[tuple[Ndc, str, str, Positive, Positive, Positive]] = Field(default_factory=list)

    @field_validator("billing_unit")
    @classmethod
    def _an_amount(cls, value: str) -> str:
        """A mass, a volume, or this code's own units, IU or doses
        (cms/dosage.py reads CMS's spellings)."""
        try:
            return _unit_text(value)
        except InputError as error:
            raise ValueError(error.message) from None

    @model_validator(mode="after")
    def _priced_together(self) -> "CmsCode":
        if (self.payment_limit is None) != (self.coinsurance_percent is None):
            raise ValueError("payment limit and coinsurance come together from the pricing file")
        ndcs = [item[0] for item in self.items]
        if len(set(ndcs)) != len(ndcs):
            raise ValueError("an NDC is listed twice")
        return self


class Quarter(BaseModel):
    """One ASP quarter: effective dates, where it came from, what was refused, and its codes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: int = FORMAT
    quarter: Annotated[str, Field(pattern=r"^[0-9]{4}Q[1-4]$")]
    effective_from: date
    effective_to: date
    sources: list[Source]
    refused: dict[str, int]
    kept: dict[str, int] = Field(default_factory=dict)
    """Rows imported with a notice, counted by it."""
    refused_codes: dict[str, str] = Field(default_factory=dict)
    """HCPCS code -> why none of its rows was imported
    (a J/Q code CMS lists that the calculator cannot bill)."""
    codes: list[CmsCode]

    @model_validator(mode="after")
    def _dates(self) -> "Quarter":
        if self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        expected = f"{self.effective_from.year}Q{(self.effective_from.month - 1) // 3 + 1}"
        if self.quarter != expected:
            raise ValueError(f"quarter {self.quarter} does not start on {self.effective_from}")
        codes = [code.hcpcs for code in self.codes]
        if len(set(codes)) != len(codes):
            raise ValueError("a HCPCS code is listed twice")
        return self
