"""The `infusion-calc` command. Thin: it parses arguments and calls the core.

No arguments opens the chair-side app; `calc` is the scriptable calculator. The TUI
(and Textual with it) is imported only in the branch that launches it, so `calc`
starts as fast as pint alone.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import importlib
import sys
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, TextIO

from infusion_calc import __version__
from infusion_calc.cli import exits
from infusion_calc.cli.exits import one_line
from infusion_calc.cli.tui_launcher import app_options, launch

if TYPE_CHECKING:
    from infusion_calc.log import SavedEntry


class StrictParser(argparse.ArgumentParser):
    """argparse, but a usage error is one `error:` line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse quotes what was typed: a newline or an escape sequence in it stays on one line.
        sys.stderr.write(f"error: {one_line(message)} (see '{self.prog} --help')\n")
        raise SystemExit(2)

    def _get_values(self, action: argparse.Action, arg_strings: list[str]) -> Any:
        # `--drug=--` gives the value "--". Python 3.11's argparse strips that "--" as if it
        # ended the options and hands the option an empty list, which no command expects.
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)


# The subcommands in the order `--help` lists them: name -> (module, the line `--help` shows).
# Only the module of the command typed is imported, so `--version`, `--help` or `log path`
# never pay for the calculator's imports (pint, pydantic). Each module's register() gives
# the same line (a test compares them).
COMMANDS = {
    "calc": (
        "infusion_calc.cli.calc",
        "calculate vials, volume, billing units and claim lines for one dose",
    ),
    "visit": (
        "infusion_calc.cli.visit",
        "calculate every drug of one visit (a TOML file): "
        "drug lines, administration codes, one claim and note",
    ),
    "batch": (
        "infusion_calc.cli.batch",
        "calculate every order in a CSV file; one output row per claim line",
    ),
    "serve": (
        "infusion_calc.cli.serve",
        "open the chair-side app in web browsers (one app per tab)",
    ),
    "log": (
        "infusion_calc.cli.log",
        "the administration log: list, show and export calculations saved with --save",
    ),
    "report": (
        "infusion_calc.cli.report",
        "waste and revenue from the administration log: per drug and month, risks and what-ifs",
    ),
    "data": (
        "infusion_calc.cli.data",
        "import CMS's quarterly drug files, or show which quarters are loaded",
    ),
    "catalog": (
        "infusion_calc.cli.catalog_list",
        "list the drug codes the calculator knows, or keep a vial's container",
    ),
}


def build_parser(command: str | None = None) -> StrictParser:
    """The parser with `command` fully registered;
    every other subcommand is a name and its help line."""
    # lazy: opening the app skips the parser and its options
    from infusion_calc.cli.common import add_catalog_option

    parser = StrictParser(
        prog="infusion-calc",
        description=(
            "Dose-and-waste calculator for single-dose vials. "
            "With no command, opens the chair-side app."
        ),
    )
    parser.add_argument("--version", action="version", version=f"infusion-calc {__version__}")
    add_catalog_option(parser)  # `infusion-calc --catalog PATH` opens the app with that site file
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=StrictParser)
    for name, (module, summary) in COMMANDS.items():
        if name == command:
            importlib.import_module(module).register(commands)
        else:
            commands.add_parser(name, help=summary, add_help=False)
    return parser


def parse(arguments: list[str]) -> argparse.Namespace:
    """Two passes: the first finds which command was typed (or answers --help and --version);
    the second parses with only that command's module imported and registered.

    The collector is paused meanwhile, and what was imported is frozen after: the command's
    module (the core with it: some 50 record classes, the catalog's code) makes only objects
    that live as long as the process, which the young collections during the import walked again
    and again, and every full collection after it would walk once more (about 9 ms of a batch's
    start). Frozen only when something was imported, so a process calling main() many times (the
    tests) freezes what it happens to hold at most once per command."""
    modules, was_enabled = len(sys.modules), gc.isenabled()
    gc.disable()
    try:
        typed, _ = build_parser().parse_known_args(arguments)
        if typed.command is None:
            # no command: extra words are still an error
            return build_parser().parse_args(arguments)
        return build_parser(typed.command).parse_args(arguments)
    finally:
        if len(sys.modules) > modules:
            gc.freeze()
        if was_enabled:
            gc.enable()


