"""The compiled catalog cache (issue 19, items 7-10): it cannot run code, it is read only from
a private folder of this user, its content is checked against its hash, and any cache that
fails a check is a miss (rebuilt, never an error, never trusted)."""

from __future__ import annotations

import json
import os
import pickle
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infusion_calc.cli import main

OTHER_UID = 12345
TYSABRI_2026Q1 = [
    "calc",
    "--drug",
    "Tysabri",
    "--dose",
    "250 mg",
    "--given-at",
    "2026-02-03 10:00",
    "--json",
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def cache_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.glob("catalog-*") if path.is_file())


def only_cache(folder: Path) -> Path:
    (found,) = cache_files(folder)
    return found


def payment(capsys: pytest.CaptureFixture[str]) -> str:
    status, out, err = run(capsys, *TYSABRI_2026Q1)
    assert status == 0, err
    limit: str = json.loads(out)["payment"]["limit_per_unit"]
    return limit


class Planted:
    """What a planted pickle does when loaded: leave a marker file (the issue's reproduction)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Callable[[Path], None], tuple[Path]]:
        return (Path.touch, (self.marker,))


def test_a_planted_pickle_under_the_cache_name_never_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 7: the file the next start loads is replaced by a pickle owned by another user."""
    expected = payment(capsys)
    cached = only_cache(tmp_path / "cache")
    marker = tmp_path / "marker"
    cached.write_bytes(pickle.dumps(Planted(marker)))
    os.chown(cached, OTHER_UID, OTHER_UID)
    assert payment(capsys) == expected
    assert not marker.exists()


def test_a_cache_written_in_the_right_format_by_another_user_is_not_trusted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = payment(capsys)
    cached = only_cache(tmp_path / "cache")
    data = cached.read_bytes()
    cached.write_bytes(data)  # same content, planted by someone else: still not read
    os.chown(cached, OTHER_UID, OTHER_UID)
    assert payment(capsys) == expected
    assert (
        only_cache(tmp_path / "cache").stat().st_uid == os.geteuid()
    )  # rebuilt, and the next start trusts that


def test_a_cache_folder_of_another_user_is_never_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    monkeypatch.setenv("INFUSION_CALC_CACHE_DIR", str(shared))
    expected = payment(capsys)
    cached = only_cache(shared)
    text = cached.read_bytes().replace(b"24.512", b"94.512")
    cached.write_bytes(text)
    os.chown(shared, OTHER_UID, OTHER_UID)
    os.chown(cached, OTHER_UID, OTHER_UID)
    assert payment(capsys) == expected


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o1777, 0o722])
def test_a_cache_folder_others_can_write_is_never_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], mode: int
) -> None:
    expected = payment(capsys)
    folder = tmp_path / "cache"
    cached = only_cache(folder)
    cached.write_bytes(cached.read_bytes().replace(b"24.512", b"94.512"))
    os.chmod(folder, mode)
    assert payment(capsys) == expected


def test_a_symlinked_cache_folder_or_file_is_never_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = payment(capsys)
    real = tmp_path / "cache"
    cached = only_cache(real)
    cached.write_bytes(cached.read_bytes().replace(b"24.512", b"94.512"))
    link = tmp_path / "linked-cache"
    link.symlink_to(real)
    monkeypatch.setenv("INFUSION_CALC_CACHE_DIR", str(link))
    assert payment(capsys) == expected
    elsewhere = tmp_path / "elsewhere"
    cached.rename(elsewhere)
    cached.symlink_to(elsewhere)
    monkeypatch.setenv("INFUSION_CALC_CACHE_DIR", str(real))
    assert payment(capsys) == expected


def test_a_second_real_user_planting_in_a_shared_folder_runs_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two real users: the cache folder is a shared one (mode 1777); uid 12345 plants a pickle
    under every cache name there, then this user's next `calc` runs."""
    if os.geteuid() != 0:
        pytest.skip(
            "needs root to run a child as another uid"
        )  # printed by -rs: the chown tests above still run
    shared = Path(tempfile.mkdtemp(prefix="infusion-calc-shared-"))
    try:
        os.chmod(shared, 0o1777)
        monkeypatch.setenv("INFUSION_CALC_CACHE_DIR", str(shared))
        expected = payment(capsys)
        marker = shared / "marker"
        names = [path.name for path in cache_files(shared)] or ["catalog-none"]
        payload = pickle.dumps(Planted(marker))
        for name in names:
            (shared / name).unlink(missing_ok=True)
            subprocess.run(
                ["/bin/sh", "-c", 'cat > "$1"', "sh", str(shared / name)],
                input=payload,
                user=OTHER_UID,
                check=True,
            )
            assert (shared / name).stat().st_uid == OTHER_UID
        assert payment(capsys) == expected
        assert not marker.exists()
    finally:
        subprocess.run(["rm", "-rf", str(shared)], check=False)


