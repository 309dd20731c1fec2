"""`infusion-calc` with no command opens the app; `--catalog PATH` passes the site file on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infusion_calc.cli import main
from infusion_calc.cli.tui_launcher import app_options
from infusion_calc.core.catalog.catalog import Catalog


@pytest.mark.parametrize(
    ("arguments", "catalog"),
    [([], None), (["--catalog", "site.toml"], "site.toml"), (["--catalog=site.toml"], "site.toml")],
)
def test_opening_the_app_takes_no_command_or_only_a_catalog(
    arguments: list[str], catalog: Catalog
) -> None:
    options = app_options(arguments)
    assert options is not None and options.catalog == catalog


@pytest.mark.parametrize(
    "arguments", [["calc", "--dose", "300 mg"], ["--help"], ["--catalog"], ["--catalgo", "x"]]
)
def test_anything_else_goes_to_the_full_parser(arguments: list[str]) -> None:
    assert app_options(arguments) is None


def test_main_without_a_command_runs_the_app_with_the_site_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    class FakeApp:
        return_code = 0

        def run(self) -> None:
            seen["ran"] = True

    def fake_make_app(**kwargs: Any) -> FakeApp:
        seen.update(kwargs)
        return FakeApp()

    monkeypatch.setattr("infusion_calc.tui.app.make_app", fake_make_app)
    assert main(["--catalog", "site.toml"]) == 0
    assert seen["ran"] and seen["context"].catalog_file == Path(
        "site.toml"
    )  # the one context, built by the CLI


def test_help_lists_the_catalog_option_for_the_app(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "--catalog PATH" in capsys.readouterr().out
