"""Text on its way to a terminal or into a record, made unable to change either.

A drug name, a pass-through cell or a note can hold characters that act instead of
showing: ESC starts a terminal command (set the window title, clear the screen), CR
moves back over what was printed, U+2028/U+2029 break a line where a one-line field
promised none, and a bidirectional override makes text read in another order than
it was typed. `escape_controls` writes each such character as a visible escape
(`\\x1b`, `\\u2028`), the form `log list` already uses, so nothing is lost and
nothing acts. Every output path of the CLI and the exports goes through it; JSON
needs no help (it escapes control characters itself and stays exact).
"""

from __future__ import annotations

import re
import unicodedata

# Categories whose characters act rather than show: C0/C1 controls (Cc), format
# characters such as bidi overrides and zero-width marks (Cf), line and paragraph
# separators (Zl, Zp), and lone surrogates (Cs), which cannot even be encoded.
ACTING_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
"""Unicode categories refused in one-line text and escaped on output."""

_CANDIDATE = re.compile(r"[^\x20-\x7e]")  # everything outside printable ASCII is looked at


def acts(char: str) -> bool:
    """True for a character that controls a terminal or layout instead of showing."""
    return unicodedata.category(char) in ACTING_CATEGORIES


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def escape_controls(text: str, keep: str = "\n\t") -> str:
    """`text` with every acting character except those in `keep` written as a visible escape.

    Printable text comes back unchanged (the same object), so the common case costs
    two C-level checks.
    """
    if text.isascii() and text.isprintable():
        return text

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        return char if char in keep or not acts(char) else _escape(char)

    return _CANDIDATE.sub(replace, text)


def terminal_safe(text: str) -> str:
    """Text for a terminal: lines and tabs stay; a bare CR, ESC and the rest are escaped."""
    return escape_controls(text.replace("\r\n", "\n"), keep="\n\t")
