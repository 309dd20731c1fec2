"""One name, one meaning: no two classes in the package share a name.

`Product` and `Drug` are still both the catalog's type and the catalog file's schema
(core/catalog.py, core/catalog_schema.py): the schema's pair is to be renamed once the
catalog change on another branch has landed, so they are the only names allowed twice.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import infusion_calc

PACKAGE = Path(infusion_calc.__file__).parent
PENDING = {"Product", "Drug"}


def test_no_two_classes_share_a_name():
    where = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                where[node.name].append(str(path.relative_to(PACKAGE)))
    shared = {name: files for name, files in where.items() if len(files) > 1 and name not in PENDING}
    assert shared == {}
