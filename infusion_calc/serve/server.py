"""The web server: our page, one `AppSession` per websocket, every app reaped on exit.

Built on textual-serve's `Server` for the browser protocol (messages, downloads);
replaced here: the page (offline, `page.py`), the per-tab process (`sessions.py`),
start-up output, and the run loop, so that Ctrl+C or SIGTERM closes every tab and
kills every app before the command returns.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TextIO

from aiohttp import WSCloseCode, web
from textual_serve.server import Server, to_int

from infusion_calc.serve.hosts import AllowedHosts, is_loopback, request_refusal
from infusion_calc.serve.listen import listening_sockets
from infusion_calc.serve.page import CONTENT_SECURITY_POLICY, render_page
from infusion_calc.serve.sessions import AppSession

log = logging.getLogger("infusion_calc.serve")

TITLE = "infusion-calc"

__all__ = ["BrowserServer", "is_loopback", "url_for"]

# Sent on every response, errors and the websocket upgrade included. `Server` names
# the program only: aiohttp's default names its version, which helps nobody but an attacker.
SECURITY_HEADERS = {
    "Server": "infusion-calc",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def url_for(host: str, port: int | str) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # IPv6 literal
    return f"http://{host}:{port}/"


class BrowserServer(Server):
    """Serves `app_argv` to browsers: each websocket runs its own copy of the command."""

    def __init__(
        self, app_argv: Sequence[str], host: str, port: int, allow_hosts: Sequence[str] = ()
    ) -> None:
        super().__init__(shlex.join(app_argv), host=host, port=port, title=TITLE)
        self.app_argv = tuple(app_argv)
        self.allowed_hosts = AllowedHosts(host, allow_hosts)
        self.sessions: dict[AppSession, web.WebSocketResponse] = {}

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._refuse_other_hosts])
        app.add_routes(
            [
                web.get("/", self.handle_index),
                web.get("/ws", self.handle_websocket),
                web.get(
                    "/download/{key}", self.handle_download
                ),  # files the app hands to the browser
                web.static(
                    "/static", self.statics_path
                ),  # textual.js, xterm.css, the Roboto Mono files
            ]
        )
        app.on_response_prepare.append(self._security_headers)
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def _refuse_other_hosts(
        self,
        request: web.Request,
        handler: Callable[[web.Request], Awaitable[web.StreamResponse]],
    ) -> web.StreamResponse:
        """Every route (page, assets, downloads, websocket) only for this server's own names."""
        refusal = request_refusal(request.headers, self.allowed_hosts)
        if refusal:
            log.warning("refused a browser connection to %s: %s", request.path, refusal)
            raise web.HTTPForbidden(text=f"infusion-calc: refused, {refusal}\n")
        return await handler(request)

    @staticmethod
    async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(SECURITY_HEADERS)

    async def handle_index(self, request: web.Request) -> web.Response:
        font_size = min(max(to_int(request.query.get("fontsize", "16"), 16), 8), 48)
        response = web.Response(text=render_page(self.title, font_size), content_type="text/html")
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["Cache-Control"] = "no-store"
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        # The heartbeat notices a browser that vanished without closing its socket.
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        session = AppSession(
            self.app_argv,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        self.sessions[session] = websocket
        try:
            await session.start(
                to_int(request.query.get("width", "80"), 80),
                to_int(request.query.get("height", "24"), 24),
            )
            log.info("tab opened: app process %s", session.pid)
            await self._process_messages(websocket, session)
        except Exception:
            log.exception("websocket for app process %s", session.pid)
        finally:
            try:
                await session.stop()
            finally:
                session.kill()  # even if stop() itself was interrupted
                self.sessions.pop(session, None)
                log.info("tab closed: app process %s ended", session.pid)
        return websocket

    async def on_shutdown(self, app: web.Application) -> None:
        """Server stopping: tell every tab, then stop every app (each with its grace period)."""
        sessions = list(self.sessions.items())
        closing = [
            websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")
            for _, websocket in sessions
        ]
        stopping = [session.stop() for session, _ in sessions]
        await asyncio.gather(*closing, *stopping, return_exceptions=True)

    def kill_all(self) -> None:
        """Last resort: SIGKILL every app still running."""
        for session in list(self.sessions):
            session.kill()

    async def run(self, announce: TextIO = sys.stdout) -> None:
        """Serve until SIGINT or SIGTERM; on return no app process is left."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, stop.set)
        runner = web.AppRunner(
            await self._make_app(), handle_signals=False, access_log=None, shutdown_timeout=5
        )
        await runner.setup()
        try:
            sockets = listening_sockets(
                self.host, self.port
            )  # one port for every address, even with --port 0
            for sock in sockets:
                await web.SockSite(runner, sock).start()
            port = sockets[0].getsockname()[1]
            announce.write(
                f"infusion-calc: serving the app on {url_for(self.host, port)} (Ctrl+C to stop)\n"
            )
            announce.flush()
            await stop.wait()
        finally:
            try:
                await runner.cleanup()
            finally:
                self.kill_all()
