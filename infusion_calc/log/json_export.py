"""`log export --format json`: JSON Lines made safe a block of lines at a time.

Each line goes out as `json_safe` makes it (core/safe_text.py: the same JSON value, nothing that
acts on a terminal). Its printable fast path looks every character up in the Unicode tables, 160 MB
of text over 100,000 entries (the results hold ×, → and −); a block's UTF-8 encoding is screened
instead: deleting its printable ASCII bytes leaves only the non-ASCII characters and the controls,
a few bytes a line. When those are all printable, `json_safe` would change nothing and the block
is written as it is; any other block goes line by line through `json_safe`. (Counted with
cachegrind over 100,000 entries: 7% fewer instructions for the whole export.)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import IO

from infusion_calc.core.safe_text import json_safe

BLOCK = 500
_PLAIN_ASCII = bytes(range(0x20, 0x7F)) + b"\n"
"""Bytes that are printable ASCII, or the line feed ending each line: nothing json_safe escapes."""


def _needs_nothing(text: str) -> bool:
    try:
        rest = text.encode("utf-8").translate(None, _PLAIN_ASCII)  # non-ASCII characters and controls
    except UnicodeEncodeError:  # a lone surrogate: json_safe writes it as an escape
        return False
    return not rest or rest.decode("utf-8").isprintable()


def json_lines_text(lines: list[str]) -> str:
    """The lines, each made safe by `json_safe` and ended by a line feed."""
    text = "\n".join(lines) + "\n"
    return text if _needs_nothing(text) else "".join(json_safe(line) + "\n" for line in lines)


def write_json_lines(lines: Iterator[str], stream: IO[str]) -> None:
    """Every line to `stream`, BLOCK lines at a time (flat memory)."""
    while block := list(itertools.islice(lines, BLOCK)):
        stream.write(json_lines_text(block))
