"""Opening the chair-side app. Kept apart so `calc` never imports Textual.

This module imports nothing heavy: `infusion-calc` with no command (or only
`--catalog PATH`) comes here before any subcommand parser is built, so the app draws
its first frame before pint and the catalog are imported; it loads them right after.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def app_options(arguments: Sequence[str]) -> argparse.Namespace | None:
    """The options when the command line only opens the app, else None (full parser).

    Accepted: nothing, `--catalog PATH` or `--catalog=PATH`. Anything else (a command,
    `--help`, a typo) goes through the full parser and its error messages.
    """
    if not arguments:
        return argparse.Namespace(command=None, catalog=None)
    if len(arguments) == 2 and arguments[0] == "--catalog" and not arguments[1].startswith("-"):
        return argparse.Namespace(command=None, catalog=arguments[1])
    if (
        len(arguments) == 1
        and arguments[0].startswith("--catalog=")
        and len(arguments[0]) > len("--catalog=")
    ):
        return argparse.Namespace(command=None, catalog=arguments[0].split("=", 1)[1])
    return None


def launch(options: argparse.Namespace) -> int:
    """Run the app until the user quits. A site catalog that fails to load is shown in the app."""
    from infusion_calc.cli.options import (
        CommandOptions,
    )  # lazy: --version and --help import this module
    from infusion_calc.tui.app import make_app  # lazy: Textual, for the app only

    app = make_app(context=CommandOptions.read(options).context)
    app.run()
    return app.return_code or 0
