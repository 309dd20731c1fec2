"""A site catalog's cache miss (issue 23 item 4) does less work for the same cache: it goes on with
what it wrote (the records it compiled freed, not walked by the collector), looks codes up in plain
dicts, and leaves nothing it wrote held by a cycle."""

from __future__ import annotations

import gc
from pathlib import Path

from infusion_calc import catalog_cache
from infusion_calc.cache_lines import PackedIndex
from infusion_calc.core.catalog.catalog import parse_catalog
from infusion_calc.core.catalog.packed_records import PackedRecords
from tests.test_site_catalog_lazy import site_file


def test_a_miss_goes_on_with_the_catalog_as_the_cache_it_wrote_holds_it(tmp_path: Path) -> None:
    site = site_file(tmp_path, 2_000)
    catalog = catalog_cache.load(site).catalog
    # Not the 2,000 records compiled (and their products, amounts, names...), which the collector's
    # first pass after the miss walked whole (30 to 45 ms at 10,000 entries): freed at once.
    assert isinstance(catalog.drugs, PackedRecords) and catalog.drugs.unpacked_count == 0
    (found,) = catalog.lookup("sitedrug1234")
    assert found == parse_catalog(site.read_text(encoding="utf-8"), "site", "site").drugs[1234]
    assert catalog_cache.load(site).catalog.codes() == catalog.codes()  # the same as a warm start


def test_merging_a_site_file_looks_no_code_up_in_the_cached_index(tmp_path: Path) -> None:
    site = site_file(tmp_path, 300)
    catalog_cache.load(site)
    packaged = catalog_cache.load(site).catalog  # its entries and codes as the cache keeps them
    drugs = packaged.drugs
    assert isinstance(drugs, PackedRecords) and isinstance(drugs.positions, PackedIndex)
    merged = packaged.merged_with(
        parse_catalog(site.read_text(encoding="utf-8"), "again", source="site")
    )
    # Each of the file's codes was looked up in a bucket of the packed index: a JSON decode and a
    # raised KeyError for nearly every one.
    assert drugs.positions.decoded_buckets == 0
    assert [drug.hcpcs for drug in merged.drugs] == [drug.hcpcs for drug in packaged.drugs]


def test_a_miss_leaves_no_line_it_wrote_for_a_full_pass_to_free(tmp_path: Path) -> None:
    # What a miss made waits for a full pass of the collector: the writer's cycle (its schema and
    # the functions holding it) must not hold the cache's lines, some MB, until then.
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        catalog_cache.load(site_file(tmp_path, 200))
        gc.collect()
        held = [found for found in gc.garbage if isinstance(found, list) and len(found) > 100]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert held == []
