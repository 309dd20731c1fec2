"""A visit file (TOML) read strictly: the encounter once,
then one `[[administration]]` table per drug.

Pure: text in, a `VisitSpec` out, or a `VisitFileError` naming the line. Values stay text here;
the engine and the encounter parser read them with the project's strict parsers. tomllib
gives no line numbers for values, so the lines of keys and tables are found by a scan of the
text (a key is `name =` at the start of a line).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from infusion_calc.core.errors import InfusionCalcError

ENCOUNTER_KEYS = {
    "date": "date of service, YYYY-MM-DD",
    "setting": "office (physician office) or hospital (hospital outpatient department)",
    "payer": "medicare, medicare-advantage, medicaid or commercial",
    "weight": 'patient weight, e.g. "70 kg"',
    "height": 'patient height, e.g. "170 cm"',
    "bsa": 'body surface area, e.g. "1.9 m2"',
    "patient": "a patient identifier (one patient per visit file)",
    "dx": "diagnosis, ICD-10-CM",
    "nurse": "administering nurse",
    "provider": "ordering provider",
    "site": "site of care",
}
ADMINISTRATION_KEYS = {
    "drug": "generic or brand name",
    "hcpcs": "HCPCS code",
    "dose": 'ordered dose, e.g. "375 mg/m2"',
    "route": "infusion, push, injection or on-body",
    "start": "start time, HH:MM",
    "stop": "stop time, HH:MM",
    "vial": 'vial size, or a list of them, e.g. "100 mg/10 mL"',
    "dose_given": "amount given when less than the dose prepared",
    "container": "single-dose or multi-dose, as the carton says (for a code known only from CMS)",
    "stop_reason": "why less than the dose prepared was given",
    "iv_site": "the IV site (a second site needs its own initial service)",
    "reason": "true for the reason for the visit (the office's initial service)",
    "concurrent": "true when this infusion runs beside another one (96368)",
    "hydration": "true for a hydration infusion (no drug line)",
    "lot": "lot of the vial opened",
    "expires": "expiration of the vial opened",
    "waste_reason": "why the leftover was discarded",
    "patient": "the visit's patient identifier",
}
ROUTES = ("infusion", "push", "injection", "on-body")
SETTINGS = ("office", "hospital")
_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])$")
_KEY = re.compile(r'^\s*"?([A-Za-z0-9_-]+)"?\s*=')
_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]*?)\s*\]\]?")


class VisitFileError(InfusionCalcError):
    """The visit file cannot be used; `line` is where (1-based), the message what to change."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class AdministrationSpec:
    values: dict[str, Any]
    lines: dict[str, int]
    line: int  # the line of its [[administration]] header

    def text(self, key: str) -> str | None:
        value = self.values.get(key)
        return None if value is None else str(value)

    def flag(self, key: str) -> bool:
        return self.values.get(key) is True

    def minutes(self, key: str) -> int | None:
        value = self.values.get(key)
        return None if value is None else int(value[:2]) * 60 + int(value[3:])


@dataclass(frozen=True, slots=True)
class VisitSpec:
    encounter: dict[str, str]
    administrations: tuple[AdministrationSpec, ...]
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def day(self) -> date:
        return date.fromisoformat(self.encounter["date"])

    @property
    def setting(self) -> str:
        return self.encounter["setting"]


def _scan(text: str) -> tuple[dict[str, int], list[tuple[int, dict[str, int]]]]:
    """Where each key sits: the encounter's keys,
    and per [[administration]] its header line and keys."""
    top: dict[str, int] = {}
    tables: list[tuple[int, dict[str, int]]] = []
    current = top
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _TABLE.match(raw)
        if header:
            if header.group(1) != "administration" or not raw.strip().startswith("[["):
                raise VisitFileError(
                    number,
                    f"unknown table [{header.group(1)}]; a visit file has the encounter's "
                    "keys first, then one [[administration]] table per drug",
                )
            tables.append((number, {}))
            current = tables[-1][1]
            continue
        key = _KEY.match(raw)
        if key:
            current.setdefault(key.group(1), number)
    return top, tables


def _as_text(value: Any, key: str, line: int | None) -> str:
    if isinstance(value, bool) or isinstance(value, (int, float)):
        raise VisitFileError(
            line, f'{key} = {value!r}: write it as text with its unit, e.g. {key} = "..."'
        )
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        raise VisitFileError(line, f"{key}: expected text, found {type(value).__name__}")
    return value.strip()


def _check_keys(
    values: dict[str, Any], known: dict[str, str], lines: dict[str, int], where: str
) -> None:
    for key in values:
        if key not in known:
            raise VisitFileError(
                lines.get(key), f"unknown key '{key}' in {where}; known keys: {', '.join(known)}"
            )


