"""The administration log: `save()` a finished calculation; read it back with `AdministrationLog`.

    from infusion_calc.log import save, AdministrationLog
    entry = save(calc, note=chart_text, checks=checks)   # -> SavedEntry(id, saved_at, path, uuid)

The log is a SQLite file on this workstation, or a center's PostgreSQL log when the site
config's `[log] url` (or INFUSION_CALC_LOG_URL) names one; both behave the same.
"""

from infusion_calc.log.errors import LogError
from infusion_calc.log.location import CenterLog, LogLocation, log_location
from infusion_calc.log.reader import CSV_COLUMNS, AdministrationLog, Summary
from infusion_calc.log.store import BUSY_TIMEOUT_S, SavedEntry, default_log_path, save

__all__ = [
    "BUSY_TIMEOUT_S", "CSV_COLUMNS", "AdministrationLog", "CenterLog", "LogError", "LogLocation", "SavedEntry", "Summary",
    "default_log_path", "log_location", "save",
]
