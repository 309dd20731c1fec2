"""The main screen's key bindings (F2 to F9, Ctrl+N, Tab, PageUp/PageDown): their ids are what a
site's config.toml [keys] table names (tui/keymap.py), and F1 lists them all."""

from __future__ import annotations

from textual.binding import Binding, BindingType

MAIN_BINDINGS: list[BindingType] = [
    Binding(
        "f2",
        "copy_claim_lines",
        "Copy claim",
        id="copy-claim-lines",
        tooltip="Copy the claim lines (HCPCS, modifier, units, NDC) as tab-separated text",
    ),
    Binding(
        "f3",
        "copy_chart_text",
        "Copy chart",
        id="copy-chart-text",
        tooltip="Copy the chart documentation text",
    ),
    Binding(
        "f4",
        "save_to_file",
        "Write to file",
        id="save-to-file",
        tooltip=("Write the chart text and claim lines to a new text file in the user data folder"),
    ),
    Binding(
        "f5",
        "copy_as",
        "Copy as…",
        id="copy-as",
        tooltip="Copy the claim lines as CMS-1500, UB-04, 837P, 837I, FHIR, CSV, JSON or text",
    ),
    Binding(
        "f6",
        "save_to_log",
        "Save to log",
        id="save-to-log",
        tooltip=(
            "Save this administration (result, chart note, "
            "checks, encounter) to the administration log"
        ),
    ),
    Binding(
        "f7",
        "jump_to_result",
        "Result",
        id="jump-to-result",
        tooltip=("Jump to the result, then the checks, then the chart text, then back to the form"),
    ),
    Binding(
        "f8",
        "report",
        "Report",
        id="report",
        tooltip=(
            "Waste and revenue from the administration log: charts by drug and by month, what-ifs"
        ),
    ),
    Binding(
        "f9",
        "add_to_visit",
        "Add drug",
        id="add-to-visit",
        show=False,  # the bar is full: F1 and README list it
        tooltip=(
            "Add the drug on screen to this patient's visit, and start the next drug of the visit"
        ),
    ),
    Binding(
        "ctrl+n",
        "clear",
        "Next patient",
        id="clear",
        tooltip="Clear the form for the next patient",
    ),
    # Tab moves the focus at once, in the app, before the next key is handed on (not later, in
    # the field's own queue): text typed right after a Tab lands in the next field.
    Binding("tab", "app.focus_next", "Next field", show=False, priority=True, id="next-field"),
    Binding(
        "shift+tab",
        "app.focus_previous",
        "Previous field",
        show=False,
        priority=True,
        id="previous-field",
    ),
    # From the form too (priority): the form is never scrolled by a page, the result is.
    Binding(
        "pagedown",
        "scroll_result(1)",
        "Scroll the result down",
        id="scroll-result-down",
        show=False,
        priority=True,
    ),
    Binding(
        "pageup",
        "scroll_result(-1)",
        "Scroll the result up",
        id="scroll-result-up",
        show=False,
        priority=True,
    ),
]
