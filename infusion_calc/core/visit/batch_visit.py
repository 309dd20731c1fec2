"""Batch rows of one visit become one claim: the rows sharing a `visit` cell (consecutive rows) are
answered as usual, then the visit's administration lines follow them
(core/visit/admin_hierarchy.py).

A file with a `visit` and a `route` column is read this way. The `visit` column and the columns it
reads (`route`, `start`, `stop`, `setting`, `iv_site`) are pass-through columns: a file without
`visit` is answered exactly as before. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.core.checks.admin_codes import COMPLEX, code_pair
from infusion_calc.core.pipeline.batch import RESULT_COLUMNS, Columns, RowOutcome, column_key
from infusion_calc.core.record.check_types import SitePolicy

if TYPE_CHECKING:
    from infusion_calc.core.visit.admin_hierarchy import Service

VISIT_COLUMN = "visit"
_ROUTES = {"infusion": "INFUSION", "push": "PUSH", "injection": "INJECTION", "on-body": "ON_BODY"}
"""A `route` cell -> the name of its admin_hierarchy.Route."""
_CLOCK = re.compile(r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}[T ])?([01][0-9]|2[0-3]):([0-5][0-9])$")


def visit_index(columns: Columns) -> int | None:
    """Where the `visit` pass-through column is, when the file also has a
    `route` column; else None (the file is answered row by row, as before:
    a `visit` column alone was always free text passed through)."""
    keys = {column_key(columns.header[index]): index for index in columns.passthrough}
    return keys.get(VISIT_COLUMN) if "route" in keys else None


RowT = TypeVar("RowT")
"""A row of cells, or a row the CSV reader could not read."""


def visit_groups(
    rows: Iterable[RowT], index: int, first_row: int = 2
) -> Iterator[tuple[int, list[RowT]]]:
    """Consecutive rows with the same visit cell, each group with the number of its first row (a row
    the reader could not read, not a list of cells, is a group of its own)."""
    group: list[RowT] = []
    start, key = first_row, None
    for row, cells in enumerate(rows, start=first_row):
        value = (
            cells[index].strip()
            if isinstance(cells, (list, tuple)) and index < len(cells)
            else None
        )
        if group and (value != key or not value):
            yield start, group
            group, start = [], row
        group.append(cells)
        key = value
    if group:
        yield start, group


def _minutes(text: str) -> int | None:
    found = _CLOCK.match(text.strip())
    return int(found.group(1)) * 60 + int(found.group(2)) if found else None


def _service(
    record: dict[str, Any], cell: dict[str, str], catalog: Catalog, policy: SitePolicy
) -> Service | None:
    # Lazy: the visit's coding, for a file with `visit` and `route` columns only.
    from infusion_calc.core.visit.admin_hierarchy import Route, Service, ServiceKind

    name = _ROUTES.get(cell.get("route", "").strip().lower())
    if name is None:
        return None
    route = Route[name]
    drug = catalog.by_code(record["hcpcs"])
    complex_ = drug is not None and code_pair(drug.drug_class, policy) is COMPLEX
    return Service(
        record["hcpcs"],
        ServiceKind.CHEMO if complex_ else ServiceKind.THERAPEUTIC,
        route,
        _minutes(cell.get("start", "")),
        _minutes(cell.get("stop", "")),
        cell.get("iv_site", "").strip() or "1",
    )


def administration_records(
    outcomes: Sequence[RowOutcome],
    columns: Columns,
    catalog: Catalog,
    policy: SitePolicy,
) -> RowOutcome | None:
    """The visit's administration lines as records after its rows
    (hcpcs = the CPT code, line = "admin")."""
    answered = [outcome for outcome in outcomes if outcome.records]
    if not answered:
        return None
    # Lazy: the visit's coding, for a file with `visit` and `route` columns only.
    from infusion_calc.core.visit.admin_hierarchy import Setting, visit_codes

    keys = {column_key(name): name for name in columns.passthrough_names}
    services, setting = [], Setting.OFFICE
    for outcome in answered:
        record = outcome.records[0]
        cell = {key: str(record.get(name) or "") for key, name in keys.items()}
        if cell.get("setting", "").strip().lower() == "hospital":
            setting = Setting.HOSPITAL
        service = _service(record, cell, catalog, policy)
        if service is not None:
            services.append(service)
    codes = visit_codes(tuple(services), setting)
    last = answered[-1]
    passthrough = {name: last.records[0].get(name) for name in columns.passthrough_names}
    blank = dict.fromkeys(RESULT_COLUMNS)
    records = tuple(
        {
            **passthrough,
            **blank,
            "row": last.row,
            "hcpcs": line.code,
            "line": "admin",
            "modifiers": list(line.modifiers),
            "units": line.units,
            "warnings": [],
        }
        for line in codes.lines
    )
    return RowOutcome(last.row, records) if records else None


def with_visit_lines(
    outcomes: Iterable[RowOutcome],
    columns: Columns,
    catalog: Catalog,
    policy: SitePolicy,
) -> Iterator[RowOutcome]:
    """The outcomes of one visit's rows, then one outcome holding its administration lines."""
    kept = list(outcomes)
    yield from kept
    extra = administration_records(kept, columns, catalog, policy)
    if extra is not None:
        yield extra
