"""The administration log: `save()` a finished calculation; read it back with `AdministrationLog`.

    from infusion_calc.log import save, AdministrationLog
    entry = save(calc, note=chart_text, checks=checks)   # -> SavedEntry(id, saved_at, path)
"""

from infusion_calc.log.reader import CSV_COLUMNS, AdministrationLog, Summary
from infusion_calc.log.store import BUSY_TIMEOUT_S, LogError, SavedEntry, default_log_path, save

__all__ = [
    "BUSY_TIMEOUT_S", "CSV_COLUMNS", "AdministrationLog", "LogError", "SavedEntry", "Summary", "default_log_path", "save",
]
