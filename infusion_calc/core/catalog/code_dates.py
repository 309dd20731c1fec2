"""Which HCPCS code is in effect on a date of service, from the CMS quarters loaded.

A claim uses the code in effect on the date of service: CMS adds and retires codes each
quarter (eculizumab is J1300, 10 mg, through 2025Q1, then J1299, 2 mg). Each loaded
quarter answers for its own dates with its own codes, billing units and NDCs. A date no
loaded quarter covers takes the newest quarter that had started by then (a date in a
quarter not loaded, or after the newest one), else the oldest. Takes the quarters as
plain data; the newest quarter's codes are the catalog's own layer, the others are
packed (zlib of their JSON) and unpacked only when a date asks for them.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from infusion_calc.core.catalog.cms_codes import CmsLayer


@dataclass(frozen=True, slots=True)
class QuarterSpan:
    label: str
    effective_from: date
    effective_to: date


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def pack(codes: dict[str, Any]) -> str:
    """One quarter's codes as one line of text (zlib of their JSON, base64): a start-up that never
    asks for the quarter never unpacks it, and the cache
    file stays small (it is hashed on each start)."""
    return base64.b64encode(
        zlib.compress(json.dumps(codes, ensure_ascii=False, separators=(",", ":")).encode(), 1)
    ).decode("ascii")


def unpack(text: str) -> dict[str, Any]:
    unpacked: dict[str, Any] = json.loads(zlib.decompress(base64.b64decode(text)))
    return unpacked


@dataclass(frozen=True)
class CodeHistory:
    """The loaded quarters' dates, which quarters list each code,
    and the older quarters' codes packed."""

    spans: tuple[QuarterSpan, ...]
    """Oldest first; the last is the newest quarter, whose codes are the catalog's own layer."""
    listed: Mapping[str, tuple[str, ...]]
    """code -> the labels of the quarters that list it, oldest first."""
    packed: Mapping[str, str]
    """label -> pack(...) of every quarter but the newest."""
    hcpcs_dates: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)
    """code -> (first day, last day) as ISO dates, where CMS's HCPCS file gives them."""
    _layers: dict[str, CmsLayer] = field(default_factory=dict, compare=False, repr=False)
    _effect: dict[tuple[str, date | None], str | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def newest(self) -> str:
        return self.spans[-1].label

    def reference(self, day: date | None) -> QuarterSpan:
        """The quarter whose codes answer for `day`; the newest without a date."""
        if day is None:
            return self.spans[-1]
        started = [span for span in self.spans if span.effective_from <= day]
        return started[-1] if started else self.spans[0]

    def attach(self, newest: CmsLayer) -> None:
        """Called once with the newest quarter's layer (the one the catalog holds),
        which is never packed."""
        self._layers[self.newest] = newest

    def layer(self, label: str) -> CmsLayer:
        """The codes of one loaded quarter as a catalog layer."""
        found = self._layers.get(label)
        if found is None:
            found = self._layers[label] = CmsLayer(label, unpack(self.packed[label]), history=self)
        return found

    def out_of_effect(self, code: str, day: date | None) -> str | None:
        """Why `code` is not billable on `day` (naming the code in effect), or None when it is.

        The HCPCS file's first and last day decide where it gives them (ADD DT, TERM DT);
        otherwise the ASP quarters listing the code: a date before its first listed quarter,
        or after its last one while a later quarter is loaded. A quarter in between that does
        not list a code (no ASP reported) does not retire it. Without a date,
        the newest quarter's."""
        key = (code, day)
        if key not in self._effect:  # pure in (code, day): a batch asks the same pair on many rows
            if len(self._effect) >= 4096:
                self._effect.clear()  # flat memory
            self._effect[key] = self._out_of_effect(code, day)
        return self._effect[key]

    def _out_of_effect(self, code: str, day: date | None) -> str | None:
        span = self.reference(day)
        on = day if day is not None else span.effective_from
        why = self._before_start(code, on, span) or self._after_end(code, on, span)
        if why is None:
            return None
        when = (
            f"on {day.isoformat()}"
            if day is not None
            else f"in the newest quarter loaded ({span.label})"
        )
        successor = self.successor(code, span.label)
        instead = (
            f"{when} the code is {successor}"
            if successor
            else f"CMS's {span.label} files list no code of the same drug"
        )
        return f"{why}; {instead}. A claim uses the code in effect on the date of service."

    def _before_start(self, code: str, on: date, span: QuarterSpan) -> str | None:
        added, _ = self.hcpcs_dates.get(code, (None, None))
        if added is not None:
            first = date.fromisoformat(added)
            return (
                f"{code} starts in {quarter_of(first)} (on {first.isoformat()}, CMS's HCPCS file)"
                if on < first
                else None
            )
        listed = self.listed.get(code)
        if listed and self._order(span.label) < self._order(listed[0]):
            return f"{code} starts in {listed[0]} (its first quarter in CMS's ASP files)"
        return None

    def _after_end(self, code: str, on: date, span: QuarterSpan) -> str | None:
        _, terminated = self.hcpcs_dates.get(code, (None, None))
        if terminated is not None and on > date.fromisoformat(terminated):
            return f"{code} ended on {terminated} (CMS's HCPCS file)"
        listed = self.listed.get(code)
        if listed and self._order(span.label) > self._order(listed[-1]):
            return (
                f"{code} is not listed after {listed[-1]} in "
                f"CMS's ASP files (read through {span.label})"
            )
        return None

    def _order(self, label: str) -> int:
        return [span.label for span in self.spans].index(label)

    def successor(self, code: str, label: str) -> str | None:
        """The code of the same drug in quarter `label`: the same generic name first,
        else a shared brand."""
        if code not in self.listed:
            return None
        source = self.layer(self.listed[code][-1])
        generic = source.generic(code)
        brands = source.names(code) - {generic}
        target = self.layer(label)
        same_generic = [other for other in target.codes if target.generic(other) == generic]
        if same_generic:
            return ", ".join(sorted(same_generic))
        shared = sorted(other for other in target.codes if brands & target.names(other))
        return ", ".join(shared) or None
