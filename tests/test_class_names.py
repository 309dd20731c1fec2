"""One name, one meaning: no two classes in the package share a name, without exception.

(A catalog file's tables are read by core/catalog/catalog_schema.py straight into the records
`Product` and `Drug` of core/catalog/catalog_records.py: no class of its own.)
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import infusion_calc

PACKAGE = Path(infusion_calc.__file__).parent


def test_no_two_classes_share_a_name() -> None:
    where = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                where[node.name].append(str(path.relative_to(PACKAGE)))
    shared = {name: files for name, files in where.items() if len(files) > 1}
    assert shared == {}
