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

from infusion_calc.core.errors import InputError

# Categories whose characters act rather than show: C0/C1 controls (Cc), format
# characters such as bidi overrides and zero-width marks (Cf), line and paragraph
# separators (Zl, Zp), and lone surrogates (Cs), which cannot even be encoded.
ACTING_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
"""Unicode categories refused in one-line text and escaped on output."""

# Every character of those categories (Unicode 14-15), so only they reach the Python-level
# check; other text, accents and symbols included, is passed over at C speed. A test checks
# this class covers every acting character of the running Python's Unicode database.
_CANDIDATE_PATTERN = (
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)


def _candidates() -> re.Pattern[str]:
    return re.compile(
        _CANDIDATE_PATTERN
    )  # compiled on first use (re caches it): start-up pays nothing


def acts(char: str) -> bool:
    """True for a character that controls a terminal or layout instead of showing."""
    return unicodedata.category(char) in ACTING_CATEGORIES


def _escape(char: str) -> str:
    code = ord(char)
    return (
        f"\\x{code:02x}"
        if code <= 0xFF
        else f"\\u{code:04x}"
        if code <= 0xFFFF
        else f"\\U{code:08x}"
    )


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

    return _candidates().sub(replace, text)


def terminal_safe(text: str) -> str:
    """Text for a terminal: lines and tabs stay; a bare CR, ESC and the rest are escaped."""
    return escape_controls(text.replace("\r\n", "\n"), keep="\n\t")


def _json_escape(char: str) -> str:
    code = ord(char)
    if code > 0xFFFF:  # JSON escapes a character outside the BMP as its UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_safe(json_text: str) -> str:
    """JSON text with every acting character inside its strings written as a \\u escape.

    The JSON value is exactly the same (a parser reads the escape back as the character);
    only its bytes can no longer drive a terminal: `json.dumps(..., ensure_ascii=False)`
    escapes C0 controls but leaves C1 controls (U+009B is a CSI), bidi overrides, U+2028
    and lone surrogates (which cannot even be written as UTF-8) as they are.
    """
    between_tokens = (
        json_text.replace("\n", "") if "\n" in json_text else json_text
    )  # an exported line has none
    if between_tokens.isprintable():  # in C, no Python per character
        # No character of an acting category is printable (a test checks), and a raw LF is JSON's
        # own whitespace: nothing to escape. Not "ASCII, so json.dumps escaped it": an exported line
        # splices in stored text, which a hand-edited log can hold with a raw ESC in it.
        return json_text

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        # Raw LF, CR and TAB in JSON text are whitespace between tokens (in a string they are
        # always escaped), so they stay.
        return _json_escape(char) if char not in "\n\r\t" and acts(char) else char

    return _candidates().sub(replace, json_text)


def free_text(
    value: str, field: str, label: str, limit: int, *, multiline: bool = False
) -> str | None:
    """Typed free text, trimmed, or None when blank; InputError(field, ...) saying what to fix.

    Invisible characters (zero-width, bidirectional overrides) would make the pasted chart text
    read differently from what was typed, so they are refused rather than stripped silently.
    U+2028/U+2029 (and CR, VT, FF, NEL) break a line as surely as LF does, so the one-line rule
    refuses them too, and even multi-line text takes only LF (a CRLF pair is read as LF).
    """
    text = value.replace("\r\n", "\n").strip() if isinstance(value, str) else ""
    if not text:
        return None
    for char in text:
        if acts(char) and not (char == "\n" and multiline):
            advice = (
                "type it as plain text; start a new line with Enter only"
                if multiline
                else "type it as plain text on one line"
            )
            raise InputError(field, f"{label} contains {_named(char)}: {advice}.")
    if len(text) > limit:
        raise InputError(
            field, f"{label} is {len(text)} characters long; at most {limit} fit the chart note."
        )
    return text


def _named(char: str) -> str:
    if char == "\n":
        return "a line break"
    if unicodedata.category(char) in ("Zl", "Zp") or char in "\r\x0b\x0c\x85":
        return f"a line or paragraph separator (U+{ord(char):04X})"
    return f"the invisible character U+{ord(char):04X}"
