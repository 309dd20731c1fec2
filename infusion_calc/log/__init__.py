"""The administration log: `save()` a finished calculation; read it back with `AdministrationLog`.

    from infusion_calc.log import save, AdministrationLog
    entry = save(calc, note=chart_text, checks=checks)   # -> SavedEntry(id, saved_at, path, uuid)

The log is a SQLite file on this workstation, or a center's PostgreSQL log when the site
config's `[log] url` (or INFUSION_CALC_LOG_URL) names one; both behave the same.

Each name is imported from its module on first use, so `log path` (the location only) never
loads the reader, and no command pays for a module of this package it does not use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from infusion_calc.log.errors import LogError
    from infusion_calc.log.location import CenterLog, LogLocation, log_location
    from infusion_calc.log.reader import CSV_COLUMNS, AdministrationLog, Summary
    from infusion_calc.log.store import BUSY_TIMEOUT_S, SavedEntry, default_log_path, save

_HOMES = {
    "LogError": "errors",
    "CenterLog": "location",
    "LogLocation": "location",
    "log_location": "location",
    "CSV_COLUMNS": "reader",
    "AdministrationLog": "reader",
    "Summary": "reader",
    "BUSY_TIMEOUT_S": "store",
    "SavedEntry": "store",
    "default_log_path": "store",
    "save": "store",
}

__all__ = [
    "BUSY_TIMEOUT_S",
    "CSV_COLUMNS",
    "AdministrationLog",
    "CenterLog",
    "LogError",
    "LogLocation",
    "SavedEntry",
    "Summary",
    "default_log_path",
    "log_location",
    "save",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value  # found once: later uses are ordinary lookups
    return value