def _encounter(data: dict[str, Any], lines: dict[str, int]) -> dict[str, str]:
    values = {key: value for key, value in data.items() if key != "administration"}
    _check_keys(values, ENCOUNTER_KEYS, lines, "the encounter")
    encounter = {key: _as_text(value, key, lines.get(key)) for key, value in values.items()}
    for key in ("date", "setting"):
        if not encounter.get(key):
            raise VisitFileError(
                None,
                f"no '{key}': add {key} = ... ({ENCOUNTER_KEYS[key]}) "
                "before the first [[administration]]",
            )
    try:
        date.fromisoformat(encounter["date"])
    except ValueError:
        raise VisitFileError(
            lines.get("date"), f"date = {encounter['date']!r}: expected YYYY-MM-DD"
        ) from None
    if encounter["setting"] not in SETTINGS:
        raise VisitFileError(
            lines.get("setting"), f"setting = {encounter['setting']!r}: expected office or hospital"
        )
    return encounter


def _administration(
    data: Any, header: int, lines: dict[str, int], patient: str | None
) -> AdministrationSpec:
    if not isinstance(data, dict):
        raise VisitFileError(header, "administration must be written as [[administration]] tables")
    _check_keys(data, ADMINISTRATION_KEYS, lines, "[[administration]]")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key in ("reason", "concurrent", "hydration"):
            if not isinstance(value, bool):
                raise VisitFileError(lines.get(key), f"{key} = {value!r}: expected true or false")
            values[key] = value
        elif key == "vial" and isinstance(value, list):
            values[key] = tuple(_as_text(size, key, lines.get(key)) for size in value)
        else:
            values[key] = _as_text(value, key, lines.get(key))
    spec = AdministrationSpec(values, lines, header)
    if values.get("patient") is not None and values["patient"] != patient:
        raise VisitFileError(
            lines["patient"],
            f"patient = {values['patient']!r} is not the visit's patient "
            f"({patient or 'none given'}): a visit file holds one patient; "
            "write one file per patient",
        )
    _check_administration(spec)
    return spec


def _check_administration(spec: AdministrationSpec) -> None:
    values, lines = spec.values, spec.lines
    route = values.get("route")
    if route not in ROUTES:
        where = lines.get("route", spec.line)
        raise VisitFileError(
            where,
            f"route = {route!r}: expected one of {', '.join(ROUTES)}"
            if route
            else f'no route: add route = "infusion" (or {", ".join(ROUTES[1:])})',
        )
    if not spec.flag("hydration"):
        if not values.get("drug") and not values.get("hcpcs"):
            raise VisitFileError(spec.line, 'name the drug: add drug = "..." or hcpcs = "..."')
        if not values.get("dose"):
            raise VisitFileError(spec.line, 'no dose: add dose = "..." (e.g. "375 mg/m2")')
    for key in ("start", "stop"):
        if values.get(key) is not None and not _CLOCK.match(values[key]):
            raise VisitFileError(
                lines.get(key), f"{key} = {values[key]!r}: expected HH:MM (24-hour, e.g. 09:05)"
            )
    start, stop = spec.minutes("start"), spec.minutes("stop")
    if start is not None and stop is not None and stop < start:
        raise VisitFileError(
            lines.get("stop"), f"stop {values['stop']} is before start {values['start']}"
        )


def _overlaps(administrations: tuple[AdministrationSpec, ...]) -> None:
    """Two administrations at once are an error unless the later one says it is concurrent."""
    for index, later in enumerate(administrations):
        for earlier in administrations[:index]:
            a, b = (
                (earlier.minutes("start"), earlier.minutes("stop")),
                (later.minutes("start"), later.minutes("stop")),
            )
            if None in a or None in b:
                continue
            overlap = a[0] < b[1] and b[0] < a[1]  # type: ignore[operator]
            if overlap and not later.flag("concurrent"):
                raise VisitFileError(
                    later.lines.get("start", later.line),
                    (
                        f"{later.values['start']}-{later.values['stop']} overlaps "
                        f"{earlier.values['start']}-{earlier.values['stop']} (line "
                        f"{earlier.line}): correct the times, or add concurrent = true if the "
                        "infusions ran at the same time"
                    ),
                )


def read_visit(text: str) -> VisitSpec:
    """The visit file's encounter and administrations, checked;
    VisitFileError naming the line otherwise."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"line (\d+)", str(error))
        raise VisitFileError(
            int(found.group(1)) if found else None, f"not valid TOML: {error}"
        ) from None
    top, tables = _scan(text)
    encounter = _encounter(data, top)
    raw = data.get("administration")
    if not raw:
        raise VisitFileError(None, "no [[administration]] table: add one per drug given")
    if not isinstance(raw, list) or len(raw) != len(tables):
        raise VisitFileError(None, "administration must be written as [[administration]] tables")
    administrations = tuple(
        _administration(item, header, lines, encounter.get("patient"))
        for item, (header, lines) in zip(raw, tables, strict=True)
    )
    _overlaps(administrations)
    return VisitSpec(encounter, administrations, top)