def test_one_changed_digit_in_the_cache_never_changes_a_payment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 9: Tysabri's 2026Q1 limit 24.512 -> 94.512 inside the cache."""
    expected = payment(capsys)
    cached = only_cache(tmp_path / "cache")
    data = cached.read_bytes()
    assert b"24.512" in data
    cached.write_bytes(data.replace(b"24.512", b"94.512"))
    assert payment(capsys) == expected


def test_a_flipped_bit_in_a_packed_ndc_list_is_a_miss_and_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Item 10: the byte before an NDC of a CMS-only code (J9173, Imfinzi) loses a bit."""
    status, listed, err = run(capsys, "catalog", "list")
    assert status == 0, err
    cached = only_cache(tmp_path / "cache")
    data = bytearray(cached.read_bytes())
    where = data.index(b"00310-4500-12") - 1
    data[where] ^= 0x04
    cached.write_bytes(bytes(data))
    assert run(capsys, "catalog", "list") == (0, listed, "")
    status, out, err = run(
        capsys, "calc", "--drug", "J9173", "--dose", "120 mg", "--vial", "120 mg", "--json"
    )
    assert status == 0, err
    assert json.loads(out)["hcpcs"] == "J9173"
    assert run(capsys, "catalog", "list") == (
        0,
        listed,
        "",
    )  # rebuilt: the next start reads a good cache


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where=st.floats(min_value=0, max_value=1, exclude_max=True), bit=st.integers(0, 7))
def test_any_flipped_bit_is_a_miss_never_an_error_or_another_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: float, bit: int
) -> None:
    folder = tmp_path / "cache"
    expected = payment(capsys)
    cached = only_cache(folder)
    data = bytearray(cached.read_bytes())
    data[int(where * len(data))] ^= 1 << bit
    cached.write_bytes(bytes(data))
    assert payment(capsys) == expected


def test_the_cache_is_plain_json_data_that_names_no_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    payment(capsys)
    data = only_cache(tmp_path / "cache").read_bytes()
    header, *lines = data.split(b"\n")
    assert header.startswith(b"infusion-calc catalog cache ")
    for line in (
        lines
    ):  # the main JSON, then one line per CMS code: no class or callable can be named and called
        json.loads(line)
    body = b"\n".join(lines)
    assert b"infusion_calc." not in body and b"__reduce__" not in body


def under_umask_000(code: str, env: dict[str, str]) -> None:
    script = f"import os; os.umask(0)\n{code}"
    subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, timeout=120
    )


def default_folders_env(home: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("INFUSION_CALC_", "XDG_"))
    }
    env["HOME"] = str(home)
    return env


def test_the_default_cache_folder_and_its_parents_are_created_0700_under_umask_000(
    tmp_path: Path,
) -> None:
    """Item 8: ~/.cache and ~/.cache/infusion-calc."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    under_umask_000(
        "from infusion_calc.cli import main; main(['calc', '--dose', '300 mg'])",
        default_folders_env(home),
    )
    for folder in (home / ".cache", home / ".cache" / "infusion-calc"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for cached in (home / ".cache" / "infusion-calc").iterdir():
        assert stat.S_IMODE(cached.stat().st_mode) & 0o077 == 0, cached


def test_the_data_folder_and_its_parents_are_created_0700_under_umask_000(tmp_path: Path) -> None:
    """Item 8: ~/.local, ~/.local/share, ~/.local/share/infusion-calc and its cms/ folder."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    data = Path(__file__).parent / "data" / "cms"
    files = [
        str(data / "asp-ndc-hcpcs-crosswalk-2025Q3.csv"),
        str(data / "asp-payment-limits-2025Q3.csv"),
    ]
    under_umask_000(
        f"from infusion_calc.cli import main; main(['data', 'import', '--replace', *{files!r}])",
        default_folders_env(home),
    )
    folder = home / ".local" / "share" / "infusion-calc" / "cms"
    assert (folder / "asp-2025Q3.json.gz").is_file()
    for each in (home / ".local", home / ".local" / "share", folder.parent, folder):
        assert stat.S_IMODE(each.stat().st_mode) == 0o700, each


def test_what_the_cache_holds_reads_back_equal(capsys: pytest.CaptureFixture[str]) -> None:
    """Every class the compiled catalog holds is one the format knows
    (a new one would make every start a miss)."""
    from infusion_calc import cache_layout, catalog_cache

    compiled = catalog_cache.load()
    again = cache_layout.decoded(cache_layout.encoded(compiled))
    assert isinstance(again, catalog_cache.Compiled)
    assert again.catalog.drugs == compiled.catalog.drugs
    assert again.quarters == compiled.quarters
    assert again.unit_answers == compiled.unit_answers
    assert again.catalog.name_index == compiled.catalog.name_index
    for code in ("J9173", "J0480", "J2323"):
        assert again.catalog.by_code(code) == compiled.catalog.by_code(code)
