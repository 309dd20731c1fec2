"""Which host names this server answers to, and why a request is refused.

Browser mode has no login, and any web page may send requests to any address. A page
from another site is stopped by its `Origin`; DNS rebinding (another site's name
re-pointed at this server's address, so its page looks same-origin) is stopped by
the `Host` the browser sends: it names the attacker's site. So every request (page,
assets, websocket) must be addressed to a name this server is meant to be reached
by: a loopback name, the address it was bound to, or a name the site listed with
`serve --allow-host`. A reverse proxy's `X-Forwarded-Host` is held to the same list;
it never replaces the check.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

MAX_HOST_LENGTH = 253
"""The longest DNS name; anything longer is a typo (and would fail deep inside the resolver)."""
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
WILDCARDS = frozenset({"0.0.0.0", "::"})
"""Bind addresses meaning "every interface": no browser reaches the server by these names."""


def is_loopback(host: str) -> bool:
    """True only for addresses that cannot be reached from another machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may well resolve to a public interface


def normal_host(text: str) -> str | None:
    """A host name or IP literal in one spelling (lower case, IPv6 compressed),
    or None if it is neither."""
    name = text.strip("[]") if text.startswith("[") and text.endswith("]") else text
    try:
        return str(ipaddress.ip_address(name))
    except ValueError:
        pass
    name = name.lower()
    name = name[:-1] if name.endswith(".") else name  # "calc.example." is the same DNS name
    if not name or len(name) > MAX_HOST_LENGTH:
        return None
    if not name.isascii() or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        return None
    return name


def host_problem(text: str) -> str | None:
    """Why `text` is not a host name or IP address to listen on or allow, or None."""
    if not text:
        return (
            "give a host name or an IP address, e.g. 127.0.0.1 "
            "(this machine only) or 0.0.0.0 (every interface)"
        )
    if len(text) > MAX_HOST_LENGTH:
        return f"a host name is at most {MAX_HOST_LENGTH} characters; this one has {len(text):,}"
    if normal_host(text) is None:
        return (
            "not a host name or an IP address: use letters, digits, '-' and '.', e.g. "
            "calc.hospital.example or 10.0.0.5"
        )
    return None


class AllowedHosts:
    """The names a browser may use to reach this server."""

    def __init__(self, bound_to: str, extra: Iterable[str] = ()) -> None:
        names = {normal_host(name) for name in extra}
        bound = normal_host(bound_to)
        if bound is not None and bound not in WILDCARDS:
            names.add(bound)
        self.names = frozenset(name for name in names if name is not None)

    def allows(self, host: str) -> bool:
        name = normal_host(host)
        return name is not None and (is_loopback(name) or name in self.names)


def _hostname(netloc: str) -> str | None:
    """'calc.example:8000' -> 'calc.example'; None when it cannot be read."""
    try:
        parts = urlsplit(f"//{netloc}")
        parts.port  # reading it checks it: a port that is not a number raises ValueError
        return parts.hostname
    except ValueError:  # e.g. '[::1' or a port that is not a number
        return None


def request_refusal(headers: Mapping[str, str], allowed: AllowedHosts) -> str | None:
    """Why this request must be refused, or None when it may be served."""
    host = headers.get("Host", "")
    hostname = _hostname(host)
    if not hostname or not allowed.allows(hostname):
        return (
            f"it was addressed to {host!r}, which is not a name "
            "of this server (add it with --allow-host if it is)"
        )
    forwarded = [
        name.strip() for name in headers.get("X-Forwarded-Host", "").split(",") if name.strip()
    ]
    for name in forwarded:
        forwarded_name = _hostname(name)
        if not forwarded_name or not allowed.allows(forwarded_name):
            return (
                f"the proxy forwarded it for {name!r}, which is not a name of this server (add it "
                "with --allow-host if it is)"
            )
    origin = headers.get("Origin")
    if origin is None:
        return None  # not sent by a page (browsers always send it on a websocket)
    try:
        parts = urlsplit(origin)
        parts.port  # checks it
        same_server = (
            parts.scheme in ("http", "https")
            and allowed.allows(parts.hostname or "")
            # Same origin: the page came from the very address the request went to.
            and parts.netloc.lower() in {name.lower() for name in (host, *forwarded)}
        )
    except ValueError:  # "null" from a sandboxed frame reads fine; a malformed port does not
        same_server = False
    return None if same_server else f"the page came from another site ({origin})"
