"""The site config file: payer claim rules, the chargemaster, and log privacy, as data.

Payers differ in small ways that are settings, not code: the spacing
of the NDC in CMS-1500 item 24A, and which NDC unit qualifiers they accept (some
refuse ME). Charges come from the site's chargemaster by HCPCS code, per billing
unit; a code without a charge is a warning at export time, never an invented number.

The file lives next to the site catalog (`config.toml` in the config folder). A
missing file means the defaults; a bad one is a `SiteConfigError` naming the file,
the table and the field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictStr,
    ValidationError,
    model_validator,
)

from infusion_calc.core.catalog.catalog import NDC_UNIT_QUALIFIERS
from infusion_calc.core.errors import InputError, SiteConfigError
from infusion_calc.core.record.check_types import SitePolicy

NdcUnit = Literal["F2", "GR", "ME", "ML", "UN"]
NdcSpacing = Literal["one-space", "none", "columns"]
"""CMS-1500 24A: NUCC's one space between NDC and qualifier, none, or the fixed-position
layout some payers use (qualifier and quantity from position 17)."""

# [0-9], not \d: \d also matches other scripts' digits ("J٢٣٢٣"), which no claim carries.
_HCPCS = re.compile(r"[A-Z][0-9]{4}")
# Plain dollars and cents: no exponent ("1e30"), no digit-group separators, no other scripts' digits
# (Decimal() would take all three).
_DOLLARS = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_EXPONENT = re.compile(r"[+-]?[0-9]*\.?[0-9]+[eE][+-]?[0-9]+")
CHARGE_LIMIT = Decimal("1000000")
"""A charge per billing unit is below this: a bigger one is a typo, and would print a
charge wider than any claim form's field."""


def _charge(value: Any) -> Decimal:
    # tomllib reads floats as Decimal here (parse_float), so 35.10 and "35.10" are both exact.
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise ValueError('write the charge as a number of dollars, e.g. 35.10 or "35.10"')
    if isinstance(value, int) and value.bit_length() > 64:  # str() of a huge int is itself an error
        raise ValueError(f"the charge must be under ${CHARGE_LIMIT:,} per unit")
    text = str(
        value
    ).strip()  # a TOML float written 1e30 reads as Decimal('1E+30'): caught here too
    text = text[1:].lstrip() if text.startswith("$") else text
    if _EXPONENT.fullmatch(text):
        raise ValueError(
            f"'{value}': write the charge as plain dollars "
            "and cents, without an exponent, e.g. 35.10"
        )
    if not _DOLLARS.fullmatch(text):
        raise ValueError(f"'{value}' is not an amount of dollars, e.g. 35.10")
    amount = Decimal(text)
    if amount < 0:
        raise ValueError(f"'{value}' is not an amount of dollars, e.g. 35.10")
    if amount >= CHARGE_LIMIT:
        raise ValueError(
            f"'{value}' is too much: the charge must be under ${CHARGE_LIMIT:,} per unit"
        )
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        # Whole cents keep every line charge exact: units × rate needs no rounding.
        raise ValueError(f"'{value}' has fractions of a cent; give dollars and cents, e.g. 35.10")
    return amount.copy_abs()  # "-0" is 0: never a charge printed as -0.00


def _unique_units(units: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(units)) != len(units):
        raise ValueError("list each NDC unit qualifier once")
    return units


Charge = Annotated[Decimal, BeforeValidator(_charge)]


class ClaimRules(BaseModel):
    """How one payer wants the NDC written on a claim."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ndc_spacing: NdcSpacing = "one-space"
    """Between the 11-digit NDC and the unit qualifier on CMS-1500 24A and UB-04 FL43."""
    ndc_units: Annotated[
        tuple[NdcUnit, ...], Field(min_length=1), AfterValidator(_unique_units)
    ] = NDC_UNIT_QUALIFIERS  # type: ignore[assignment]
    """NDC unit qualifiers the payer accepts; a line in another unit is converted or refused."""
    modifier_340b: StrictBool = False
    """[payer.NAME]: this payer's claims carry the 340B modifier too
    (JG/TB are Medicare's; Medicare's always do)."""


class LogSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    store_patient_id: StrictBool = False
    """Private by default: the log keeps no patient identifier unless the site turns this on."""
    url: StrictStr | None = None
    """A center log: "postgresql://host/dbname" (no password in it: the log package checks); none:
    this workstation's SQLite file."""
    workstation: StrictStr | None = None
    """The name saved with each entry; none: the host name."""


