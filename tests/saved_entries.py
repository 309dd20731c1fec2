"""Reading back what a test saved to the administration log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infusion_calc.log import AdministrationLog, LogLocation


def entry_in(log: AdministrationLog, entry_id: int) -> dict[str, Any]:
    """The stored entry, which the test has just saved."""
    entry = log.entry(entry_id)
    assert entry is not None, f"no entry {entry_id} in {log.path}"
    return entry


def sqlite_file(location: LogLocation) -> Path:
    """The workstation log's file (the test saved to SQLite, not to a center log)."""
    assert isinstance(location, Path), location
    return location
