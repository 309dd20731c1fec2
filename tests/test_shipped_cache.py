"""The catalog cache shipped in the package (issue 23, item 6: a fresh install's first run).

data/compiled-catalog.json is the packaged sources (the curated catalog, the sealed CMS quarters,
the unit definitions) compiled by a cache miss's own path, built by scripts/build_cms_data.py and
sealed in cms/sealed.py. It must be exactly what compiling those sources gives now (so it can
never drift from the code or the data), it must never be used when its bytes are not the sealed
ones, and what it stands in for must be what the one validation path gives.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import subprocess
import sys
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from infusion_calc import catalog_cache
from infusion_calc.cache_layout import encoded
from infusion_calc.catalog_cache import SHIPPED_FILE, Compiled, load
from infusion_calc.cms import sealed
from infusion_calc.cms.store import PACKAGED_FILE, cms_dir, quarter_files, quarter_texts

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = files("infusion_calc.data").joinpath(SHIPPED_FILE).read_bytes()
REBUILD = "python scripts/build_cms_data.py --compiled-only"
BUILD = (
    "import sys; from infusion_calc.catalog_cache import shipped_cache; "
    "sys.stdout.buffer.write(shipped_cache())"
)
Compile = Callable[..., Compiled]


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[Compiled | None]:
    """The `shipped` argument of each compile a miss makes during the test
    (none: nothing compiled)."""
    seen: list[Compiled | None] = []
    original: Compile = catalog_cache._compile

    def spied(*args: Any, **kwargs: Any) -> Compiled:
        seen.append(args[4] if len(args) > 4 else kwargs.get("shipped"))
        return original(*args, **kwargs)

    monkeypatch.setattr(catalog_cache, "_compile", spied)
    return seen


def _ship(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, data: bytes) -> None:
    """The package's data as if it shipped `data` in place of the built file."""
    planted = tmp_path / SHIPPED_FILE
    planted.write_bytes(data)
    monkeypatch.setattr(catalog_cache, "_shipped_file", lambda: planted)


def _cached_body(folder: Path) -> bytes:
    (found,) = folder.glob("catalog-*.json")
    return found.read_bytes().partition(b"\n")[2]


def _price(compiled: Compiled, code: str = "J2323") -> str:
    limit: str = compiled.quarters[-1].prices[code]["payment_limit"]
    return limit


def test_the_shipped_cache_is_what_compiling_the_packaged_sources_gives_now() -> None:
    # In a fresh process, as the build runs it: the unit answers are the compile's own.
    now = subprocess.run(
        [sys.executable, "-c", BUILD], cwd=ROOT, capture_output=True, check=True
    ).stdout
    assert now == SHIPPED, f"the shipped catalog cache is out of date: run `{REBUILD}`"


def test_the_recorded_seal_is_the_digest_of_the_shipped_file() -> None:
    assert sealed.COMPILED_SHA256 == hashlib.sha256(SHIPPED).hexdigest(), f"run `{REBUILD}`"


def test_a_first_run_uses_the_shipped_cache_and_keeps_it_as_its_own(
    compiles: list[Compiled | None], isolated_user_dirs: Path
) -> None:
    compiled = load()
    assert compiles == []  # nothing validated or compiled: no pydantic, no pint
    assert _cached_body(isolated_user_dirs / "cache") == SHIPPED.partition(b"\n")[2]
    assert load() == compiled  # the next start reads the user's own cache


@pytest.mark.parametrize("recomputed_header", [False, True], ids=["as is", "header remade"])
def test_a_tampered_shipped_file_is_refused_and_everything_compiled(
    compiles: list[Compiled | None],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    recomputed_header: bool,
) -> None:
    expected = _price(load())  # the real file: J2323's limit in the newest quarter
    monkeypatch.setenv("INFUSION_CALC_CACHE_DIR", str(tmp_path / "other-cache"))
    compiles.clear()
    header, _, body = SHIPPED.partition(b"\n")
    price = f'"J2323":{{"billing_unit":"1 mg","payment_limit":"{expected}"'.encode()
    assert body.count(price) == 1
    forged = body.replace(price, price.replace(expected.encode(), b"999.999"))
    if recomputed_header:  # its own digest made to match: only the seal in the code can tell
        header = header.rpartition(b"=")[0] + b"=" + hashlib.sha256(forged).hexdigest().encode()
    _ship(monkeypatch, tmp_path, header + b"\n" + forged)
    compiled = load()
    assert compiles == [None]  # compiled through the one path, from the sources themselves
    assert _price(compiled) == expected
    assert b"999.999" not in _cached_body(tmp_path / "other-cache")


