"""The `infusion-calc` command. Thin: it parses arguments and calls the core.

No arguments opens the chair-side app; `calc` is the scriptable calculator. The TUI
(and Textual with it) is imported only in the branch that launches it, so `calc`
starts as fast as pint alone.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence


class StrictParser(argparse.ArgumentParser):
    """argparse, but a usage error is one `error:` line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"error: {message} (see '{self.prog} --help')\n")
        raise SystemExit(2)

    def _get_values(self, action: argparse.Action, arg_strings: list[str]):  # type: ignore[override]
        # `--drug=--` gives the value "--". Python 3.11's argparse strips that "--" as if it
        # ended the options and hands the option an empty list, which no command expects.
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)


def build_parser() -> StrictParser:
    from infusion_calc import __version__
    from infusion_calc.cli import batch, calc, log, serve
    from infusion_calc.cli.common import add_catalog_option

    parser = StrictParser(
        prog="infusion-calc",
        description="Dose-and-waste calculator for single-dose vials. With no command, opens the chair-side app.",
    )
    parser.add_argument("--version", action="version", version=f"infusion-calc {__version__}")
    add_catalog_option(parser)  # `infusion-calc --catalog PATH` opens the app with that site file
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=StrictParser)
    calc.register(commands)
    batch.register(commands)
    serve.register(commands)
    log.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    from infusion_calc.cli.tui_launcher import app_options, launch

    if (app_only := app_options(arguments)) is not None:
        # Opening the app skips build_parser: the subcommands import the core, and the
        # app's first frame must not wait for pint and the catalog (README, start-up).
        return launch(app_only)
    parser = build_parser()
    try:
        options = parser.parse_args(arguments)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if options.command is None:
        from infusion_calc.cli.tui_launcher import launch

        return launch(options)
    try:
        return options.run(options)
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # never a traceback for a user; say what happened
        sys.stderr.write(f"error: internal error ({type(error).__name__}: {error}); please report it\n")
        return 1
