"""The report as text tables (the default `--format`), and the what-ifs, each marked NOT applied."""

from __future__ import annotations

from typing import Any

WHAT_IF_BANNER = "WHAT-IF (not applied: the saved claims and doses stand)"
COLUMNS = (
    ("Code", 6, "hcpcs"),
    ("Adm.", 6, "administrations"),
    ("Units given", 11, "units_administered"),
    ("Discarded", 9, "units_discarded"),
    ("Waste %", 7, "waste_percent"),
    ("Administered $", 14, "administered_payment"),
    ("JW $ (recovered)", 16, "jw_payment"),
    ("JZ", 5, "jz_attestations"),
)


def _cell(value: Any) -> str:
    return "-" if value is None else str(value)


def _row(label: str, figures: dict[str, Any]) -> str:
    cells = [f"{label:<8}"] + [f"{_cell(figures[key]):>{width}}" for _, width, key in COLUMNS[1:]]
    return "  ".join(cells)


def _header(first: str) -> str:
    return "  ".join([f"{first:<8}"] + [f"{title:>{width}}" for title, width, _ in COLUMNS[1:]])


def figure_table(report: dict[str, Any]) -> list[str]:
    out = [_header("Drug")]
    for drug in report["by_drug"]:
        out.append(_row(drug["hcpcs"], drug))
    out.append(_row("Total", report["totals"]))
    out += ["", _header("Month")]
    out += [_row(month["month"], month) for month in report["by_month"]]
    names = [f"  {drug['hcpcs']}  {drug['drug']}" for drug in report["by_drug"]]
    return out + (["", "Drugs:", *names] if names else [])


def risk_lines(report: dict[str, Any]) -> list[str]:
    risks = report["totals"]["risks"]
    out = ["Risks"]
    for name, meaning in report["risk_meanings"].items():
        ids = report["totals"].get("risk_entry_ids", {}).get(name)
        shown = f" (entries {', '.join(map(str, sorted(ids)))})" if ids else ""
        out.append(f"  {risks[name]:>6}  {meaning}{shown}")
    unpriced = report["totals"]["entries_without_payment"]
    if unpriced:
        out.append(
            f"  {unpriced:>6}  saved without a Medicare payment "
            "(no CMS quarter for the date): not in the $ columns"
        )
    return out


def what_if_lines(report: dict[str, Any]) -> list[str]:
    what_if = report["totals"]["what_if"]
    rounding, least, waste = (
        what_if["rounding"],
        what_if["least_waste"],
        what_if["non_billable_waste"],
    )
    out = [WHAT_IF_BANNER]
    if rounding["round_within_percent"] is None:
        out.append(
            "  Dose rounding: no threshold (the site config sets none): "
            "give --round-within 10 to see it"
        )
    else:
        out.append(
            "  Dose rounding to whole vials within "
            f"{rounding['round_within_percent']}%: {rounding['doses_moved']} doses "
            f"would move, {rounding['vials_saved']} vials and {rounding['units_saved']} "
            f"billing units saved, ${rounding['dollars_saved']} at the payment limit"
        )
    out.append(
        f"  Least-waste plan over every presentation the catalog knows: {least['doses_changed']} "
        f"doses would open less, {least['units_saved']} billing units and "
        f"${least['dollars_saved']} saved at the payment limit"
    )
    units = waste["units"]
    out.append(
        f"  Waste no JW line can bill ({waste['administrations']} administrations): multi-dose "
        f"{units['multi_dose']}, under one unit {units['under_one_unit']}, capped "
        f"{units['capped']} billing units; ${waste['dollars_at_payment_limit']} at the payment "
        "limit (overfill is not recorded in the log)"
    )
    if what_if["entries_without_payment_limit"]:
        out.append(
            f"  {what_if['entries_without_payment_limit']} entries had no payment limit saved: "
            "their dollars count as $0"
        )
    return out


def detail_lines(report: dict[str, Any]) -> list[str]:
    out = [
        "Entries (every figure above is the sum of these)",
        "     ID  Date        Code    Given  Disc.  Lines (units, "
        "payment)                  Risks / what-if",
    ]
    for entry in report.get("details", []):
        lines = "; ".join(
            f"{'-'.join(line['modifiers']) or 'adm'} {line['units']} ${_cell(line['payment'])}"
            for line in entry["lines"]
        )
        what_if = entry["what_if"]
        notes = list(entry["risks"])
        if what_if["rounding_dollars_saved"] is not None:
            notes.append(f"rounding saves ${what_if['rounding_dollars_saved']}")
        if what_if["least_waste_vials"]:
            notes.append(
                f"least waste: {' + '.join(what_if['least_waste_vials'])} saves "
                f"${what_if['least_waste_dollars_saved']}"
            )
        if what_if["non_billable_dollars"] != "0.00":
            notes.append(f"non-billable ${what_if['non_billable_dollars']}")
        out.append(
            f"{entry['id']:>7}  {entry['date']}  {entry['hcpcs']:<6} "
            f"{entry['units_administered']:>6} "
            f"{entry['units_discarded']:>6}  {lines:<38}  {'; '.join(notes)}"
        )
    return out


def report_text(report: dict[str, Any], skipped: int = 0) -> str:
    filters = ", ".join(f"{key} {value}" for key, value in report["filters"].items() if value)
    out = [
        f"Waste and revenue, {report['from']} to {report['to']}"
        + (f" ({filters})" if filters else ""),
        "Payments are the saved lines' own (Medicare, at the quarter saved with each entry).",
        "",
    ]
    if not report["by_drug"]:
        out.append("No administrations saved in this period.")
    out += figure_table(report) + [""] + risk_lines(report) + [""] + what_if_lines(report)
    if "details" in report:
        out += [""] + detail_lines(report)
    if skipped:
        out += [
            "",
            f"{skipped} log entries could not be read and are "
            "left out (see 'infusion-calc log show ID').",
        ]
    return "\n".join(out) + "\n"