def test_a_shipped_file_for_another_pint_is_not_used(
    compiles: list[Compiled | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    # pint's answers about the units are in it: another pint may answer otherwise.
    monkeypatch.setattr(catalog_cache, "_pint_version", lambda: "0.0.1")
    load()
    assert compiles == [None]


def test_a_changed_curated_catalog_does_not_use_the_shipped_cache(
    compiles: list[Compiled | None], monkeypatch: pytest.MonkeyPatch
) -> None:
    curated = files("infusion_calc.data").joinpath("catalog.toml").read_bytes()
    quarters = quarter_files()
    assert catalog_cache._shipped(curated, quarters) is not None
    assert catalog_cache._shipped(curated + b"\n# edited\n", quarters) is None
    edited_quarters = [(origin, where, data + b"\0") for origin, where, data in quarters]
    assert catalog_cache._shipped(curated, edited_quarters) is None


def _imported_newest(limit: str) -> bytes:
    """The packaged newest quarter as an import of it would store it, with one price changed
    (no digest beside it: the models validate it on the miss)."""
    newest = quarter_texts(quarter_files()[0][2])[-1]
    assert newest.count(b'"payment_limit":"24.406"') == 1
    return gzip.compress(newest.replace(b'"24.406"', f'"{limit}"'.encode(), 1))


def _without_answers(compiled: Compiled) -> bytes:
    return encoded(dataclasses.replace(compiled, unit_answers={}))


def test_after_an_import_the_shipped_part_gives_what_compiling_everything_gives() -> None:
    """The curated catalog, pint's answers and the older quarters' packs come from the shipped
    cache; the imported quarter is validated and compiled; the result is the full compile's."""
    curated = files("infusion_calc.data").joinpath("catalog.toml").read_bytes()
    (packaged,) = quarter_files()
    assert packaged[1] == f"packaged {PACKAGED_FILE}"
    sources = [packaged, ("imported", "asp-2026Q3.json.gz", _imported_newest("24.5"))]
    shipped = catalog_cache._decoded(catalog_cache._shipped(curated, sources))
    assert shipped is not None
    with_shipped = catalog_cache._compile(curated, None, None, sources, shipped)
    everything = catalog_cache._compile(curated, None, None, sources)
    assert _price(with_shipped) == "24.5"
    assert _without_answers(with_shipped) == _without_answers(everything)
    assert shipped.unit_answers.items() <= everything.unit_answers.items()


def test_a_start_after_an_import_compiles_on_the_shipped_part(
    compiles: list[Compiled | None],
) -> None:
    load()
    folder = cms_dir()
    folder.mkdir(parents=True, mode=0o700)
    (folder / "asp-2026Q3.json.gz").write_bytes(_imported_newest("24.5"))
    compiled = load()
    assert len(compiles) == 1 and compiles[0] is not None
    assert _price(compiled) == "24.5"


def test_with_a_site_file_the_packaged_quarters_are_taken_compiled_from_the_shipped_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A site catalog beside the packaged quarters alone (issue 23 item 4): the quarters are not
    unpacked and compiled again (~0.2 s of the miss), and the result is the full compile's."""
    from benchmarks.site_catalog import site_text
    from infusion_calc.cms import compile as cms_compile

    curated = files("infusion_calc.data").joinpath("catalog.toml").read_bytes()
    sources = quarter_files()
    site_file = tmp_path / "site.toml"
    site = site_text(40).encode()
    site_file.write_bytes(site)
    everything = catalog_cache._compile(curated, site_file, site, sources)
    shipped = catalog_cache._decoded(catalog_cache._shipped(curated, sources))
    assert shipped is not None

    def refused(*args: object) -> None:
        raise AssertionError("the packaged quarters compiled again")

    monkeypatch.setattr(cms_compile, "compile_quarters", refused)
    with_shipped = catalog_cache._compile(curated, site_file, site, sources, shipped)
    assert len(with_shipped.catalog.drugs) == len(shipped.catalog.drugs) + 40
    assert _without_answers(with_shipped) == _without_answers(everything)
