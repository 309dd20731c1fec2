"""A large site catalog (issue 23 item 4): a start unpacks only the
entries it is asked about, from the compiled cache, and a 10,000-entry
file still answers every lookup by code and by name as it was written."""

from __future__ import annotations

from pathlib import Path

import pytest

from infusion_calc import catalog_cache
from infusion_calc.cache_lines import PackedIndex
from infusion_calc.core.catalog.catalog import parse_catalog
from infusion_calc.core.catalog.packed_records import PackedRecords as PackedDrugs

SITE_CODES = [f"{letter}{number:04d}" for letter in "KLM" for number in range(1, 10_000)]


def site_text(count: int) -> str:
    return "".join(
        f'[[drug]]\nhcpcs = "{code}"\ndescriptor = "Site drug {index}"\ngeneric = '
        f'"sitedrug{index}"\nbilling_unit = "{index % 7 + 1} mg"\nroute = '
        '"IV"\nsources = ["site pharmacy"]\n[[drug.product]]\nbrand = '
        f'"Brand{index}"\nndc_note = "site stock"\nstrength = "{(index % 7 + 1) * 10} '
        'mg"\nvolume = "10 mL"\nform = "solution"\ncontainer = "single-dose"\n\n'
        for index, code in enumerate(SITE_CODES[:count])
    )


def site_file(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(site_text(count), encoding="utf-8")
    return path


def test_a_warm_start_unpacks_no_entry_until_one_is_asked_for(tmp_path: Path) -> None:
    site = site_file(tmp_path, 300)
    catalog_cache.load(site)  # the miss: compiles and writes the cache
    catalog = catalog_cache.load(site).catalog  # a warm start
    drugs = catalog.drugs
    assert isinstance(drugs, PackedDrugs)
    assert drugs.unpacked_count == 0
    assert len(catalog.codes()) > 300 and drugs.unpacked_count == 0
    (found,) = catalog.lookup("sitedrug17")
    assert (found.hcpcs, found.source, str(found.billing_unit)) == (SITE_CODES[17], "site", "4 mg")
    assert drugs.unpacked_count == 1
    assert catalog.by_code(SITE_CODES[17]) is found  # unpacked once, then kept
    assert drugs.unpacked_count == 1


def test_ten_thousand_site_entries_answer_every_lookup_as_written(tmp_path: Path) -> None:
    site = site_file(tmp_path, 10_000)
    compiled = catalog_cache.load(site).catalog
    warm = catalog_cache.load(site).catalog
    assert isinstance(warm.drugs, PackedDrugs) and len(warm.drugs) == len(compiled.drugs)
    for index, code in enumerate(SITE_CODES[:10_000]):
        (by_name,) = warm.lookup(f"Sitedrug{index}")
        assert by_name is warm.by_code(code)
        assert by_name == compiled.by_code(code)
        assert by_name.products[0].strength.value == (index % 7 + 1) * 10
    assert list(warm.drugs) == list(compiled.drugs)  # every entry, in file order
    # ... as the file's tables validate (a miss goes on with the cache it wrote, as a warm start)
    validated = parse_catalog(site.read_text(encoding="utf-8"), str(site), source="site").drugs
    assert list(warm.drugs)[-len(validated) :] == list(validated)
    assert warm.by_code("J2323") == compiled.by_code("J2323")  # the packaged entries too


@pytest.mark.parametrize("where", ["a packed entry", "the main line", "the line table"])
def test_a_cache_with_one_byte_changed_anywhere_is_rebuilt_not_read(
    tmp_path: Path, where: str
) -> None:
    site = site_file(tmp_path, 50)
    catalog_cache.load(site)
    (cached,) = (tmp_path / "cache").glob("catalog-*.json")
    data = cached.read_bytes()
    targets = {
        "a packed entry": data.index(b"sitedrug42"),
        "the main line": data.index(b"packaged catalog"),
        "the line table": data.index(b"\n", data.index(b"\n") + 1) + 10,  # the second start
    }
    target = targets[where]
    cached.write_bytes(data[:target] + b"X" + data[target + 1 :])
    catalog = catalog_cache.load(site).catalog
    (found,) = catalog.lookup("sitedrug42")
    assert found.generic == "sitedrug42"
    assert (
        b"Xitedrug42" not in cached.read_bytes() and b"Xackaged catalog" not in cached.read_bytes()
    )


def main_line(cache: Path) -> bytes:
    (found,) = cache.glob("catalog-*.json")
    return found.read_bytes().split(b"\n")[1]  # after the header line


def test_a_warm_start_decodes_a_main_line_that_does_not_grow_with_the_site_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes = []
    for count in (10, 3_000):
        monkeypatch.setenv("INFUSION_CALC_CACHE_DIR", str(tmp_path / f"cache{count}"))
        (tmp_path / str(count)).mkdir()
        catalog_cache.load(site_file(tmp_path / str(count), count))
        sizes.append(len(main_line(tmp_path / f"cache{count}")))
    assert sizes[1] - sizes[0] < 1_000, sizes  # the names and codes are on lines of their own


def test_a_look_up_by_name_decodes_one_bucket_of_the_names_and_of_the_codes(
    tmp_path: Path,
) -> None:
    site = site_file(tmp_path, 3_000)
    catalog_cache.load(site)
    catalog = catalog_cache.load(site).catalog
    (found,) = catalog.lookup("sitedrug2345")
    assert found.hcpcs == SITE_CODES[2345]
    names = catalog.name_index.exact
    drugs = catalog.drugs
    assert isinstance(names, PackedIndex) and isinstance(drugs, PackedDrugs)
    assert isinstance(drugs.positions, PackedIndex)
    assert names.decoded_buckets == 1 and drugs.positions.decoded_buckets == 1
    assert drugs.unpacked_count == 1