def _escaped(char: str) -> str:
    """A character as printable ASCII: an undecoded byte (U+DC80-U+DCFF) as the byte it was, any
    other lone surrogate (only a caller of main() can pass one) as its code point."""
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"
    if "\ud800" <= char <= "\udfff":
        return f"\\u{ord(char):04x}"
    return char.encode("ascii", "backslashreplace").decode("ascii")


def undecodable_argument(arguments: Sequence[str]) -> str | None:
    """Why an argument cannot be used as text, or None.

    Bytes that are not UTF-8 reach Python as lone surrogates; written to the log, a
    file or a strict UTF-8 output they fail deep inside, after part of the work is done.
    """
    for position, argument in enumerate(arguments, start=1):
        if "\x00" in argument:  # cannot come from a shell; a file name with it fails deep in the OS
            return f"argument {position} contains a NUL character; type it as plain text"
        bad = next((char for char in argument if "\ud800" <= char <= "\udfff"), None)
        if bad is not None:
            shown = one_line("".join(_escaped(char) for char in argument))
            what = f"byte 0x{ord(bad) - 0xDC00:02x}" if ord(bad) >= 0xDC80 else "a lone surrogate"
            return (
                f"argument {position} ('{shown}') is not UTF-8 text ({what}); type it as plain text"
            )
    return None


@cache  # once per process: the tests call main() many times
def _skip_the_last_collections() -> None:
    """At exit the interpreter collects every generation again, walking every object the command
    made (the catalog, pydantic's schema, a batch's kept answers: 10 to 30 ms of a small batch,
    about 0.3 s of a 50,000-row one) to find cycles in memory the process gives back whole.
    Frozen, they are skipped; they are still freed, and what a command opens it closes itself
    (`with`, explicit closes).
    Registered at the start of main(): atexit runs it after the handlers the command registers."""
    atexit.register(gc.freeze)


def main(argv: Sequence[str] | None = None) -> int:
    _skip_the_last_collections()
    arguments = list(sys.argv[1:] if argv is None else argv)
    problem = undecodable_argument(arguments)
    if problem:
        sys.stderr.write(f"error: {problem}\n")
        return 2
    # lazy: imports the core, which `import infusion_calc.cli` (the app) does not
    from infusion_calc.unit_definitions import use_packaged_units

    # the core's parser reads no file: the edge hands it the unit definitions, once per start
    use_packaged_units()

    if (app_only := app_options(arguments)) is not None:
        # Opening the app skips build_parser: the subcommands import the core, and the
        # app's first frame must not wait for pint and the catalog (README, start-up).
        return launch(app_only)
    try:
        options = parse(arguments)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    if options.command is None:
        return launch(options)
    return run_command(options)


def run_command(options: argparse.Namespace) -> int:
    """Run a subcommand; every way it can fail is one `error:`
    line and a status that tells it (cli/exits.py)."""
    real_stdout = sys.stdout
    sys.stdout = exits.GuardedOutput(real_stdout)  # a text stream in all but name
    try:
        command: Callable[[argparse.Namespace], int] = options.run
        status = command(options)
        sys.stdout.flush()  # now, while a failure can still be reported, not at exit
        return status
    except exits.SavedThenFailed as failed:  # the save happened first: the status says so (exit 3)
        return _failed(failed.__cause__, real_stdout, failed.entry)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        return _failed(error, real_stdout)
    finally:
        sys.stdout = real_stdout


def _failed(
    error: BaseException | None, real_stdout: TextIO, saved: SavedEntry | None = None
) -> int:
    """The `error:` line and the status for a command that raised `error`
    (after saving `saved`, if any)."""
    if isinstance(error, exits.OutputFailed):
        exits.discard_pending_output(real_stdout)
        return exits.output_failed(error, saved)
    if isinstance(error, KeyboardInterrupt):
        return 130
    if isinstance(error, RecursionError):
        sys.stderr.write("error: the input is nested too deeply to read; nothing was saved\n")
        return 2
    if isinstance(
        error, OSError
    ):  # the environment, not the input: a full disk on --out, an unreadable folder
        exits.discard_pending_output(real_stdout)
        return exits.environment_failed(error, saved)
    # Never a traceback for a user; say what happened.
    what = f"{type(error).__name__}: {one_line(str(error))}"
    also = (
        f"; the calculation WAS saved as administration log entry {saved.id}: do not save it again"
        if saved
        else ""
    )
    sys.stderr.write(f"error: internal error ({what}); please report it{also}\n")
    return exits.SAVED_BUT_OUTPUT_FAILED if saved else exits.INTERNAL
