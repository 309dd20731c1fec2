"""Whole numbers in solid block digits, three rows tall.

Textual's Digits draws with thin box lines, which read poorly from a step away and
on a bright screen; these are filled half-blocks from a 3×5 pixel font (each text
row holds two pixel rows), so every digit is a solid shape.
"""

from __future__ import annotations

from textual.widgets import Static

# 3×5 pixels per digit, "#" = ink.
_PIXELS = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", "###", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", "..#", "..#", "..#"),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
}
_HALF_BLOCKS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def _glyph(pixels: tuple[str, ...]) -> tuple[str, str, str]:
    rows = [
        "...",
        *pixels,
    ]  # 6 pixel rows = 3 text rows; the blank one on top keeps it off the title
    return tuple(  # type: ignore[return-value]
        "".join(
            _HALF_BLOCKS[(top == "#", bottom == "#")] for top, bottom in zip(rows[i], rows[i + 1])
        )
        for i in (0, 2, 4)
    )


GLYPHS = {digit: _glyph(pixels) for digit, pixels in _PIXELS.items()}


def render_number(value: int) -> str:
    """The three text rows of `value` in block digits, one column between digits."""
    digits = [GLYPHS[digit] for digit in str(value)]
    return "\n".join(" ".join(glyph[row] for glyph in digits) for row in range(3))


class BigNumber(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.number: int | None = None

    def show(self, value: int) -> None:
        self.number = value
        self.update(render_number(value))
