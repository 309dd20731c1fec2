"""Each command reads its options as one typed value (cli/options.py): the value's fields must be
options its parser defines, or a renamed option would silently fall back to the field's default."""

from __future__ import annotations

import argparse
from dataclasses import fields

import pytest

from infusion_calc.cli import COMMANDS, build_parser
from infusion_calc.cli.batch import BatchOptions
from infusion_calc.cli.calc_options import CalcOptions
from infusion_calc.cli.catalog_confirm import ConfirmOptions
from infusion_calc.cli.catalog_list import CatalogListOptions
from infusion_calc.cli.data import ImportOptions, StatusOptions
from infusion_calc.cli.log import LogListOptions, MigrateOptions
from infusion_calc.cli.log_export import ExportOptions
from infusion_calc.cli.log_show import ShowOptions
from infusion_calc.cli.options import CommandOptions
from infusion_calc.cli.report import ReportOptions
from infusion_calc.cli.serve import ServeOptions
from infusion_calc.cli.visit import VisitOptions

OPTIONS_OF = {
    "calc": CalcOptions,
    "visit": VisitOptions,
    "batch": BatchOptions,
    "serve": ServeOptions,
    "log list": LogListOptions,
    "log show": ShowOptions,
    "log export": ExportOptions,
    "log path": CommandOptions,
    "log migrate": MigrateOptions,
    "report": ReportOptions,
    "data import": ImportOptions,
    "data status": StatusOptions,
    "catalog list": CatalogListOptions,
    "catalog confirm-container": ConfirmOptions,
}
"""Every command line a user can run, and the options value its `run` reads."""


def _leaves(name: str, parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parsers that run something, by the words that reach them ('log list')."""
    choices = [
        action.choices
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    if not choices:
        return {name: parser}
    found: dict[str, argparse.ArgumentParser] = {}
    for word, sub in dict(choices[0]).items():
        found |= _leaves(f"{name} {word}", sub)
    return found


def _every_leaf() -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for command in COMMANDS:
        top = dict(
            next(
                a
                for a in build_parser(command)._actions
                if isinstance(a, argparse._SubParsersAction)
            ).choices
        )
        found |= _leaves(command, top[command])
    return found


def test_every_command_line_has_its_options_value_listed() -> None:
    assert sorted(_every_leaf()) == sorted(OPTIONS_OF)


@pytest.mark.parametrize("command", sorted(OPTIONS_OF))
def test_an_options_value_reads_only_options_its_parser_defines(command: str) -> None:
    parser = _every_leaf()[command]
    defined = {action.dest for action in parser._actions} | {"catalog"}
    read = {field.name for field in fields(OPTIONS_OF[command])}
    if OPTIONS_OF[command] is CalcOptions:  # the encounter fields are read into one EncounterText
        read -= {"encounter", "vials"}
        assert "vial" in defined
    assert read <= defined, f"{command} reads options its parser does not define: {read - defined}"


def test_repeated_options_are_frozen_and_absent_ones_keep_their_default() -> None:
    options = ServeOptions.read(argparse.Namespace(allow_host=["a.example", "b.example"]))
    assert options.allow_host == ("a.example", "b.example")
    assert (options.host, options.port, options.catalog) == ("127.0.0.1", 8000, None)
    with pytest.raises(AttributeError):
        options.host = "0.0.0.0"  # type: ignore[misc]
