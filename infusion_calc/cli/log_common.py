"""What every `infusion-calc log` action shares: the log it reads, its errors and notices, and how
a stored text or time is shown on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from infusion_calc.cli.common import fail
from infusion_calc.cli.options import CommandOptions
from infusion_calc.log.errors import LogError

if TYPE_CHECKING:
    from infusion_calc.log import AdministrationLog


_current: list[AdministrationLog] = []
"""The log the running command reads (set by `guarded`), so its notices are shown once."""


def open_log(options: CommandOptions) -> AdministrationLog:
    """The log the command's context names (`Context.log_path`:
    the data folder's unless it says otherwise)."""
    from infusion_calc.log import AdministrationLog  # lazy: `log path` imports no reader

    return _current[-1] if _current else AdministrationLog(options.context.log_path)


def local_time(saved_at: str) -> str:
    """'2026-12-06 17:43', this machine's time, from a stored '2026-12-06T16:43:12+00:00'."""
    if (
        len(saved_at) == 25 and saved_at[16] == ":" and saved_at[19] in "+-"
    ):  # the seconds do not change the minute shown: dropped, so
        return _local_minute(
            saved_at[:16] + saved_at[19:]
        )  # saves of one minute are converted once
    return _local_minute(saved_at)


@lru_cache(maxsize=1024)
def _local_minute(saved_at: str) -> str:
    return datetime.fromisoformat(saved_at).astimezone().isoformat(" ", "minutes")[:16]


def guarded(options: CommandOptions, action: Callable[[], int]) -> int:
    try:
        _current.append(open_log(options))
    except LogError as error:  # e.g. a center log URL holding a password
        return fail(str(error))
    try:
        return action()
    except LogError as error:
        return fail(str(error))
    finally:
        for notice in _current.pop().notices:  # privacy fixed, or a read-only disk: said on stderr
            sys.stderr.write(f"warning: {notice}\n")
