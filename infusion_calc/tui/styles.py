"""The app's one stylesheet (app.tcss), read in two parts: the rules above LATER_STYLES style the
first frame; the rest (the encounter panel, the result's body, the dialogs) are added as the later
rows mount. Parsing the whole file cost the first frame about 10 ms of its start.

The rules keep the file's order (the first part, then the rest), so every finished screen is
styled as from the whole file; none of the later rules styles a widget of the first frame as it
is then (tests/tui/test_tui_usable_form.py), so nothing mounted is restyled when they come. Some
style its widgets in a state they reach only once the core has loaded, after the later rules
are added (an error under a field, an invalid result): the fewer rules the first frame parses,
the sooner it comes (about 1 ms a kilobyte).
"""

from __future__ import annotations

from pathlib import Path

from textual.css.stylesheet import Stylesheet

STYLESHEET = Path(__file__).with_name("app.tcss")
LATER_STYLES = "/* AFTER THE FIRST FRAME"
"""Where the rules for what mounts after the first frame begin."""


def add_first_part(stylesheet: Stylesheet) -> str:
    """Add the rules above LATER_STYLES where Textual's CSS_PATH would put the file (first, under
    its path); return the rest, for `add_later_part`."""
    first, marker, later = STYLESHEET.read_text(encoding="utf-8").partition(LATER_STYLES)
    stylesheet.add_source(first, read_from=(str(STYLESHEET), ""))
    return marker + later


def add_later_part(stylesheet: Stylesheet, later: str) -> None:
    stylesheet.add_source(later, read_from=(str(STYLESHEET), "after the first frame"))
