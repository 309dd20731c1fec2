"""The app's visit (F9) billed as `infusion-calc visit` bills it: by the site's setting, and the
copy and save keys (F2, F3, F5, F6) taking the whole visit: every drug line and administration
line, the one chart note, one log entry.

Expected codes follow the rules in docs/sources/administration-hierarchy.md: iron sucrose pushed
twice in one visit is 96374 then, in the hospital outpatient department only, 96376 (a repeat push
of the same drug is billed by a facility alone); in the physician office the repeat is not billed.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from infusion_calc.cli import main
from infusion_calc.tui.app import InfusionCalcApp
from test_tui_chair import _add
from tui_helpers import type_into


def _notices(app: InfusionCalcApp) -> list[str]:
    return [str(note.message) for note in app._notifications]


def _config(folder: Path, setting: str) -> None:
    (folder / "config").mkdir(exist_ok=True)
    (folder / "config" / "config.toml").write_text(
        f'[administration]\nsetting = "{setting}"\n', encoding="utf-8"
    )


async def _two_iron_pushes(pilot: Any) -> str:
    await _add(pilot, "J1756", "09:00", "09:05", dose="200 mg")
    await _add(pilot, "J1756", "10:00", "10:05", dose="200 mg")
    return str(pilot.app.main_screen.query_one("#visit").content)


@pytest.mark.parametrize(("setting", "repeat_billed"), [("hospital", True), ("office", False)])
async def test_the_apps_visit_follows_the_sites_setting(
    app: InfusionCalcApp,
    isolated_user_dirs: Path,
    setting: str,
    repeat_billed: bool,
) -> None:
    _config(isolated_user_dirs, setting)
    async with app.run_test(size=(120, 40)) as pilot:
        text = await _two_iron_pushes(pilot)
        assert "96374 × 1" in text
        assert ("96376 × 1" in text) is repeat_billed
        assert ("billed only by a facility" in text) is not repeat_billed
        assert ("hospital outpatient department" if repeat_billed else "physician office") in text


async def test_without_a_site_config_the_visit_is_the_offices(
    app: InfusionCalcApp, isolated_user_dirs: Path
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        text = await _two_iron_pushes(pilot)
        assert "physician office" in text and "96376 ×" not in text


async def _three_drugs(pilot: Any) -> None:
    await _add(pilot, "J1756", "09:00", "09:05", dose="200 mg")  # iron sucrose, a 5-minute push
    await _add(pilot, "J3380", "09:10", "09:40", dose="300 mg")  # vedolizumab
    await _add(pilot, "J9312", "09:45", "13:45", dose="375 mg/m2", bsa="1.9 m2")  # rituximab


async def test_f2_copies_the_whole_visits_claim_in_biller_order(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await _three_drugs(pilot)
        await pilot.press("f2")
        await pilot.pause()
        rows = [row.split("\t")[:3] for row in app.clipboard.splitlines()[1:]]
        codes = [
            f"{code}{'-' + modifier if modifier else ''} × {units}"
            for code, modifier, units in rows
        ]
        drug_lines = [code for code in codes if code[0] == "J"]
        assert [code.split(" ")[0].split("-")[0] for code in drug_lines] == [
            "J1756",
            "J3380",
            "J9312",
            "J9312",
            "J9312",
        ]
        assert "J9312-JW × 8" in codes and "J1756-JZ × 200" in codes
        # After every drug line, the visit's administration lines as the CLI's
        # visit lists them: vedolizumab, the first of the two complex infusions,
        # is the initial service; rituximab's hours follow its 96417.
        administration = codes[len(drug_lines) :]
        assert administration == ["96413 × 1", "96375 × 1", "96417 × 1", "96415 × 3"]
        assert any("Copied the visit's claim lines" in text for text in _notices(app))


async def test_f3_copies_the_visits_one_chart_note(app: InfusionCalcApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await _three_drugs(pilot)
        await pilot.press("f3")
        await pilot.pause()
        note = app.clipboard
        assert (
            note.startswith("Visit administration note")
            and note.count("Visit administration note") == 1
        )
        assert note.index("09:00-09:05") < note.index("09:10-09:40") < note.index("09:45-13:45")
        assert "Administrations (3, in time order)" in note and "96415 × 3" in note


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("ub04", ("J9312", "96413", "96415", "0260")),
        ("837p", ("SV1*HC:J9312:JW", "SV1*HC:96413", "SV1*HC:96375")),
        ("csv", ("J1756,JZ,200", "96417,,1")),
    ],
)
async def test_f5_copies_the_visits_claim_in_the_chosen_format(
    app: InfusionCalcApp, fmt: str, expected: tuple[str, ...]
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await _three_drugs(pilot)
        await app.run_action(f"copy_as('{fmt}')", app.main_screen)
        await pilot.pause()
        for text in expected:
            assert text in app.clipboard, text
        assert app.clipboard.count("J1756") == 1  # each drug once, all of them in one claim


async def test_a_drug_on_screen_not_in_the_visit_is_not_left_out_silently(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await _three_drugs(pilot)
        app.copy_to_clipboard("before")
        await type_into(pilot, dose="300 mg")  # the form's drug, valid, not added with F9
        await pilot.press("f2")
        await pilot.pause()
        assert app.clipboard == "before"
        assert any("not in the visit yet. F9 adds it" in text for text in _notices(app))


async def test_f6_saves_the_visit_as_one_entry_that_log_show_renders_as_the_visit(
    app: InfusionCalcApp,
    isolated_user_dirs: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        await _three_drugs(pilot)
        await pilot.press("f6")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("Saved the visit (3 drugs) as entry 1" in text for text in _notices(app))
        await pilot.press("f6")  # the same visit is not saved twice
        await pilot.pause()
        assert any("not saved twice" in text for text in _notices(app))
    with sqlite3.connect(isolated_user_dirs / "data" / "administrations.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM administration").fetchone() == (1,)
    capsys.readouterr()
    assert main(["log", "show", "1"]) == 0
    shown = capsys.readouterr().out
    assert "Visit          2026-03-02, office, 3 administrations" in shown
    for line in ("J9312-JW × 8", "96413 × 1", "96415 × 3", "96417 × 1", "96375 × 1"):
        assert line in shown, line
    assert shown.count("Visit administration note") == 1


async def test_opening_the_encounter_from_the_palette_the_first_time_goes_to_its_first_field(
    app: InfusionCalcApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await type_into(pilot, dose="300 mg")
        await app.run_action(
            "toggle_encounter", app.main_screen
        )  # the palette's "Encounter details"
        await pilot.pause()
        await pilot.pause()
        assert app.is_running and app.focused is not None and app.focused.id == "given-at"
