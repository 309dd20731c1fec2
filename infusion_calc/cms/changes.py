"""What an import changes: the codes a quarter gains
and loses against the one stored under its label.

A quarter that comes back with far fewer codes, or far fewer priced codes, is a damaged
or partial file (a download cut at a line end looks whole) far more often than a CMS
decision, and replacing a quarter silently drops every code it lost from the catalog and
the payments. So a loss of more than LOSS_ALLOWED of the stored quarter's codes, or of
its priced codes, is refused unless the user asks for it (`--replace`), and every import
says what it adds and removes.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from fractions import Fraction

from infusion_calc.cms.models import Quarter
from infusion_calc.cms.store import quarter_files
from infusion_calc.core.errors import InputError

LOSS_ALLOWED = Fraction(3, 100)
"""The share of a stored quarter's codes an import may drop without --replace."""
_LISTED = 20


@dataclass(frozen=True)
class QuarterChange:
    label: str
    replaces: str | None  # "packaged" or "imported": the quarter stored under this label, if any
    added: tuple[str, ...]
    removed: tuple[str, ...]
    unpriced: tuple[str, ...] = ()
    """Codes the stored quarter priced that stay, without a payment limit."""

    def describe(self) -> str:
        what = f"replaces the {self.replaces} quarter" if self.replaces else "a new quarter"
        out = f"{self.label}: {what}: adds {_codes(self.added)}"
        if self.unpriced:
            out += f"; {_codes(self.unpriced)} lose their payment limit"
        return out + (f"; removes {_codes(self.removed)}" if self.replaces else "")


def _codes(codes: tuple[str, ...]) -> str:
    noun = "code" if len(codes) == 1 else "codes"
    if not codes:
        return f"0 {noun}"
    shown = ", ".join(codes[:_LISTED]) + (
        f", ... ({len(codes) - _LISTED} more)" if len(codes) > _LISTED else ""
    )
    return f"{len(codes)} {noun}: {shown}"


def _stored_codes(label: str) -> tuple[str, set[str], set[str]] | None:
    """The origin, codes and priced codes of the quarter stored under `label`
    (an imported one wins, as when loading)."""
    found = None
    for origin, _where, data in quarter_files():
        try:
            raw = json.loads(gzip.decompress(data))
            if raw["quarter"] == label:
                found = (
                    origin,
                    {code["hcpcs"] for code in raw["codes"]},
                    {
                        code["hcpcs"]
                        for code in raw["codes"]
                        if code.get("payment_limit") is not None
                    },
                )
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            continue  # a damaged stored quarter: the import replaces it
    return found


def change(quarter: Quarter, source: str, replace: bool) -> QuarterChange:
    """What storing `quarter` changes; InputError when it
    would lose too many codes and `replace` is not given."""
    stored = _stored_codes(quarter.quarter)
    codes = {code.hcpcs for code in quarter.codes}
    if stored is None:
        return QuarterChange(quarter.quarter, None, tuple(sorted(codes)), ())
    origin, old, old_priced = stored
    priced = {code.hcpcs for code in quarter.codes if code.payment_limit is not None}
    result = QuarterChange(
        quarter.quarter,
        origin,
        tuple(sorted(codes - old)),
        tuple(sorted(old - codes)),
        tuple(sorted((old_priced - priced) & codes)),
    )
    lost_priced = len(old_priced - priced)
    if replace:
        return result
    if len(result.removed) > LOSS_ALLOWED * len(old) or lost_priced > LOSS_ALLOWED * len(
        old_priced
    ):
        what = (
            f"{len(result.removed)} of the {len(old)} codes"
            if len(result.removed) > LOSS_ALLOWED * len(old)
            else f"the payment limit of {lost_priced} of the {len(old_priced)} priced codes"
        )
        listed = (
            result.removed
            if len(result.removed) > LOSS_ALLOWED * len(old)
            else tuple(sorted(old_priced - priced))
        )
        raise InputError(
            "file",
            f"{source}: {quarter.quarter} would lose {what} of the {origin} quarter "
            f"({_codes(listed)}); a damaged or partial file looks like this. Check the files, or "
            "give --replace to replace the quarter anyway",
        )
    return result
