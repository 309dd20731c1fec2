"""`log export --format json` writes JSON Lines screened a block at a time: exactly the text of
json_safe() line by line, the usual block found clean in one pass over its encoding."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from infusion_calc.core.safe_text import json_safe
from infusion_calc.log.json_export import json_lines_text, write_json_lines

PLAIN = '{"id":1,"result":{"note":"1 × 300 mg/15 mL → 250 mg"},"drug":"Tysabri"}'
# What a log edited by hand, or written by an older version, may hold in its stored JSON columns.
ODD = ["\x1b[2J", "\u009b", "\u202e", "\u2028", "\x7f", "\ud800", "a\rb", "\t", "x\ny", "é", "\U0001f600", "\U000e0041"]


def _line_by_line(lines: list[str]) -> str:
    return "".join(json_safe(line) + "\n" for line in lines)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.just(PLAIN), st.text(), st.sampled_from(ODD).map(lambda odd: PLAIN.replace("Tysabri", odd))),
                min_size=1, max_size=8))
def test_a_block_is_the_bytes_of_json_safe_line_by_line(lines: list[str]) -> None:
    assert json_lines_text(lines) == _line_by_line(lines)


def test_a_raw_escape_in_an_ascii_line_beside_a_non_ascii_one_is_treated_line_by_line() -> None:
    lines = ['{"note":"\x1b]0;title\x07"}', PLAIN]
    assert json_lines_text(lines) == _line_by_line(lines)


def test_written_block_by_block_the_same_text() -> None:
    lines = [PLAIN, PLAIN.replace("Tysabri", "\u202e"), PLAIN] * 700  # more than one block, one of them not clean
    text = io.StringIO()
    write_json_lines(iter(lines), text)
    assert text.getvalue() == _line_by_line(lines)
