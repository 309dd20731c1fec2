"""`infusion-calc serve`: the chair-side app in web browsers, one app process per tab."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from infusion_calc.cli.common import add_catalog_option, fail
from infusion_calc.cli.options import CommandOptions
from infusion_calc.core.errors import CatalogError
from infusion_calc.serve.hosts import WILDCARDS, host_problem, normal_host
from infusion_calc.serve.server import BrowserServer, is_loopback, url_for

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

EXPOSED_WARNING = (
    "warning: serving on {host}, which other machines can reach. Browser mode has no login: "
    "anyone who can open {url} can use the calculator. Put it behind the site's reverse proxy "
    "and single sign-on, or use the default --host 127.0.0.1. Browsers are served only when they "
    "address this server by a loopback name{bound} or a name given with --allow-host{allowed}.\n"
)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "serve",
        help="open the chair-side app in web browsers (one app per tab)",
        description=(
            "Serve the chair-side app to web browsers. Each tab runs its own copy of the app; "
            "closing the tab ends it. Nothing is fetched from the internet. There is no login: "
            "by default only this machine can connect."
        ),
    )
    parser.add_argument(
        "--host",
        type=listen_host,
        default=DEFAULT_HOST,
        help=(
            f"address to listen on (default {DEFAULT_HOST}, this "
            "machine only; 0.0.0.0 exposes it: see the README)"
        ),
    )
    parser.add_argument(
        "--allow-host",
        type=allowed_host,
        action="append",
        default=[],
        metavar="NAME",
        help=(
            "a host name (or address) browsers use to reach this server, besides loopback names "
            "and --host: the reverse proxy's public name, or this machine's name on the network; "
            "repeatable. Requests addressed to any other name are refused (DNS rebinding)"
        ),
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        help=f"TCP port to listen on (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    add_catalog_option(parser)
    parser.set_defaults(run=run)


def listen_host(text: str) -> str:
    problem = host_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text.strip("[]") if text.startswith("[") else text  # "[::1]" as typed in a URL is "::1"


def allowed_host(text: str) -> str:
    problem = host_problem(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    if normal_host(text) in WILDCARDS:
        raise argparse.ArgumentTypeError(
            f"{text} means every interface, not a name browsers use; "
            "give the name or address they type"
        )
    return text


def port_number(text: str) -> int:
    # [0-9], not isdigit(): that also takes superscripts and other scripts' digits.
    if not re.fullmatch(r"[0-9]{1,5}", text) or int(text) > 65535:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a port number; expected a whole number from 0 to 65535"
        )
    return int(text)


@dataclass(frozen=True, kw_only=True)
class ServeOptions(CommandOptions):
    """`serve`'s options (see `register` for their help)."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    allow_host: tuple[str, ...] = ()


def app_command(options: ServeOptions) -> list[str]:
    """What each browser tab runs: this very app, with the same catalog choice."""
    command = [sys.executable, "-m", "infusion_calc"]
    if options.catalog:
        # Absolute, so the app finds it whatever its working folder.
        command += ["--catalog", str(Path(options.catalog).resolve())]
    return command


def run(namespace: argparse.Namespace) -> int:
    options = ServeOptions.read(namespace)
    try:
        options.context.catalog  # a bad catalog is one error now, not one broken app per tab
    except CatalogError as error:
        return fail(str(error))
    if not is_loopback(options.host):
        shown_port = options.port or "PORT"
        sys.stderr.write(
            EXPOSED_WARNING.format(
                host=options.host,
                url=url_for(options.host, shown_port),
                bound="" if options.host in WILDCARDS else f", by {options.host}",
                allowed=f" ({', '.join(options.allow_host)})"
                if options.allow_host
                else " (none given)",
            )
        )
    logging.basicConfig(level=logging.INFO, format="infusion-calc: %(message)s", stream=sys.stderr)
    server = BrowserServer(app_command(options), options.host, options.port, options.allow_host)
    try:
        asyncio.run(server.run())
    except OSError as error:
        reason = error.strerror or str(error)
        return fail(
            f"cannot listen on {options.host} port {options.port}: {reason}; "
            "choose another with --host/--port"
        )
    return 0
