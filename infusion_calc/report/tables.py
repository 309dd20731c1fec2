"""The report's numbers as CSV: one row per total, drug, month and drug-month
(and entry, with --details)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from infusion_calc.core.record.csv_out import CsvWriter

FIGURE_COLUMNS = (
    "administrations",
    "units_administered",
    "units_discarded",
    "units_opened",
    "units_wasted",
    "waste_percent",
    "administered_payment",
    "jw_payment",
    "jz_attestations",
    "dose_given_entries",
    "entries_without_payment",
)
RISK_COLUMNS = ("waste_without_jw", "jw_without_waste_documented", "saved_with_error")
WHAT_IF_COLUMNS = (
    ("rounding", "doses_moved"),
    ("rounding", "vials_saved"),
    ("rounding", "units_saved"),
    ("rounding", "dollars_saved"),
    ("least_waste", "doses_changed"),
    ("least_waste", "units_saved"),
    ("least_waste", "dollars_saved"),
    ("non_billable_waste", "administrations"),
    ("non_billable_waste", "dollars_at_payment_limit"),
)
HEADER = (
    "scope",
    "from",
    "to",
    "hcpcs",
    "drug",
    "month",
    *FIGURE_COLUMNS,
    *(f"risk_{name}" for name in RISK_COLUMNS),
    *(f"what_if_{group}_{name}" for group, name in WHAT_IF_COLUMNS),
)
ENTRY_HEADER = (
    "entry_id",
    "date",
    "hcpcs",
    "payer",
    "dose",
    "dose_given",
    "units_administered",
    "units_discarded",
    "administered_payment",
    "jw_payment",
    "risks",
    "what_if_rounding_dollars_saved",
    "what_if_least_waste_vials",
    "what_if_least_waste_dollars_saved",
    "what_if_non_billable_dollars",
)


def _figures(
    scope: str, report: dict[str, Any], hcpcs: str, drug: str, month: str, figures: dict[str, Any]
) -> list[Any]:
    what_if = figures["what_if"]
    return [
        scope,
        report["from"],
        report["to"],
        hcpcs,
        drug,
        month,
        *(figures[key] for key in FIGURE_COLUMNS),
        *(figures["risks"][name] for name in RISK_COLUMNS),
        *(what_if[group][name] for group, name in WHAT_IF_COLUMNS),
    ]


def figure_rows(report: dict[str, Any]) -> Iterator[list[Any]]:
    yield _figures("total", report, "", "", "", report["totals"])
    for drug in report["by_drug"]:
        yield _figures("drug", report, drug["hcpcs"], drug["drug"], "", drug)
        for month in drug["by_month"]:
            yield _figures("drug-month", report, drug["hcpcs"], drug["drug"], month["month"], month)
    for month in report["by_month"]:
        yield _figures("month", report, "", "", month["month"], month)


def _payments(entry: dict[str, Any], jw: bool) -> str:
    paid = [
        line["payment"]
        for line in entry["lines"]
        if ("JW" in line["modifiers"]) == jw and line["payment"] is not None
    ]
    return " + ".join(paid)


def entry_rows(report: dict[str, Any]) -> Iterator[list[Any]]:
    for entry in report.get("details", []):
        what_if = entry["what_if"]
        yield [
            entry["id"],
            entry["date"],
            entry["hcpcs"],
            entry["payer"],
            entry["dose"],
            entry["dose_given"],
            entry["units_administered"],
            entry["units_discarded"],
            _payments(entry, False),
            _payments(entry, True),
            " ".join(entry["risks"]),
            what_if["rounding_dollars_saved"],
            " + ".join(what_if["least_waste_vials"] or ()),
            what_if["least_waste_dollars_saved"],
            what_if["non_billable_dollars"],
        ]


def write_csv(report: dict[str, Any], stream: IO[str]) -> None:
    """The figures; with --details, a blank line and then one row per entry (its own header)."""
    writer = CsvWriter(stream)
    writer.writerow(HEADER)
    writer.writerows(figure_rows(report))
    if "details" in report:
        stream.write("\n")
        writer.writerow(ENTRY_HEADER)
        writer.writerows(entry_rows(report))
