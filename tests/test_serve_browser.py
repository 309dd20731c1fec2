"""`infusion-calc serve` in real headless Chromium: a nurse's tab, end to end.

The browser is Debian's /usr/bin/chromium driven by Playwright (never a browser of
Playwright's own). xterm.js paints on a canvas, so the page has no text to read. The
test reads the app's answer from what the app sent *to this tab* instead: the
websocket frames, replayed on a small screen grid (`TerminalScreen`). A screenshot
then shows that the browser painted it.

    INFUSION_CALC_UPDATE_SCREENSHOTS=1 pytest tests/test_serve_browser.py

also saves the view as screenshots/browser.png.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, WebSocket
from rich.cells import cell_len

from tests.test_serve import (
    APP_GONE_WITHIN,
    ServerProcess,
    children_of,
    members_of_groups,
    process_table,
    wait_until,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
APP_READY_WITHIN = 30.0  # first tab on a cold, loaded 2-core CI machine

playwright_api = pytest.importorskip(
    "playwright.sync_api",
    reason="the Python package playwright is not installed (pip install -e '.[test]')",
)
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"{CHROMIUM} not found: install Debian's chromium package (.ci/run does)",
        allow_module_level=True,
    )
if not Path("/proc/self/stat").exists():
    pytest.skip("reads processes from /proc (Linux only)", allow_module_level=True)


class TerminalScreen:
    """Replays the terminal output a tab received onto a grid of characters.

    Enough of a terminal for Textual's output: cursor positioning (CSI row;col H) and
    text; colours and other sequences are skipped.
    """

    TOKENS = re.compile(
        r"\x1b\[([0-9;?<>=]*)[ -/]*([@-~])"  # CSI: parameters, final byte
        r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC (title, clipboard)
        r"|\x1b[^\[\]]"  # other two-byte escapes
        r"|([\r\n])"
        r"|([^\x1b\r\n]+)",
    )

    def __init__(self) -> None:
        self.received = bytearray()

    def feed(self, frame: bytes | str) -> None:
        if isinstance(frame, bytes):  # text frames are protocol messages, not screen output
            self.received += frame

    def text(self) -> str:
        rows: dict[int, dict[int, str]] = {}
        row = column = 0
        for match in self.TOKENS.finditer(self.received.decode("utf-8", "replace")):
            parameters, final, control, printable = match.groups()
            if final in ("H", "f"):
                position = (parameters or "").split(";")
                row = int(position[0] or 1) - 1
                column = int(position[1] or 1) - 1 if len(position) > 1 else 0
            elif final == "J" and parameters == "2":
                rows.clear()
            elif control == "\n":
                row += 1
            elif control == "\r":
                column = 0
            elif printable:
                line = rows.setdefault(row, {})
                for character in printable:
                    if character >= " ":
                        line[column] = character
                        column += max(cell_len(character), 1)
        return "\n".join(
            "".join(
                rows.get(r, {}).get(c, " ") for c in range(max(rows.get(r, {}), default=-1) + 1)
            ).rstrip()
            for r in range(max(rows, default=-1) + 1)
        )


class Tab:
    """One browser tab on the server, with the screen its app sent it."""

    def __init__(self, context: BrowserContext, url: str, addresses: list[str]) -> None:
        self.page = context.new_page()
        self.screen = TerminalScreen()

        def connected(socket: WebSocket) -> None:
            addresses.append(socket.url)
            socket.on("framereceived", self.screen.feed)

        self.page.on("websocket", connected)
        self.page.goto(url)

    def wait_for_text(self, pattern: str, timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while not (found := re.search(pattern, self.screen.text())):
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no {pattern!r} on the tab's screen after {timeout} s:\n{self.screen.text()}"
                )
            self.page.wait_for_timeout(50)  # lets Playwright deliver the frames meanwhile
        return found


def lit_pixels(context: BrowserContext, png: bytes) -> int:
    """How many pixels of a screenshot are bright (text on the dark theme),
    counted by the browser."""
    import base64

    probe = context.new_page()  # about:blank: no page policy in the way of a data: image
    try:
        lit: int = probe.evaluate(
            """async (source) => {
                const image = new Image();
                image.src = source;
                await image.decode();
                const canvas = document.createElement("canvas");
                canvas.width = image.width;
                canvas.height = image.height;
                const context = canvas.getContext("2d");
                context.drawImage(image, 0, 0);
                const data = context.getImageData(0, 0, image.width, image.height).data;
                let lit = 0;
                for (let i = 0; i < data.length; i += 4) {
                    if (data[i] + data[i + 1] + data[i + 2] > 3 * 140) lit++;
                }
                return lit;
            }""",
            "data:image/png;base64," + base64.b64encode(png).decode(),
        )
    finally:
        probe.close()
    return lit


def chromium_main_process() -> int:
    """The browser's own process: the chromium descendant of this test whose parent is not
    chromium."""
    table = process_table()

    def executable(pid: int) -> str:
        try:
            return os.readlink(f"/proc/{pid}/exe")
        except OSError:
            return ""

    def descends_from_us(pid: int) -> bool:
        while pid > 1:
            if pid == os.getpid():
                return True
            pid = table.get(pid, (0,))[0]
        return False

    browsers = [
        pid
        for pid, (parent, _, _) in table.items()
        if Path(executable(pid)).name == "chromium"
        and Path(executable(parent)).name != "chromium"
        and descends_from_us(pid)
    ]
    assert len(browsers) == 1, f"expected one Chromium browser process of ours, found {browsers}"
    return browsers[0]


def command_line(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    started = ServerProcess(
        [sys.executable, "-m", "infusion_calc", "serve", "--port", "0"], tmp_path
    )
    try:
        started.wait_for_url()
        yield started
    finally:
        if started.process.poll() is None:
            started.app_groups |= children_of(started.pid)
            started.stop()
        for pid in members_of_groups(started.app_groups):
            os.kill(pid, signal.SIGKILL)


def test_a_tab_calculates_250_mg_offline_and_its_app_ends_with_it(
    server: ServerProcess, tmp_path: Path
) -> None:
    requests: list[str] = []
    console_errors: list[str] = []
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            context = browser.new_context(viewport=VIEWPORT)
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            context.on("request", lambda request: requests.append(request.url))
            context.on(
                "console",
                lambda message: (
                    console_errors.append(message.text) if message.type == "error" else None
                ),
            )
            # A request to anywhere else is recorded above, then aborted:
            # nothing leaves the machine.
            context.route(
                lambda url: urlsplit(url).hostname != "127.0.0.1", lambda route: route.abort()
            )

            tab = Tab(context, server.url, requests)
            tab.wait_for_text(r"Ordered dose", APP_READY_WITHIN)
            apps = wait_until(lambda: children_of(server.pid), 10, "no app process for the tab")
            assert len(apps) == 1
            app = apps.pop()
            server.app_groups.add(app)
            assert command_line(app)[1:] == ["-m", "infusion_calc"], "the tab runs the real app"
            tab.page.wait_for_timeout(400)  # the page fades the terminal in over 0.3 s
            before = tab.page.screenshot()

            # The dose field has focus on launch and the page gives the app the keyboard:
            # typing goes straight into the field, no click needed.
            tab.page.keyboard.type("250 mg")
            # The claim lines as the tab shows them: 250 units given, a JW line for 50.
            tab.wait_for_text(r"J2323 +JW +50 +\d{11}", 15)
            screen = tab.screen.text()
            assert re.search(r"J2323 +250 +\d{11}", screen), f"administered line missing:\n{screen}"
            tab.page.wait_for_timeout(300)  # let xterm.js paint the last frame
            after = tab.page.screenshot(path=str(tmp_path / "browser.png"))
            if os.environ.get("INFUSION_CALC_UPDATE_SCREENSHOTS"):
                SCREENSHOTS.mkdir(exist_ok=True)
                shutil.copy(tmp_path / "browser.png", SCREENSHOTS / "browser.png")
            # The browser painted the result: far more text on screen than before typing.
            assert lit_pixels(context, after) > 3 * lit_pixels(context, before) > 0

            # F2 copies the claim lines: in a browser they land on the browser's clipboard.
            tab.page.keyboard.press("F2")
            copied = wait_until(
                lambda: tab.page.evaluate("navigator.clipboard.readText()"),
                10,
                "F2 put nothing on the clipboard",
            )
            assert "J2323\tJW\t50\t" in copied, copied

            # A second tab gets an app of its own.
            second = Tab(context, server.url, requests)
            second.wait_for_text(r"Ordered dose", APP_READY_WITHIN)
            others = wait_until(
                lambda: children_of(server.pid) - {app}, 10, "no app process for the second tab"
            )
            server.app_groups |= others
            assert len(others) == 1 and app not in others
            other = others.pop()

            # Offline: every request either tab made went to this server.
            assert len([url for url in requests if url.startswith("ws://")]) == 2, requests
            strays = [url for url in requests if urlsplit(url).hostname != "127.0.0.1"]
            assert not strays, f"requests leaving the machine: {strays}"
            assert not console_errors, console_errors

            # Closing the first tab ends its app, by itself (no kill needed); the other lives on.
            tab.page.close()
            wait_until(
                lambda: not members_of_groups({app}),
                APP_GONE_WITHIN,
                f"app {app} outlived its closed tab",
            )
            assert members_of_groups({other}), "closing one tab ended another tab's app"
            assert f"app process {app} did not quit" not in server.stderr

            # The browser dies without closing anything: the remaining app still ends.
            os.kill(chromium_main_process(), signal.SIGKILL)
            wait_until(
                lambda: not members_of_groups({other}),
                APP_GONE_WITHIN,
                f"app {other} outlived the browser",
            )
            assert not children_of(server.pid), "the server still has app processes"
        finally:
            try:
                browser.close()
            except Exception:
                pass  # already killed above
    assert server.stop() == 0
