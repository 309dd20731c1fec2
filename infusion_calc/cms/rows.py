"""ASP crosswalk and payment-limit rows as plain records;
a row that cannot be read exactly is refused.

Each refusal is counted under a reason a person can act on. CPT rows (numeric codes)
are set aside first: their descriptions are AMA-copyrighted and never kept.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from infusion_calc.cms.dosage import (
    PACKAGE_ROUNDED,
    DosageRefused,
    code_billing_unit,
    package_rounded,
)
from infusion_calc.cms.tables import Table
from infusion_calc.core.errors import InputError

CPT = "CPT code (numeric; its AMA-copyrighted text is not kept)"
SHORT_ROW = "row has too few columns"
BAD_CODE = "HCPCS code unreadable"
BAD_NDC = "NDC not in 11-digit 5-4-2 form"
BAD_NUMBER = "package size, package quantity or billing units not a plain positive number"
PACKAGE_MISMATCH = "billing units per package are not billing units per item x items per package"
MIXED_UNIT = "code listed with two different billing units"
DUPLICATE_NDC = "NDC listed twice under one code with different figures"
NO_LIMIT = "no payment limit given (N/A: the contractor prices the code)"

_HCPCS = re.compile(r"[A-Z][0-9]{4}")
_CPT = re.compile(r"[0-9]{4}[0-9A-Z]")
_NDC = re.compile(r"[0-9]{5}-[0-9]{4}-[0-9]{2}")
_NUMBER = re.compile(r"[0-9]{1,9}(?:\.[0-9]{1,6})?|\.[0-9]{1,6}")
# CMS writes dollars and percentages with 3 decimals;
# fewer is still an exact amount, more is not CMS's.
_AMOUNT = re.compile(r"[0-9]{1,7}(?:\.[0-9]{1,3})?")
# A coinsurance below 20% is the exception CMS explains on the row: inflation-adjusted coinsurance
# (Notes), HIV PrEP drugs (0%, named in the short description) and vaccines (Notes).
_LOWER_COINSURANCE_EXPLAINED = re.compile(r"coinsurance|\bprep\b|vaccine", re.IGNORECASE)


class RowRefused(Exception):
    pass


def _code(text: str) -> str:
    if _CPT.fullmatch(text):
        raise RowRefused(CPT)
    if not _HCPCS.fullmatch(text):
        raise RowRefused(BAD_CODE)
    return text


def _positive(text: str, reason: str) -> Decimal:
    if not _NUMBER.fullmatch(text) or Decimal(text) <= 0:
        raise RowRefused(reason)
    return Decimal(text)


def _unit(text: str, descriptor: str | None = None, where: str = "") -> str:
    if _AMOUNT.fullmatch(text):
        # CMS always writes the dosage with its unit ('1 MG', '100 UNITS'): a bare number there
        # means the file's columns moved, and every row would be dropped rather than read.
        raise InputError(
            "file",
            f"{where}: 'HCPCS Code Dosage' is '{text}', a bare number where CMS writes an amount "
            "with its unit (e.g. '1 MG'): the columns look moved",
        )
    try:
        return str(code_billing_unit(text, descriptor))
    except DosageRefused as refusal:
        raise RowRefused(str(refusal)) from None


@dataclass
class Reading:
    """What one file gave: records by HCPCS code, and the refused rows counted by reason."""

    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Each code's fields as read; the quarter's model (cms.models.CmsCode) validates them."""
    refused: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    """Rows imported with a notice, counted by it (a package figure CMS rounded)."""
    refused_codes: dict[str, str] = field(default_factory=dict)
    """Code -> the reason its first refused row gave; kept only for codes with no row imported."""


