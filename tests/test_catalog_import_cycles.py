"""The catalog's modules import one way (issue 20 §3): records and fields at the
bottom, the pydantic schema and CMS's codes on them, the name index on CMS's
codes, the catalog on top. A cycle among them, even through a function-level
import or another module, fails here (grimp, as lint-imports reads)."""

from __future__ import annotations

from itertools import permutations

import grimp
import pytest

CATALOG_MODULES = (
    "infusion_calc.core.catalog.catalog",
    "infusion_calc.core.catalog.catalog_schema",
    "infusion_calc.core.catalog.catalog_fields",
    "infusion_calc.core.catalog.cms_codes",
    "infusion_calc.core.catalog.drug_names",
    "infusion_calc.core.catalog.packed_records",
)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("infusion_calc")


def test_no_two_catalog_modules_import_each_other_by_any_path(graph: grimp.ImportGraph) -> None:
    modules = [name for name in CATALOG_MODULES if name in graph.modules]
    assert len(modules) == len(CATALOG_MODULES)
    both_ways = [
        (first, second)
        for first, second in permutations(modules, 2)
        if first < second
        and graph.chain_exists(importer=first, imported=second)
        and graph.chain_exists(importer=second, imported=first)
    ]
    assert both_ways == []
