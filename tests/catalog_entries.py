"""Site catalog entries for tests, written as the TOML a site pharmacy would write.

A test passes only the values it is about; every other field gets a valid default, so an
entry reads as "a valid drug, with this one thing different". The defaults: J9998
examplemab billed per 10 mg, given IV, with one 100 mg/10 mL single-dose solution vial
under a made-up NDC.

    site = write_site_catalog(tmp_path,
    drug_entry(products=[product_entry(container="multi-dose")]))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from infusion_calc.core.catalog.catalog import Catalog, Drug, parse_catalog
from infusion_calc.loading import packaged_catalog

EXAMPLE_NDC = "12345-6789-01"  # a well-formed NDC that no real product has
# J9999's descriptor: a not-otherwise-classified code names no billing unit.
NOC_DESCRIPTOR = "Not otherwise classified, antineoplastic drugs"


class _Default:
    """Marks a keyword left out, where None means "leave the field out of the entry"."""


_DEFAULT: Any = _Default()


def toml_value(value: object) -> str:
    """A Python value as TOML: text, a whole number, a boolean, a list or an inline table."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items()) + " }"
    if isinstance(value, Iterable):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def _toml_string(text: str) -> str:
    """A TOML basic string; a character that is not printable is written as a \\u escape."""
    out = []
    for char in text:
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable():
            out.append(char)
        elif ord(char) > 0xFFFF:
            out.append(f"\\U{ord(char):08X}")
        else:
            out.append(f"\\u{ord(char):04X}")
    return '"' + "".join(out) + '"'


def _table(header: str, fields: Mapping[str, object]) -> str:
    lines = [header] + [
        f"{key} = {toml_value(value)}" for key, value in fields.items() if value is not None
    ]
    return "\n".join(lines) + "\n"


def product_entry(
    brand: str = "Examplemab",
    *,
    ndc: str | None = _DEFAULT,
    ndc_note: str | None = None,
    strength: str = "100 mg",
    volume: str | None = "10 mL",
    form: str = "solution",
    container: str = "single-dose",
    **fields: object,
) -> str:
    """One [[drug.product]] table. The NDC is EXAMPLE_NDC
    unless an ndc_note says why it is not known.

    Further fields (ndc_unit, sources, ...) are written as given; a field given as None is left out.
    """
    if ndc is _DEFAULT:
        ndc = None if ndc_note else EXAMPLE_NDC
    values = {
        "brand": brand,
        "ndc": ndc,
        "ndc_note": ndc_note,
        "strength": strength,
        "volume": volume,
        "form": form,
        "container": container,
    }
    return _table("[[drug.product]]", values | fields)


def powder_entry(
    brand: str = "Examplemab",
    *,
    strength: str,
    reconstitute_with: str,
    reconstituted_concentration: str,
    **fields: Any,
) -> str:
    """One lyophilized [[drug.product]]: no labeled volume, reconstituted before use."""
    return product_entry(
        brand,
        strength=strength,
        volume=None,
        form="lyophilized",
        reconstitute_with=reconstitute_with,
        reconstituted_concentration=reconstituted_concentration,
        **fields,
    )


def drug_entry(
    hcpcs: str = "J9998",
    *,
    generic: str = "examplemab",
    billing_unit: str = "10 mg",
    descriptor: str | None = None,
    brands: list[str] | None = None,
    route: str = "IV",
    sources: Iterable[str] = ("site pharmacy",),
    products: Iterable[str] | None = None,
    **fields: object,
) -> str:
    """One [[drug]] table with its products (one default vial when none are given).

    The descriptor defaults to "Injection, <generic>, <billing unit>", which agrees with the
    billing unit as the loader requires. Further fields (drug_class, dose_range, max_vials, ...)
    are written as given.
    """
    values = {
        "hcpcs": hcpcs,
        "descriptor": descriptor or f"Injection, {generic}, {billing_unit}",
        "generic": generic,
        "brands": brands,
        "billing_unit": billing_unit,
        "route": route,
        "sources": list(sources),
    }
    tables = [
        _table("[[drug]]", values | fields),
        *(products if products is not None else [product_entry()]),
    ]
    return "".join(tables)


def coded(catalog: Catalog, hcpcs: str) -> Drug:
    """The catalog's entry for a code the test knows it holds."""
    drug = catalog.by_code(hcpcs)
    assert drug is not None, f"{hcpcs} is not in the catalog"
    return drug


def catalog_text(*entries: str) -> str:
    """The text of a site catalog file holding the entries given."""
    return "\n".join(entries)


def write_site_catalog(
    folder: Path, *entries: str, name: str = "site.toml", encoding: str = "utf-8"
) -> Path:
    """A site catalog file in `folder` (made if missing), as a pharmacy saves one; its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(catalog_text(*entries), encoding=encoding)
    return path


def site_catalog(*entries: str, origin: str = "site.toml") -> Catalog:
    """The entries parsed and validated as a site catalog, alone."""
    return parse_catalog(catalog_text(*entries), origin)


def packaged_with(*entries: str, origin: str = "site.toml") -> Catalog:
    """The packaged catalog with the site entries merged in, as the core merges a site catalog
    (no file, no cache)."""
    return packaged_catalog().merged_with(site_catalog(*entries, origin=origin))
