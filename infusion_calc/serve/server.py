"""The web server: our page, one `AppSession` per websocket, every app reaped on exit.

Built on textual-serve's `Server` for the browser protocol (messages, downloads);
replaced here: the page (offline, `page.py`), the per-tab process (`sessions.py`),
start-up output, and the run loop, so that Ctrl+C or SIGTERM closes every tab and
kills every app before the command returns.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import shlex
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TextIO
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, web
from textual_serve.server import Server, to_int

from infusion_calc.serve.page import CONTENT_SECURITY_POLICY, render_page
from infusion_calc.serve.sessions import AppSession

log = logging.getLogger("infusion_calc.serve")

TITLE = "infusion-calc"


def is_loopback(host: str) -> bool:
    """True only for addresses that cannot be reached from another machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may well resolve to a public interface


def url_for(host: str, port: int) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # IPv6 literal
    return f"http://{host}:{port}/"


def websocket_refusal(request: web.Request, bound_to_loopback: bool) -> str | None:
    """Why a websocket request must not start an app, or None when it may.

    Browsers let any page open a websocket to any address, 127.0.0.1 included, and
    there is no login. So the page must be ours: its Origin must be the address the
    request was sent to (Host, or X-Forwarded-Host from a reverse proxy; browsers
    cannot set that header on a websocket). On a loopback-only server the address
    must also be a loopback one, which stops a site whose name was re-pointed at
    127.0.0.1 (DNS rebinding). Clients that send no Origin are not browser pages.
    """
    host = request.headers.get("Host", "")
    forwarded = [name.strip() for name in request.headers.get("X-Forwarded-Host", "").split(",") if name.strip()]
    if bound_to_loopback and not forwarded and not is_loopback(urlsplit(f"//{host}").hostname or ""):
        return f"it was addressed to {host!r}, not to this machine"
    origin = request.headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc.lower() not in {name.lower() for name in (host, *forwarded)}:
        return f"the page came from another site ({origin})"
    return None


class BrowserServer(Server):
    """Serves `app_argv` to browsers: each websocket runs its own copy of the command."""

    def __init__(self, app_argv: Sequence[str], host: str, port: int) -> None:
        super().__init__(shlex.join(app_argv), host=host, port=port, title=TITLE)
        self.app_argv = tuple(app_argv)
        self.sessions: dict[AppSession, web.WebSocketResponse] = {}

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._security_headers])
        app.add_routes([
            web.get("/", self.handle_index),
            web.get("/ws", self.handle_websocket),
            web.get("/download/{key}", self.handle_download),  # files the app hands to the browser
            web.static("/static", self.statics_path),  # textual.js, xterm.css, the Roboto Mono files
        ])
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def _security_headers(self, request: web.Request, handler: Callable) -> web.StreamResponse:
        response = await handler(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response

    async def handle_index(self, request: web.Request) -> web.Response:  # type: ignore[override]
        font_size = min(max(to_int(request.query.get("fontsize", "16"), 16), 8), 48)
        response = web.Response(text=render_page(self.title, font_size), content_type="text/html")
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["Cache-Control"] = "no-store"
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        refusal = websocket_refusal(request, is_loopback(self.host))
        if refusal:
            log.warning("refused a browser connection: %s", refusal)
            raise web.HTTPForbidden(text=f"infusion-calc: refused, {refusal}\n")
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
            await session.start(to_int(request.query.get("width", "80"), 80), to_int(request.query.get("height", "24"), 24))
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
        closing = [websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down") for _, websocket in sessions]
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
        runner = web.AppRunner(await self._make_app(), handle_signals=False, access_log=None, shutdown_timeout=5)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port)
            await site.start()
            port = runner.addresses[0][1]  # the real one when --port 0 asked for any free port
            announce.write(f"infusion-calc: serving the app on {url_for(self.host, port)} (Ctrl+C to stop)\n")
            announce.flush()
            await stop.wait()
        finally:
            try:
                await runner.cleanup()
            finally:
                self.kill_all()
