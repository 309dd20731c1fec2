"""Regenerate every screenshot: screenshots/*.svg and *.png from the real app (Textual's own
SVG export), and screenshots/browser.png from the real browser mode (`infusion-calc serve`
in Chromium, see browser_screenshot.py).

    .venv/bin/python scripts/screenshots.py          # all of them, into screenshots/
    .venv/bin/python scripts/screenshots.py --only browser narrow-80x24

PNGs are drawn from the SVGs with rsvg-convert (Debian: librsvg2-bin, with
fonts-firacode for the SVG's font). If it is missing, this script installs both with
apt-get when it can (as root), and otherwise falls back to cairosvg if that is
importable; with neither, it writes the SVGs and says what to install.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PNG_WIDTH = 1200


@dataclass(frozen=True)
class Scene:
    name: str
    title: str
    fields: dict[str, str | bool]
    """Widget id -> text for an Input, value for a Select or the drug field, tick for a Checkbox."""
    drug: str = ""
    size: tuple[int, int] = (120, 40)
    theme: str | None = None
    encounter: bool = False
    """Open the encounter panel."""
    focus: str = "dose"
    keys: tuple[str, ...] = ()
    """Keys pressed last (to open a dialog)."""


SCENES = (
    Scene("full-vial-natalizumab-jz", "Tysabri 300 mg: one full vial, JZ", {"dose": "300 mg"}),
    Scene(
        "partial-dose-jw", "Tysabri 250 mg: a JW line for the 50 mg discarded", {"dose": "250 mg"}
    ),
    Scene(
        "weight-based-infliximab",
        "Remicade 5 mg/kg × 73 kg: four vials, JW line",
        {"dose": "5 mg/kg", "weight": "73 kg"},
        drug="J1745",
    ),
    Scene(
        "input-error", "A dose typed with a comma: the error under the field", {"dose": "1,5 mg"}
    ),
    Scene(
        "narrow-80x24", "80×24 terminal: form above the result", {"dose": "250 mg"}, size=(80, 24)
    ),
    Scene(
        "high-contrast",
        "High-contrast theme; a whole-vial option offered, not applied",
        {"dose": "280 mg", "round-within": "10"},
        theme="ward-high-contrast",
        size=(120, 40),
    ),
    Scene(
        "encounter-checks",
        "Encounter panel open: the chart note and the pre-submission checks follow it",
        {
            "dose": "250 mg",
            "given-at": "2026-03-02 09:40",
            "start": "09:40",
            "stop": "10:45",
            "dx": "G35.A",
            "payer": "medicare",
            "lot-1": "TY2291",
            "expires-1": "2027-03",
            "consent": True,
        },
        encounter=True,
        focus="dx",
        size=(120, 44),
    ),
    Scene(
        "drug-search-80x24",
        "The drug field at 80×24: 'mab' typed, matches listed at once, most-used first",
        {"drug-search": "mab"},
        focus="drug-search",
        size=(80, 24),
    ),
    Scene(
        "dose-range-question-80x24",
        "300 mL of Tysabri is 6,000 mg: F2 asks before anything is copied",
        {"dose": "300 mL"},
        size=(80, 24),
        keys=("f2",),
    ),
)


async def capture(scene: Scene) -> str:
    """The SVG of the app after typing the scene's fields."""
    from infusion_calc.loading import packaged_catalog
    from infusion_calc.tui.app import make_app

    app = make_app(packaged_catalog(), theme=scene.theme, cursor_blink=False)
    async with app.run_test(size=scene.size) as pilot:
        while app.main_screen.calculator is None:  # the form is built just after the first frame
            await pilot.pause()
        screen = app.main_screen
        if scene.drug:
            screen.query_one("#drug").value = scene.drug
            await pilot.pause()
        if scene.encounter:
            screen.query_one("#encounter").collapsed = False
            await pilot.pause()  # its fields are built as it opens
        # The focus goes first: focusing a field selects its text,
        # and the drug field searches what is typed.
        screen.set_focus(screen.query_one(f"#{scene.focus}"))
        await pilot.pause()
        for name, value in scene.fields.items():
            screen.query_one(f"#{name}").value = value  # Input, Select and Checkbox alike
        await pilot.pause()
        if scene.keys:
            await pilot.press(*scene.keys)
        return await settled_screenshot(app, pilot, title=f"infusion-calc · {scene.title}")