def read_crosswalk(table: Table, descriptors: dict[str, dict[str, str]] | None = None) -> Reading:
    """Code -> {short_description, billing_unit, items: {ndc: item}} from the crosswalk's rows."""
    reading = Reading()
    conflicted: set[tuple[str, str]] = set()
    for _line, cells in table.rows:
        try:
            if len(cells) < 10:
                raise RowRefused(SHORT_ROW if not _CPT.fullmatch(cells[0]) else CPT)
            code = _code(cells[0])
            where = f"{table.name}: line {_line}: {code}"
            unit = _unit(cells[5], (descriptors or {}).get(code, {}).get("descriptor"), where)
            if not _NDC.fullmatch(cells[3]):
                raise RowRefused(BAD_NDC)
            size, count, per_item, per_package = (
                _positive(cell, BAD_NUMBER) for cell in cells[6:10]
            )
            if per_item * count != per_package:
                if not package_rounded(per_item, count, per_package):
                    raise RowRefused(PACKAGE_MISMATCH)
                reading.kept[PACKAGE_ROUNDED] += 1
        except RowRefused as refusal:
            reading.refused[str(refusal)] += 1
            if _HCPCS.fullmatch(cells[0]):
                reading.refused_codes.setdefault(cells[0], str(refusal))
            continue
        entry = reading.codes.setdefault(
            code, {"hcpcs": code, "short_description": cells[1], "billing_unit": unit, "items": {}}
        )
        if entry["billing_unit"] != unit:
            reading.refused[MIXED_UNIT] += 1
            continue
        item = {
            "ndc": cells[3],
            "labeler": cells[2],
            "brand": cells[4],
            "package_size": size,
            "package_count": count,
            "units_per_item": per_item,
        }
        known = entry["items"].get(cells[3])
        if known is not None and known != item:
            # Two readings of one NDC: neither is taken, the carton decides.
            reading.refused[DUPLICATE_NDC] += 2 if (code, cells[3]) not in conflicted else 1
            conflicted.add((code, cells[3]))
        entry["items"].setdefault(cells[3], item)
    for code, ndc in conflicted:
        reading.codes[code]["items"].pop(ndc, None)
    for code in [code for code, entry in reading.codes.items() if not entry["items"]]:
        reading.refused_codes.setdefault(code, DUPLICATE_NDC)
        del reading.codes[code]
    for code in reading.codes:
        reading.refused_codes.pop(code, None)
    return reading


def _payment_values(
    table: Table, line: int, code: str, cells: tuple[str, ...]
) -> tuple[Decimal, Decimal]:
    """The payment limit and coinsurance of a priced row; InputError
    for a value CMS never writes there: a file whose columns moved, or
    that was damaged, is refused whole rather than priced wrong."""
    where = f"{table.name}: line {line}: {code}"
    limit, coinsurance, notes = cells[3], cells[4], " ".join(cells[5:6] + cells[1:2])
    if not _AMOUNT.fullmatch(limit) or Decimal(limit) <= 0:
        raise InputError(
            "file",
            f"{where}: 'Payment Limit' is '{limit}', not dollars "
            "per billing unit (more than 0, at most 3 decimals)",
        )
    if not _AMOUNT.fullmatch(coinsurance) or Decimal(coinsurance) > 20:
        raise InputError(
            "file",
            f"{where}: 'Co-insurance Percentage' is '{coinsurance}', "
            "not a percentage from 0 to 20 (at most 3 decimals)",
        )
    if Decimal(coinsurance) < 20 and not _LOWER_COINSURANCE_EXPLAINED.search(notes):
        raise InputError(
            "file",
            f"{where}: 'Co-insurance Percentage' is {coinsurance}, below 20, and no note on the "
            "row says why (CMS notes 'Inflation-adjusted coinsurance')",
        )
    return Decimal(limit), Decimal(coinsurance)


def read_pricing(table: Table, descriptors: dict[str, dict[str, str]] | None = None) -> Reading:
    """Code -> {billing_unit, payment_limit, coinsurance_percent} from the payment-limit rows."""
    reading = Reading()
    for line, cells in table.rows:
        try:
            if len(cells) < 5:
                raise RowRefused(SHORT_ROW if not _CPT.fullmatch(cells[0]) else CPT)
            code = _code(cells[0])
            where = f"{table.name}: line {line}: {code}"
            unit = _unit(cells[2], (descriptors or {}).get(code, {}).get("descriptor"), where)
            if cells[3] == "N/A":
                raise RowRefused(NO_LIMIT)
            limit, coinsurance = _payment_values(table, line, code, cells)
        except RowRefused as refusal:
            reading.refused[str(refusal)] += 1
            continue
        reading.codes[code] = {
            "billing_unit": unit,
            "payment_limit": limit,
            "coinsurance_percent": coinsurance,
        }
    return reading
