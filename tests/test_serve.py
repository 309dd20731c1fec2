"""`infusion-calc serve` without a browser: binding, the offline page, and no orphan app.

The orphan tests use a stand-in app that behaves like one seen left behind after an
abrupt disconnect: it ignores textual-serve's quit request and SIGTERM, and has started a child
of its own. The server runs in a subprocess, as it does for a user, and the tests
read /proc to see which processes exist.
"""

from __future__ import annotations

import base64
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from infusion_calc.serve.server import is_loopback, url_for
from infusion_calc.serve.sessions import QUIT_GRACE_SECONDS, REAP_SECONDS

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads processes from /proc (Linux only)"
)

# How long a closed tab's app may survive: the grace period, the SIGKILL, and slack
# for a loaded 2-core CI machine.
APP_GONE_WITHIN = QUIT_GRACE_SECONDS + REAP_SECONDS + 3.0

# The server alone, running a command of the test's choosing for each tab.
SERVE_COMMAND = textwrap.dedent("""
    import asyncio, logging, sys
    from infusion_calc.serve.server import BrowserServer
    logging.basicConfig(level=logging.INFO, format="server: %(message)s")
    asyncio.run(BrowserServer(sys.argv[1:], "127.0.0.1", 0).run())
""")

STUBBORN_APP = textwrap.dedent("""
    import signal, subprocess, sys, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    helper = subprocess.Popen(["sleep", "300"])
    sys.stdout.write("__GANGLION__\\n")
    sys.stdout.flush()
    frame = b"stubborn app running"
    sys.stdout.buffer.write(b"D" + len(frame).to_bytes(4, "big") + frame)
    sys.stdout.flush()
    while True:  # never reads stdin, so never sees the quit request
        time.sleep(0.05)
""")


# -- processes, from /proc ------------------------------------------------------------------


def process_table() -> dict[int, tuple[int, int, str]]:
    """pid -> (parent pid, process group, state) for every live process we can see."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended while we looked
        # The command name in parentheses may contain spaces: split after the last ')'.
        fields = stat[stat.rindex(")") + 2 :].split()
        state, parent, group = fields[0], int(fields[1]), int(fields[2])
        if state not in ("Z", "X"):  # a zombie runs nothing
            table[int(entry.name)] = (parent, group, state)
    return table


def children_of(pid: int) -> set[int]:
    return {child for child, (parent, _, _) in process_table().items() if parent == pid}


def members_of_groups(groups: set[int]) -> set[int]:
    return {pid for pid, (_, group, _) in process_table().items() if group in groups}


Found = TypeVar("Found")


def wait_until(condition: Callable[[], Found], timeout: float, what: str) -> Found:
    """What `condition` gives as soon as it gives something (a match, a non-empty set),
    or AssertionError naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout:.1f} s: {what}")
        time.sleep(0.05)


# -- a server in a subprocess ------------------------------------------------------------


class ServerProcess:
    """A server started like a user would, with its output captured in files."""

    ANNOUNCE = re.compile(r"serving the app on (http://\S+/)")

    def __init__(self, argv: list[str], folder: Path) -> None:
        self.stdout_path = folder / "server.out"
        self.stderr_path = folder / "server.err"
        with open(self.stdout_path, "w") as out, open(self.stderr_path, "w") as err:
            self.process = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        self.url = ""
        self.app_groups: set[int] = set()
        """Every app process seen (each leads its own group), for the clean-up."""

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text()

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text()

    def wait_for_url(self, timeout: float = 20.0) -> str:
        def announced() -> re.Match[str] | None:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}: {self.stderr}")
            return self.ANNOUNCE.search(self.stdout)

        found = wait_until(announced, timeout, "the server did not announce its address")
        assert found is not None
        self.url = found.group(1)
        return self.url

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].strip("/"))

    def stop(self, timeout: float = 15.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"server ignored SIGTERM for {timeout} s") from None


