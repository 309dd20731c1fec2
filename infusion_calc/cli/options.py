"""Each command's options as one typed value, read from argparse's namespace once.

argparse hands a command a bag of attributes that any function could read, misspell or add
to. Each command declares a frozen subclass of `CommandOptions` naming what it reads, builds it
with `read` at its entry, and passes it down: a mistyped option is a type error, and the
command's context is built once on the value instead of being stored back into the bag.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path
from typing import Any, Self

from infusion_calc.loading import Context


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True, kw_only=True)
class CommandOptions:
    """What every command may be given: the site catalog file (`--catalog`)."""

    catalog: str | None = None

    @classmethod
    def read(cls, namespace: argparse.Namespace) -> Self:
        """Each field from the namespace attribute of its name;
        an option not given keeps its default.

        A repeated option (argparse's list) becomes a tuple: the value is frozen all the way down.
        """
        given = vars(namespace)
        return cls(
            **{
                field.name: _frozen(given[field.name])
                for field in fields(cls)
                if field.name in given
            }
        )

    @cached_property
    def context(self) -> Context:
        """The catalog, quarters, site config and log this command works with,
        each loaded on first use."""
        return Context(catalog_file=Path(self.catalog) if self.catalog else None)