def _percent(value: Any) -> Decimal:
    # The rule a typed --round-within meets, so a value calc would refuse is refused here,
    # naming config.toml, and not later as an option nobody typed.
    from infusion_calc.core.calculation.engine import (
        parse_rounding_threshold,
    )  # the engine: not for a config without the option

    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise ValueError("write the percent as a number from 0 to 50, e.g. 10")
    if isinstance(value, int) and value.bit_length() > 64:  # str() of a huge int is itself an error
        raise ValueError("write the percent as a number from 0 to 50, e.g. 10")
    try:
        percent = parse_rounding_threshold(str(value))
    except InputError:
        raise ValueError(
            f"'{value}' is not a percent from 0 to 50 with at most two decimals, e.g. 10"
        ) from None
    if percent is None:
        raise ValueError(
            "write the percent as a number from 0 to 50, e.g. 10, or leave round_within out"
        )
    return percent


class DosingSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    round_within: Annotated[Decimal, BeforeValidator(_percent)] | None = None
    """The site's whole-vial rounding policy (HOPA accepts 10%): the nearest whole-vial dose
    within this percent is offered with every result; never applied to the order."""


class DocumentationSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    require_waste_witness: StrictBool = False
    """Site policy: a witness for discarded drug. No Medicare
    source requires one for non-controlled drugs."""


class AdministrationSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    complex_biologic_codes: Literal["complex", "infusion"] = "complex"
    """Complex biologics: complex drug administration (96413/96415), or the site's fallback of
    IV infusion codes (96365/96366) when its records do not support complex administration."""
    setting: Literal["office", "hospital"] = "office"
    """Where the app's visits are billed: the physician office (the reason
    for the visit is the initial service) or the hospital outpatient
    department (the hierarchy decides; a repeat push is billed)."""


def _hcpcs_code(value: Any) -> str:
    code = value.strip().upper() if isinstance(value, str) else ""
    if not _HCPCS.fullmatch(code):
        raise ValueError(f'{value!r} is not a HCPCS code: one letter and four digits, e.g. "J2323"')
    return code


class BillingSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    acquired_340b: StrictBool = False
    """Every drug the site gives is bought under the 340B program:
    its Medicare drug lines carry the 340B modifier."""
    drugs_340b: tuple[Annotated[str, BeforeValidator(_hcpcs_code)], ...] = ()
    """Only these drugs (HCPCS codes) are bought under 340B."""

    @model_validator(mode="after")
    def _one_way_to_say_it(self) -> "BillingSettings":
        if self.acquired_340b and self.drugs_340b:
            raise ValueError(
                "give acquired_340b = true (every drug) or "
                "drugs_340b = [...] (only these), not both"
            )
        return self


# Textual key names, comma-separated: "f2", "ctrl+y", "ctrl+shift+c, f9".
_KEYS = re.compile(
    r"[A-Za-z0-9_]+(?:\+[A-Za-z0-9_]+)*(?:\s*,\s*[A-Za-z0-9_]+(?:\+[A-Za-z0-9_]+)*)*"
)


def _keys(value: Any) -> str:
    if not isinstance(value, str) or not _KEYS.fullmatch(value.strip()):
        raise ValueError(
            f'{value!r} is not a key: use Textual\'s key names, e.g. "f2", "ctrl+y" or "ctrl+y, f9"'
        )
    return ",".join(part.strip() for part in value.split(","))


KeySpec = Annotated[str, BeforeValidator(_keys)]