StartServer = Callable[[list[str]], ServerProcess]
"""The start_server fixture: starts a server with these arguments and waits for its address."""


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    started: list[ServerProcess] = []

    def start(argv: list[str]) -> ServerProcess:
        server = ServerProcess(argv, tmp_path)
        started.append(server)
        server.wait_for_url()
        return server

    yield start
    for server in started:
        if server.process.poll() is None:
            server.app_groups |= children_of(server.pid)
            server.process.kill()
            server.process.wait()
        for pid in members_of_groups(
            server.app_groups
        ):  # never leave an app behind, whatever failed
            os.kill(pid, signal.SIGKILL)


def stand_in_server(start_server: StartServer, app_source: str) -> ServerProcess:
    return start_server([sys.executable, "-c", SERVE_COMMAND, sys.executable, "-c", app_source])


# -- a browser tab, reduced to its websocket ------------------------------------------------


class RawTab:
    """A websocket opened by hand, so it can be dropped without a goodbye (a TCP reset)."""

    def __init__(self, port: int, headers: dict[str, str] | None = None, expect: int = 101) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        headers = {"Host": f"127.0.0.1:{port}"} | (headers or {})
        key = base64.b64encode(os.urandom(16)).decode()
        request = (
            "GET /ws?width=80&height=24 HTTP/1.1\r\n"
            + "".join(f"{name}: {value}\r\n" for name, value in headers.items())
            + f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            + "Sec-WebSocket-Version: 13\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        self.received = b""
        self.wait_for(b"\r\n\r\n")
        self.status = int(self.received.split(b" ", 2)[1])
        assert self.status == expect, self.received[:300]

    def wait_for(self, text: bytes, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.received:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                raise AssertionError(f"no {text!r} from the server after {timeout} s") from None
            if not data:
                raise AssertionError(f"server closed the websocket before sending {text!r}")
            self.received += data

    def drop(self) -> None:
        """Vanish as a crashed browser does: no close frame, the connection reset."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


def app_of_new_tab(server: ServerProcess, known: set[int]) -> int:
    """The app process the server started for the tab just opened."""
    new = wait_until(
        lambda: children_of(server.pid) - known, 20, "no app process started for the tab"
    )
    server.app_groups |= new
    assert len(new) == 1, f"one tab started {len(new)} processes"
    return next(iter(new))


# -- tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("calc.example.org", False),
    ],
)
def test_only_loopback_addresses_count_as_private(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_urls_bracket_ipv6_hosts() -> None:
    assert url_for("::1", 8000) == "http://[::1]:8000/"
    assert url_for("127.0.0.1", 8000) == "http://127.0.0.1:8000/"


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on `port`, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, port_hex = local.split(":")
            if state == "0A" and int(port_hex, 16) == port:  # 0A: LISTEN
                if len(address) == 8:
                    found.add(socket.inet_ntop(socket.AF_INET, struct.pack("<I", int(address, 16))))
                else:
                    found.add(
                        socket.inet_ntop(
                            socket.AF_INET6,
                            b"".join(
                                struct.pack("<I", int(address[i : i + 8], 16))
                                for i in range(0, 32, 8)
                            ),
                        )
                    )
    return found


def test_serve_listens_on_loopback_only_by_default_and_says_where(
    start_server: StartServer,
) -> None:
    server = start_server([sys.executable, "-m", "infusion_calc", "serve", "--port", "0"])
    assert server.url.startswith("http://127.0.0.1:")
    assert listening_addresses(server.port) == {"127.0.0.1"}
    assert "warning" not in server.stderr
    assert server.stop() == 0


def test_serve_warns_when_other_machines_can_connect(start_server: StartServer) -> None:
    server = start_server(
        [sys.executable, "-m", "infusion_calc", "serve", "--host", "0.0.0.0", "--port", "0"]
    )
    warning = server.stderr
    assert warning.startswith("warning: serving on 0.0.0.0, which other machines can reach.")
    assert "no login" in warning and "reverse proxy" in warning and "single sign-on" in warning
    assert listening_addresses(server.port) == {"0.0.0.0"}
    assert server.stop() == 0


def test_a_port_already_in_use_is_an_error_not_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "infusion_calc", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert done.returncode == 2
    assert done.stderr.startswith(f"error: cannot listen on 127.0.0.1 port {port}: ")
    assert "Traceback" not in done.stderr


def test_a_bad_catalog_is_refused_before_serving(tmp_path: Path) -> None:
    broken = tmp_path / "catalog.toml"
    broken.write_text("this is not toml [")
    done = subprocess.run(
        [sys.executable, "-m", "infusion_calc", "serve", "--port", "0", "--catalog", str(broken)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and str(broken) in done.stderr
    assert "serving" not in done.stdout


def test_the_page_only_refers_to_this_server(start_server: StartServer) -> None:
    server = start_server([sys.executable, "-m", "infusion_calc", "serve", "--port", "0"])
    with urllib.request.urlopen(server.url, timeout=10) as response:
        page = response.read().decode()
        policy = response.headers["Content-Security-Policy"]
    references = re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page)
    assert references, "the page loads nothing at all?"
    for reference in references:
        assert reference == "data:," or not re.match(r"[a-z]+:|//", reference), reference
        if reference.startswith("static/"):
            with urllib.request.urlopen(server.url + reference, timeout=10) as asset:
                assert asset.status == 200, reference
    assert "googleapis" not in page
    # The browser is told the same, so it refuses anything from another origin.
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy
    assert server.stop() == 0


def test_a_tab_dropped_abruptly_ends_an_app_that_ignores_quit_and_sigterm(
    start_server: StartServer,
) -> None:
    server = stand_in_server(start_server, STUBBORN_APP)
    tab = RawTab(server.port)
    tab.wait_for(b"stubborn app running")
    app = app_of_new_tab(server, set())
    group = members_of_groups({app})
    assert len(group) == 2, "the stand-in app and the helper it started"

    tab.drop()
    wait_until(
        lambda: not members_of_groups({app}), APP_GONE_WITHIN, f"app group {app} still running"
    )
    assert "did not quit" in server.stderr and "killing it" in server.stderr
    # The server carries on serving other tabs.
    with urllib.request.urlopen(server.url, timeout=10) as response:
        assert response.status == 200
    assert server.stop() == 0


def test_each_tab_has_its_own_app_and_stopping_the_server_ends_them_all(
    start_server: StartServer,
) -> None:
    server = stand_in_server(start_server, STUBBORN_APP)
    first = RawTab(server.port)
    first.wait_for(b"stubborn app running")
    first_app = app_of_new_tab(server, set())
    second = RawTab(server.port)
    second.wait_for(b"stubborn app running")
    second_app = app_of_new_tab(server, {first_app})
    assert first_app != second_app

    started = time.monotonic()
    assert server.stop() == 0
    assert time.monotonic() - started < APP_GONE_WITHIN + 5
    assert not members_of_groups({first_app, second_app}), "an app outlived the server"
    first.sock.close()
    second.sock.close()


def test_a_tab_dropped_while_the_real_app_starts_leaves_no_process(
    start_server: StartServer,
) -> None:
    # The case seen orphaned: the browser gone during the app's start-up.
    server = start_server([sys.executable, "-m", "infusion_calc", "serve", "--port", "0"])
    tab = RawTab(server.port)
    app = app_of_new_tab(server, set())
    tab.drop()
    wait_until(
        lambda: not members_of_groups({app}), APP_GONE_WITHIN, f"app {app} outlived its dropped tab"
    )
    assert server.stop() == 0


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"Origin": "http://calculator-ads.example"}, "a page from another site"),
        # DNS rebinding: a site's name re-pointed at 127.0.0.1, so its page looks same-origin.
        (
            {"Host": "rebound.example:{port}", "Origin": "http://rebound.example:{port}"},
            "a name that is not loopback",
        ),
    ],
)
def test_a_page_from_another_site_cannot_open_an_app(
    start_server: StartServer, headers: dict[str, Any], why: str
) -> None:
    server = start_server([sys.executable, "-m", "infusion_calc", "serve", "--port", "0"])
    headers = {name: value.format(port=server.port) for name, value in headers.items()}
    RawTab(server.port, headers, expect=403)
    time.sleep(0.3)  # an app would have been started by now
    assert not children_of(server.pid), f"{why} started an app"
    assert "refused a browser connection" in server.stderr
    assert server.stop() == 0
