"""Every stored quarter validated by the models, compiled into the plain data a start-up needs.

Runs only when the catalog cache misses (see infusion_calc/catalog_cache.py), so pydantic
is imported here and nowhere on the warm path. The latest quarter's codes are kept as
one JSON text each: a start-up unpacks only the codes it is asked about.
"""

from __future__ import annotations

import binascii
import gzip
import json
import zlib
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from infusion_calc.cms.models import Quarter
from infusion_calc.cms.store import LoadedQuarter, quarter_from_json
from infusion_calc.core.cms_codes import CmsLayer, LazyCodes
from infusion_calc.core.errors import CatalogError


@dataclass(frozen=True)
class CompiledCms:
    quarters: tuple[LoadedQuarter, ...]
    """Oldest first; an imported quarter replaces the packaged one of the same label."""
    latest: str | None
    blobs: dict[str, str]
    names: dict[str, tuple[str, ...]]
    text: dict[str, str]

    def layer(self) -> CmsLayer | None:
        if self.latest is None:
            return None
        return CmsLayer(self.latest, LazyCodes(self.blobs), self.names, self.text)


def _validated(data: bytes, where: str) -> dict[str, Any]:
    try:
        return Quarter.model_validate_json(gzip.decompress(data)).model_dump(mode="json")
    except (OSError, EOFError, zlib.error, binascii.Error, ValueError, ValidationError) as error:
        reason = "not a valid quarter" if isinstance(error, ValidationError) else "not a readable quarter file"
        raise CatalogError(f"{where}: {reason}; import the CMS files again") from None


def compile_quarters(sources: list[tuple[str, str, bytes]]) -> CompiledCms:
    """`sources` as store.quarter_files() gives them: (origin, where, bytes)."""
    by_label: dict[str, tuple[str, dict[str, Any]]] = {}
    for origin, where, data in sources:
        raw = _validated(data, where)
        by_label[raw["quarter"]] = (origin, raw)  # imported files come after packaged ones: they win
    ordered = sorted(by_label.values(), key=lambda pair: pair[1]["effective_from"])
    quarters = tuple(quarter_from_json(raw, origin) for origin, raw in ordered)
    if not ordered:
        return CompiledCms((), None, {}, {}, {})
    latest = ordered[-1][1]
    codes = {code["hcpcs"]: code for code in latest["codes"]}
    layer = CmsLayer(latest["quarter"], codes)
    return CompiledCms(
        quarters=quarters,
        latest=latest["quarter"],
        blobs={code: json.dumps(raw, ensure_ascii=False, separators=(",", ":")) for code, raw in codes.items()},
        names={code: tuple(sorted(layer.names(code))) for code in codes},
        text={code: layer.descriptor_text(code) for code in codes},
    )
