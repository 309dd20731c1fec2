"""Threads that load while the nurse types, without making the typing wait.

While a thread runs Python code, the UI thread waits for the interpreter lock each time it
wakes (a key arrives, a frame is due) until the thread hands it over: by default up to
5 ms a turn, and a key takes several turns to be drawn, so a key typed while the catalog
loads showed tens of ms late. While background work runs, the lock changes hands
sooner (the old interval comes back when the last such thread ends).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

UI_TURN = 0.0005
"""Seconds a busy thread holds the interpreter lock while the UI thread waits for it."""

ResultT = TypeVar("ResultT")


class _SoonerTurns:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0
        self._saved = sys.getswitchinterval()

    def run(self, work: Callable[[], ResultT]) -> ResultT:
        with self._lock:
            if not self._running:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(UI_TURN)
            self._running += 1
        try:
            return work()
        finally:
            with self._lock:
                self._running -= 1
                if not self._running:
                    sys.setswitchinterval(self._saved)


_turns = _SoonerTurns()


def beside_the_ui(work: Callable[[], ResultT]) -> ResultT:
    """Run `work` (in a worker thread) handing the interpreter to the UI thread sooner meanwhile."""
    return _turns.run(work)
