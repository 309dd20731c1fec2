"""Every stored quarter validated by the models, compiled into the plain data a start-up needs.

Runs only when the catalog cache misses (see infusion_calc/catalog_cache.py), so pydantic
is imported here and nowhere on the warm path; and only for quarters not already proven: the
packaged file the build validated (cms/sealed.py) and an imported file whose bytes are those its
import validated and recorded (store.vouched) are not validated again. The latest quarter's codes
are kept as one JSON text each: a start-up unpacks only the codes it is asked about. Each earlier
quarter is one packed text (core/catalog/code_dates.py), unpacked only for a date of service in it.
"""

from __future__ import annotations

import binascii
import hashlib
import json
import lzma
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from infusion_calc.cms import sealed
from infusion_calc.cms.store import LoadedQuarter, quarter_from_json, quarter_texts, vouched
from infusion_calc.core.catalog.cms_codes import CmsLayer, LazyCodes
from infusion_calc.core.catalog.code_dates import CodeHistory, QuarterSpan, pack
from infusion_calc.core.errors import CatalogError


@dataclass(frozen=True)
class CompiledCms:
    quarters: tuple[LoadedQuarter, ...]
    """Oldest first; an imported quarter replaces the packaged one of the same label."""
    latest: str | None
    blobs: dict[str, str]
    names: dict[str, tuple[str, ...]]
    text: dict[str, str]
    history: CodeHistory | None = None

    def layer(self) -> CmsLayer | None:
        if self.latest is None:
            return None
        layer = CmsLayer(
            self.latest, LazyCodes(self.blobs), self.names, self.text, history=self.history
        )
        if self.history is not None:
            self.history.attach(layer)
        return layer


def _check(texts: list[bytes], where: str) -> None:
    """The models' one validation path: pydantic is imported only when a quarter needs it."""
    from pydantic import (
        ValidationError,
    )  # lazy: a miss on the sealed packaged quarters never needs pydantic

    from infusion_calc.cms.models import Quarter  # lazy: the pydantic models, as above

    for line, text in enumerate(texts, start=1):
        try:
            Quarter.model_validate_json(text)
        except ValidationError as error:
            first = error.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "the quarter"
            raise CatalogError(
                f"{where}: line {line}: not a valid quarter ({field}: {first['msg']}); "
                "import the CMS files again"
            ) from None


def _proven(origin: str, data: bytes, where: str) -> bool:
    """Bytes the models already validated: the packaged file the build sealed,
    or an import's recorded bytes."""
    if origin == "packaged":
        return hashlib.sha256(data).hexdigest() == sealed.PACKAGED_SHA256
    return vouched(Path(where), data)


def _validated(origin: str, data: bytes, where: str) -> list[dict[str, Any]]:
    """The quarters in one stored file, validated by the
    models unless these very bytes were (_proven)."""
    try:
        texts = quarter_texts(data)
        if not _proven(origin, data, where):
            _check(texts, where)
        # Each stored text is the models' own JSON (import,
        # packaging): once valid, it is the data as it is.
        return [json.loads(text) for text in texts]
    except (OSError, EOFError, zlib.error, lzma.LZMAError, binascii.Error, ValueError):
        raise CatalogError(
            f"{where}: not a readable quarter file; import the CMS files again"
        ) from None


def compile_quarters(
    sources: list[tuple[str, str, bytes]], packed: Mapping[str, str] | None = None
) -> CompiledCms:
    """`sources` as store.quarter_files() gives them: (origin, where, bytes). `packed`: quarters
    of these very packaged bytes packed already (the shipped cache's history), by label: a packaged
    quarter among them is not packed again (after an import, ~0.1 s of the start)."""
    by_label: dict[str, tuple[str, dict[str, Any]]] = {}
    for origin, where, data in sources:
        for raw in _validated(origin, data, where):
            by_label[raw["quarter"]] = (
                origin,
                raw,
            )  # imported files come after packaged ones: they win
    ordered = sorted(by_label.values(), key=lambda pair: pair[1]["effective_from"])
    quarters = tuple(quarter_from_json(raw, origin) for origin, raw in ordered)
    if not ordered:
        return CompiledCms((), None, {}, {}, {})
    latest = ordered[-1][1]
    codes = {code["hcpcs"]: code for code in latest["codes"]}
    layer = CmsLayer(latest["quarter"], codes)
    return CompiledCms(
        history=_history(ordered, packed or {}),
        quarters=quarters,
        latest=latest["quarter"],
        blobs={
            code: json.dumps(raw, ensure_ascii=False, separators=(",", ":"))
            for code, raw in codes.items()
        },
        names={code: tuple(sorted(layer.names(code))) for code in codes},
        text={code: layer.descriptor_text(code) for code in codes},
    )


def _history(
    sources: list[tuple[str, dict[str, Any]]], packed_before: Mapping[str, str]
) -> CodeHistory:
    """Every quarter's dates and codes; all but the newest packed."""
    ordered = [raw for _, raw in sources]
    listed: dict[str, list[str]] = {}
    dates: dict[str, tuple[str | None, str | None]] = {}
    packed = {}
    for origin, raw in sources:
        codes = {code["hcpcs"]: code for code in raw["codes"]}
        for code, fields in codes.items():
            listed.setdefault(code, []).append(raw["quarter"])
            if fields.get("hcpcs_added") or fields.get(
                "hcpcs_terminated"
            ):  # the newest HCPCS file read wins
                dates[code] = (fields.get("hcpcs_added"), fields.get("hcpcs_terminated"))
        if raw is not ordered[-1]:  # names are found when a date asks for the quarter
            known = packed_before.get(raw["quarter"]) if origin == "packaged" else None
            packed[raw["quarter"]] = known if known is not None else pack(codes)
    spans = tuple(
        QuarterSpan(
            raw["quarter"],
            date.fromisoformat(raw["effective_from"]),
            date.fromisoformat(raw["effective_to"]),
        )
        for raw in ordered
    )
    return CodeHistory(
        spans, {code: tuple(labels) for code, labels in listed.items()}, packed, dates
    )
