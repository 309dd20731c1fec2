"""One browser tab's app process, which never outlives the tab.

textual-serve starts each app through a shell and, when the tab goes, asks it to quit
and waits for it without limit. An app that misses the request (after an abrupt
disconnect one has been seen spinning at ~95% CPU, deaf to SIGTERM) is then
orphaned. Here the app is exec'd directly in a session of its own, gets a short grace
period to quit, and then its whole process group is killed with SIGKILL, which
nothing can ignore.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import signal
from collections.abc import Sequence
from typing import Any

from textual_serve.app_service import AppService

log = logging.getLogger("infusion_calc.serve")

QUIT_GRACE_SECONDS = 2.0
"""How long a closed tab's app may take to quit by itself before it is killed."""
REAP_SECONDS = 2.0
"""How long to wait for the kernel to report a killed app gone."""


class AppSession(AppService):
    """The app process behind one websocket (one browser tab)."""

    def __init__(self, argv: Sequence[str], **service_options: Any) -> None:
        super().__init__(shlex.join(argv), **service_options)
        self.argv = tuple(argv)
        self._stopping: asyncio.Future[None] | None = None

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    async def _open_app_process(
        self, width: int = 80, height: int = 24
    ) -> asyncio.subprocess.Process:
        # No shell in between (a shell would be the process we signal, not the app),
        # and a new session so the app and anything it starts share one process group.
        process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        self._process = process
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        """Ask the app to quit, kill what is left after the grace period, reap it.

        Safe to call more than once and from several places at a time; a caller being
        cancelled (server shutdown) does not cancel the stopping.
        """
        if self._process is None:
            return
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop_once())
        await asyncio.shield(self._stopping)

    async def _stop_once(self) -> None:
        process = self._process
        assert process is not None
        # Not asyncio.wait_for: textual-serve's reader task swallows cancellation, so a
        # cancelled wait would go on waiting for an app that never quits.
        quitting = asyncio.ensure_future(self._quit_and_wait())
        await asyncio.wait({quitting}, timeout=QUIT_GRACE_SECONDS)
        if not quitting.done():
            log.warning(
                "app process %d did not quit within %ss of being asked to; killing it",
                process.pid,
                QUIT_GRACE_SECONDS,
            )
        self.kill()  # also reaches anything the app started, even when the app itself has quit
        await asyncio.wait({quitting}, timeout=REAP_SECONDS)
        if not quitting.done():
            log.error("app process %d still present %ss after SIGKILL", process.pid, REAP_SECONDS)
            quitting.cancel()
        elif quitting.exception() is not None:  # e.g. a broken pipe to an app that had died
            log.info("app process %d: %s", process.pid, quitting.exception())

    async def _quit_and_wait(self) -> None:
        await super().stop()  # sends textual's "quit" and drains the app's output to its end
        assert self._process is not None
        await self._process.wait()

    def kill(self) -> None:
        """SIGKILL the app's process group: the app and anything it started. Idempotent."""
        process = self._process
        if process is None:
            return
        try:
            if hasattr(os, "killpg"):
                # The group outlives its leader while any member is alive, so this also
                # reaches children of an app that has already exited.
                os.killpg(process.pid, signal.SIGKILL)
            elif process.returncode is None:
                process.kill()
        except (ProcessLookupError, PermissionError):
            pass  # already gone