async def settled_screenshot(app, pilot, title: str, tries: int = 40) -> str:
    """The screen once two pictures a pause apart agree: what follows the fields (the result,
    the chart note, the checks) is drawn over a few ticks, more of them under load."""
    await pilot.pause()
    picture = app.export_screenshot(title=title)
    for _ in range(tries):
        await pilot.pause()
        again = app.export_screenshot(title=title)
        if again == picture:
            return picture
        picture = again
    raise RuntimeError(f"the screen kept changing after {tries} pauses: {title}")


LEADING_SPACES = re.compile(
    r'(<text [^>]*?x=")([\d.]+)("[^>]*?textLength=")([\d.]+)("[^>]*>)((?:&#160;)+)([^<]*</text>)'
)


def for_png(svg: str) -> str:
    """The SVG with each text run's leading spaces turned into an offset.

    rsvg-convert drops the non-breaking spaces a run starts with and draws the rest at the
    run's x, so an indented line ("     onto a second line") or a title (" Discarded units")
    lands too far left in the PNG. Moving x right by those cells, and shortening
    textLength to match, draws it where the terminal does.
    """

    def shift(match: re.Match) -> str:
        x, length, spaces, rest = (
            float(match[2]),
            float(match[4]),
            match[6].count("&#160;"),
            match[7],
        )
        cells = spaces + len(re.sub(r"&[^;]+;", "_", rest[: -len("</text>")]))
        cell = length / cells if cells else 0
        if spaces == cells:  # nothing but spaces: nothing to draw
            return match[0]
        return (
            f"{match[1]}{x + spaces * cell:g}{match[3]}{length - spaces * cell:g}{match[5]}{rest}"
        )

    return LEADING_SPACES.sub(shift, svg)


def png_converter():
    """A function svg_path, png_path -> None, or None when no converter can be had."""
    if shutil.which("rsvg-convert") is None and shutil.which("apt-get") and os.geteuid() == 0:
        print("installing librsvg2-bin and fonts-firacode with apt-get …", file=sys.stderr)
        subprocess.run(["apt-get", "update", "-qq"], check=False, stdout=subprocess.DEVNULL)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "librsvg2-bin", "fonts-firacode"],
            check=False,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
    if shutil.which("rsvg-convert"):

        def rsvg(svg: Path, png: Path) -> None:
            subprocess.run(
                ["rsvg-convert", "-w", str(PNG_WIDTH), str(svg), "-o", str(png)], check=True
            )

        return rsvg
    try:
        import cairosvg  # type: ignore[import-not-found]
    except ImportError:
        return None

    def cairo(svg: Path, png: Path) -> None:
        cairosvg.svg2png(url=str(svg), write_to=str(png), output_width=PNG_WIDTH)

    return cairo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "screenshots", help="folder for the images"
    )
    parser.add_argument(
        "--only", nargs="*", default=None, help="scene names to redo (default: all)"
    )
    options = parser.parse_args(argv)
    # Never pick up this machine's own site catalog, or its log (whose counts order the drug list).
    os.environ["INFUSION_CALC_CONFIG_DIR"] = str(options.out / ".no-config")
    os.environ["INFUSION_CALC_DATA_DIR"] = tempfile.mkdtemp(prefix="infusion-calc-screenshots-")
    options.out.mkdir(parents=True, exist_ok=True)
    convert = png_converter()
    for scene in SCENES:
        if options.only and scene.name not in options.only:
            continue
        svg = options.out / f"{scene.name}.svg"
        svg.write_text(asyncio.run(capture(scene)), encoding="utf-8")
        if convert is not None:
            with tempfile.TemporaryDirectory() as folder:
                shifted = Path(folder) / svg.name
                shifted.write_text(for_png(svg.read_text(encoding="utf-8")), encoding="utf-8")
                convert(shifted, svg.with_suffix(".png"))
        print(svg.relative_to(ROOT) if svg.is_relative_to(ROOT) else svg)
    status = 0
    if not options.only or "browser" in options.only:
        from browser_screenshot import browser_screenshot, unavailable

        reason = unavailable()
        if reason:
            print(f"No browser.png: {reason}.", file=sys.stderr)
            status = 1
        else:
            browser_screenshot(options.out / "browser.png")
            print(
                (options.out / "browser.png").relative_to(ROOT)
                if options.out.is_relative_to(ROOT)
                else "browser.png"
            )
    if convert is None:
        print(
            "No PNGs: install librsvg2-bin and fonts-firacode (apt), or cairosvg (pip).",
            file=sys.stderr,
        )
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
