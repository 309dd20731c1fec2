"""`serve` answers only to its own names, on every
route, with safe headers; bad --host is one error.

DNS rebinding: a site's name re-pointed at this server's address makes the attacker's
page look same-origin, so Origin alone proves nothing; the Host the browser sends
names the attacker's site, and that is what must be refused.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from infusion_calc.serve.hosts import AllowedHosts, request_refusal
from tests.test_serve import (
    RawTab,
    StartServer,
    children_of,
    listening_addresses,
    start_server,  # noqa: F401 (fixture)
)

SERVE = [sys.executable, "-m", "infusion_calc", "serve", "--port", "0"]


def get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


# -- the rule, table-driven -------------------------------------------------------------

ON_EVERY_INTERFACE = AllowedHosts("0.0.0.0", ["calc.hospital.example"])
ON_LOOPBACK = AllowedHosts("127.0.0.1")


@pytest.mark.parametrize(
    ("allowed", "headers", "served"),
    [
        (ON_LOOPBACK, {"Host": "127.0.0.1:8000"}, True),
        (ON_LOOPBACK, {"Host": "localhost:8000", "Origin": "http://localhost:8000"}, True),
        (ON_LOOPBACK, {"Host": "[::1]:8000", "Origin": "http://[::1]:8000"}, True),
        # DNS rebinding, on loopback and on every interface:
        (ON_LOOPBACK, {"Host": "evil.example:8000", "Origin": "http://evil.example:8000"}, False),
        (
            ON_EVERY_INTERFACE,
            {"Host": "evil.example:8000", "Origin": "http://evil.example:8000"},
            False,
        ),
        (ON_EVERY_INTERFACE, {"Host": "evil.example:8000"}, False),
        # 0.0.0.0 is where it listens, not a name a browser uses:
        (ON_EVERY_INTERFACE, {"Host": "0.0.0.0:8000", "Origin": "http://0.0.0.0:8000"}, False),
        # A name the site listed, in any case, with or without the root dot:
        (
            ON_EVERY_INTERFACE,
            {"Host": "Calc.Hospital.Example", "Origin": "https://calc.hospital.example"},
            True,
        ),
        (ON_EVERY_INTERFACE, {"Host": "calc.hospital.example.:8000"}, True),
        # A listed name, but the page came from elsewhere:
        (
            ON_EVERY_INTERFACE,
            {"Host": "calc.hospital.example:8000", "Origin": "http://ads.example"},
            False,
        ),
        (
            ON_EVERY_INTERFACE,
            {"Host": "calc.hospital.example:8000", "Origin": "http://localhost:3000"},
            False,
        ),
        (ON_LOOPBACK, {"Host": "127.0.0.1:8000", "Origin": "null"}, False),
        (ON_LOOPBACK, {"Host": "127.0.0.1:8000", "Origin": "http://127.0.0.1:99999999"}, False),
        # X-Forwarded-Host is checked too, never a way around the Host check:
        (ON_LOOPBACK, {"Host": "evil.example", "X-Forwarded-Host": "127.0.0.1"}, False),
        (
            ON_LOOPBACK,
            {
                "Host": "127.0.0.1:8000",
                "X-Forwarded-Host": "evil.example",
                "Origin": "http://evil.example",
            },
            False,
        ),
        (
            ON_EVERY_INTERFACE,
            {
                "Host": "127.0.0.1:8000",
                "X-Forwarded-Host": "calc.hospital.example",
                "Origin": "https://calc.hospital.example",
            },
            True,
        ),
        # No Host, or one that cannot be read:
        (ON_LOOPBACK, {}, False),
        (ON_LOOPBACK, {"Host": "[::1"}, False),
        (ON_LOOPBACK, {"Host": "127.0.0.1:port"}, False),
    ],
)
def test_only_this_servers_names_are_served(
    allowed: AllowedHosts, headers: dict[str, Any], served: bool
) -> None:
    assert (request_refusal(headers, allowed) is None) is served


# -- the running server -----------------------------------------------------------------


def test_a_rebound_name_is_refused_on_every_route_of_a_server_on_every_interface(
    start_server: StartServer,
) -> None:
    server = start_server([*SERVE, "--host", "0.0.0.0"])
    rebound = {
        "Host": f"evil.example:{server.port}",
        "Origin": f"http://evil.example:{server.port}",
    }
    RawTab(server.port, rebound, expect=403)
    for path in ("/", "/static/js/textual.js", "/no-such-page"):
        status, _ = get(server.port, path, {"Host": rebound["Host"]})
        assert status == 403, path
    time.sleep(0.3)  # an app would have been started by now
    assert not children_of(server.pid), "a rebound page started an app"
    refusals = [
        line for line in server.stderr.splitlines() if "refused a browser connection" in line
    ]
    assert len(refusals) == 4 and all("evil.example" in line for line in refusals)
    assert "--allow-host" in server.stderr
    assert server.stop() == 0


def test_a_name_the_site_lists_is_served(start_server: StartServer) -> None:
    server = start_server([*SERVE, "--host", "0.0.0.0", "--allow-host", "calc.hospital.example"])
    status, _ = get(server.port, "/", {"Host": f"calc.hospital.example:{server.port}"})
    assert status == 200
    assert (
        "calc.hospital.example" in server.stderr.split("\n")[0]
    )  # the warning says which names are served
    assert server.stop() == 0


def test_behind_a_reverse_proxy_its_public_name_must_be_listed(start_server: StartServer) -> None:
    proxied = {
        "X-Forwarded-Host": "calc.hospital.example",
        "Origin": "https://calc.hospital.example",
    }
    unlisted = start_server(SERVE)
    RawTab(unlisted.port, proxied, expect=403)
    assert unlisted.stop() == 0
    listed = start_server([*SERVE, "--allow-host", "calc.hospital.example"])
    tab = RawTab(listed.port, proxied, expect=101)
    tab.drop()
    assert listed.stop() == 0


def test_every_response_says_nosniff_and_no_referrer_and_names_no_versions(
    start_server: StartServer,
) -> None:
    server = start_server(SERVE)
    for path, expected in (("/", 200), ("/no-such-page", 404), ("/static/no-such-file.js", 404)):
        status, headers = get(server.port, path)
        assert status == expected, path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "no-referrer", path
        assert headers["Server"] == "infusion-calc", path
    status, headers = get(server.port, "/", {"Host": "evil.example"})
    assert status == 403 and headers["Server"] == "infusion-calc"
    assert server.stop() == 0


def test_a_name_with_two_addresses_listens_on_one_port_for_both(start_server: StartServer) -> None:
    try:
        addresses = {
            info[4][0] for info in socket.getaddrinfo("localhost", 0, type=socket.SOCK_STREAM)
        }
    except OSError:
        addresses = set()
    if addresses != {"127.0.0.1", "::1"}:
        pytest.skip(f"localhost here is {sorted(addresses)}, not both 127.0.0.1 and ::1")
    server = start_server([*SERVE, "--host", "localhost"])
    assert listening_addresses(server.port) == {"127.0.0.1", "::1"}
    assert server.stop() == 0


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--host", ""], "give a host name or an IP address"),
        (["--host", "a" * 300], "at most 253 characters"),
        (["--host=--"], "not a host name or an IP address"),
        (["--host", "calc..example"], "not a host name or an IP address"),
        (["--host", "ex\u00e4mple"], "not a host name or an IP address"),
        (["--allow-host", "0.0.0.0"], "every interface"),
        (["--allow-host=--"], "not a host name or an IP address"),
        (["--allow-host", "evil.example/"], "not a host name or an IP address"),
    ],
)
def test_a_host_that_is_not_one_is_a_one_line_error(arguments: list[str], says: str) -> None:
    done = subprocess.run([*SERVE, *arguments], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert says in done.stderr
    assert "serving" not in done.stdout


def test_every_address_of_a_name_gets_the_same_free_port(monkeypatch: pytest.MonkeyPatch) -> None:
    from infusion_calc.serve import listen

    both = [
        (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", 0, 0, 0)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", 0)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: both)
    sockets = listen.listening_sockets("localhost", 0)
    try:
        assert [sock.family for sock in sockets] == [socket.AF_INET6, socket.AF_INET]
        assert len({sock.getsockname()[1] for sock in sockets}) == 1
    finally:
        for sock in sockets:
            sock.close()