class SiteConfig(BaseModel):
    """The whole config file, validated."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    claims: ClaimRules = ClaimRules()
    payer: dict[str, ClaimRules] = Field(default_factory=dict)
    """Named payers whose rules differ from [claims]; choose one with --payer-rules NAME."""
    chargemaster: dict[str, Charge] = Field(default_factory=dict)
    """Charge per HCPCS billing unit, in dollars, by code."""
    log: LogSettings = LogSettings()
    dosing: DosingSettings = DosingSettings()
    documentation: DocumentationSettings = DocumentationSettings()
    administration: AdministrationSettings = AdministrationSettings()
    billing: BillingSettings = BillingSettings()
    keys: dict[str, KeySpec] = Field(default_factory=dict)
    """The app's key bindings by binding id ("copy-claim-lines" = "ctrl+y"):
    the keys replace the default."""
    _origin: str = PrivateAttr(default="the default site config")

    def check_policy(self) -> SitePolicy:
        """The settings the checks and the claim lines follow."""
        return SitePolicy(
            require_waste_witness=self.documentation.require_waste_witness,
            complex_biologic_codes=self.administration.complex_biologic_codes,
            acquired_340b=self.billing.acquired_340b or bool(self.billing.drugs_340b),
            drugs_340b=self.billing.drugs_340b,
            payers_340b=tuple(
                sorted(name for name, rules in self.payer.items() if rules.modifier_340b)
            ),
        )

    def export_settings(self, payer: str | None = None) -> "ExportSettings":
        """The rules for one payer (or the defaults) with the site's charges."""
        if payer is None:
            return ExportSettings(self.claims, self.chargemaster, None)
        rules = self.payer.get(payer)
        if rules is None:
            known = ", ".join(sorted(self.payer)) or "none are defined"
            raise SiteConfigError(
                f"{self._origin}: no [payer.{payer}] table; payers with their own rules: {known}."
            )
        return ExportSettings(rules, self.chargemaster, payer)


@dataclass(frozen=True)
class ExportSettings:
    """What an export needs from the site: one payer's claim rules and the chargemaster."""

    rules: ClaimRules = ClaimRules()
    charges: Mapping[str, Decimal] = field(default_factory=dict)
    payer: str | None = None

    def charge_per_unit(self, hcpcs: str) -> Decimal | None:
        return self.charges.get(hcpcs)


def _where(loc: tuple[Any, ...]) -> str:
    """('payer', 'medicaid', 'ndc_units', 1) -> "[payer.medicaid] field 'ndc_units'"."""
    parts = [str(part) for part in loc if not isinstance(part, int)]
    if not parts:
        return "the file"
    if (
        parts[0] in ("claims", "log", "dosing", "documentation", "administration", "billing")
        and len(parts) > 1
    ):
        return f"[{parts[0]}] field '{'.'.join(parts[1:])}'"
    if parts[0] == "payer" and len(parts) > 2:
        return f"[payer.{parts[1]}] field '{'.'.join(parts[2:])}'"
    if parts[0] == "payer" and len(parts) == 2:
        return f"[payer.{parts[1]}]"
    if parts[0] == "chargemaster" and len(parts) > 1:
        return f"[chargemaster] code {parts[1]}"
    return f"'{'.'.join(parts)}'"


def parse_site_config(text: str, origin: str) -> SiteConfig:
    """Validate config TOML; raise SiteConfigError naming the file, the table and the field."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        raise SiteConfigError(f"{origin}: not valid TOML: {error}") from None
    except RecursionError:  # arrays nested a thousand deep: no config needs more than two
        raise SiteConfigError(
            f"{origin}: not valid TOML for a site config: values nested too deeply"
        ) from None
    claims = data.get("claims", {})
    payers = data.get("payer", {})
    if isinstance(claims, dict) and isinstance(payers, dict):
        # A payer table lists only what differs from [claims]; the rest is inherited.
        data["payer"] = {
            name: {**claims, **rules} if isinstance(rules, dict) else rules
            for name, rules in payers.items()
        }
    charges = data.get("chargemaster", {})
    bad_codes = (
        [code for code in charges if not _HCPCS.fullmatch(code)]
        if isinstance(charges, dict)
        else []
    )
    if bad_codes:
        raise SiteConfigError(
            f"{origin}: [chargemaster] code '{bad_codes[0]}': "
            "not a HCPCS code (one capital letter and four digits, e.g. J2323)"
        )
    try:
        config = SiteConfig.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        message = re.sub(r"^(Value|Assertion) error, ", "", first["msg"])
        if first["type"] == "extra_forbidden":
            message = (
                "unknown setting"
                if len(first["loc"]) > 1
                else (
                    "unknown table (known: [claims], [payer.NAME], [chargemaster], [log], "
                    "[dosing], [documentation], [administration], [billing])"
                )
            )
        elif first["type"] == "too_short":
            message = "give at least one NDC unit qualifier: F2, GR, ME, ML or UN"
        elif first["type"] in ("dict_type", "model_type"):
            message = "should be a table of settings"
        elif first["type"] == "bool_type":
            message = "write true or false"
        raise SiteConfigError(f"{origin}: {_where(first['loc'])}: {message}") from None
    config._origin = origin
    return config
