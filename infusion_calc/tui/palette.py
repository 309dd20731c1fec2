"""The command palette's commands for the main screen: each binding it shows, the encounter
panel, the export formats once the core has loaded, help and the high-contrast switch (the
app adds them to Textual's own; built when the palette opens)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from textual.app import SystemCommand
from textual.binding import Binding


def main_commands(app: Any) -> Iterator[SystemCommand]:
    """`app` is the InfusionCalcApp (not imported here: it imports this module)."""
    main = app.main_screen
    for binding in main.BINDINGS:
        if isinstance(binding, Binding) and binding.show:  # not Tab, PageDown: plain keys
            yield SystemCommand(
                binding.description,
                binding.tooltip or binding.description,
                lambda action=binding.action: app.run_action(action, main),
            )
    yield SystemCommand(
        "Encounter details",
        "Open or close the encounter panel (chart note and checks)",
        lambda: app.run_action("toggle_encounter", main),
    )
    if app.calculator is not None:  # the export formats come from the core, loaded with it
        # lazy: imports the core: not before the first frame
        from infusion_calc.tui.actions import export_formats

        for fmt, description in export_formats():
            yield SystemCommand(
                f"Copy as {fmt}",
                f"Copy the claim lines as {description}",
                lambda fmt=fmt: app.run_action(f"copy_as('{fmt}')", main),
            )
    yield SystemCommand(
        "Help", "JW/JZ, the rounding rule and the J2326 matter (F1)", app.action_help
    )
    yield SystemCommand(
        "High contrast",
        "Switch the high-contrast theme for bright ward screens on or off",
        app.action_toggle_high_contrast,
    )
