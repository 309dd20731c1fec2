"""A site catalog's cache miss (issue 23 item 4) does less work for the same cache: what it made
is left out of the collector's young passes, and what it writes reads back as it was."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from infusion_calc import catalog_cache
from infusion_calc.cache_lines import PackedIndex
from infusion_calc.core.catalog.catalog import parse_catalog
from infusion_calc.core.catalog.packed_records import PackedRecords
from tests.test_site_catalog_lazy import site_file


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was_enabled:
            gc.disable()


@pytest.mark.usefixtures("collector_on")
def test_a_miss_leaves_what_it_made_out_of_the_young_generations(tmp_path: Path) -> None:
    before = gc.get_freeze_count()
    made = catalog_cache.load(site_file(tmp_path, 2_000)).catalog.drugs[-1]
    # Where the passes that found it alive would have put it, without them: the first one after
    # the miss walked every record it made (30 to 45 ms at 10,000 entries).
    assert any(found is made for found in gc.get_objects(generation=2))
    assert gc.get_freeze_count() == before  # nothing left frozen: its garbage stays collectable


@pytest.mark.usefixtures("collector_on")
def test_a_miss_leaves_objects_frozen_by_others_frozen(tmp_path: Path) -> None:
    gc.freeze()  # as the app does once it runs
    try:
        frozen = gc.get_freeze_count()
        catalog_cache.load(site_file(tmp_path, 50))
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


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
