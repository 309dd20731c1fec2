"""screenshots/browser.png from the real browser mode: `infusion-calc serve` in Debian's Chromium.

Driven by Playwright with /usr/bin/chromium (never a browser of Playwright's own), the
way tests/test_serve_browser.py drives it: open the page, type `250 mg` into the tab,
wait until the app has sent the claim lines, and take the screenshot. xterm.js paints
on a canvas, so readiness is read from the bytes the app sent the tab. The browser is
closed cleanly (which ends the tab's app by itself), then the server is stopped; any app
process still alive after that is killed, since an app left behind can spin.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
ANNOUNCE = re.compile(r"serving the app on (http://\S+/)")


def unavailable() -> str | None:
    """Why the browser screenshot cannot be taken here, or None."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[test]')"
    return None


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} within {timeout:.0f} s")
        time.sleep(0.05)
    return found


def browser_screenshot(target: Path) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="infusion-calc-browser-") as folder:
        out = Path(folder) / "server.out"
        environment = {**os.environ, "INFUSION_CALC_DATA_DIR": str(Path(folder) / "data")}
        with open(out, "w") as stdout:
            server = subprocess.Popen(
                [sys.executable, "-m", "infusion_calc", "serve", "--port", "0"],
                stdout=stdout,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=environment,
            )
        apps: set[int] = set()
        try:
            url = _wait(
                lambda: ANNOUNCE.search(out.read_text()),
                30,
                "the server did not announce its address",
            ).group(1)
            received = bytearray()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
                try:
                    page = browser.new_context(viewport=VIEWPORT).new_page()
                    page.on(
                        "websocket",
                        lambda socket: socket.on(
                            "framereceived",
                            lambda frame: (
                                received.extend(frame) if isinstance(frame, bytes) else None
                            ),
                        ),
                    )
                    page.goto(url)

                    def sent(text: bytes, timeout: float) -> None:
                        deadline = time.monotonic() + timeout
                        while text not in received:
                            if time.monotonic() > deadline:
                                raise RuntimeError(f"the app never sent {text!r} to the tab")
                            page.wait_for_timeout(
                                50
                            )  # lets Playwright deliver the frames meanwhile

                    sent(b"Ordered dose", 30)
                    apps |= _children(server.pid)
                    page.wait_for_timeout(400)  # the page fades the terminal in
                    page.keyboard.type("250 mg")
                    sent(b"JW", 15)
                    page.wait_for_timeout(600)  # let xterm.js paint the last frame
                    page.screenshot(path=str(target))
                finally:
                    browser.close()
        finally:
            apps |= _children(server.pid)
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            time.sleep(0.5)
            for pid in apps & set(int(path.name) for path in Path("/proc").glob("[0-9]*")):
                os.kill(pid, signal.SIGKILL)
