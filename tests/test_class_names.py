"""One name, one meaning: no two classes in the package share a name.

`Product` and `Drug` are both the catalog's record (core/catalog.py) and the pydantic model
of the catalog file's table that builds it (core/catalog_schema.py): one thing in two forms,
and pydantic prints the model's class name in the messages a site sees ("instance of
Product"), so the schema's pair keeps the record's names. They are the only names allowed twice.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import infusion_calc

PACKAGE = Path(infusion_calc.__file__).parent
SAME_THING_TWO_FORMS = {"Product", "Drug"}


def test_no_two_classes_share_a_name():
    where = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                where[node.name].append(str(path.relative_to(PACKAGE)))
    shared = {name: files for name, files in where.items() if len(files) > 1 and name not in SAME_THING_TWO_FORMS}
    assert shared == {}
