"""The report's static charts, drawn with matplotlib's object API (no pyplot, no GUI backend).

Three charts from the contract dictionary: payment by drug (administered and JW lines),
waste share by drug (billed on JW lines and not billable, in % of what was opened), and the monthly
trend of what the JW lines recovered and what non-billable waste cost at the payment limit.
SVG for the HTML page (text drawn as paths: the page needs no font), PNG for `--format png`.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import matplotlib
from matplotlib.figure import Figure

CHART_TITLES = ("Medicare payment by drug", "Waste share by drug", "Monthly trend")
COLOURS = {
    "administered": "#1f5fa8",
    "jw": "#e08a00",
    "billable": "#c0392b",
    "non_billable": "#7f8c8d",
}


def _number(text: str | None) -> float:
    # Plotting only: every figure printed anywhere is the exact Decimal string from the contract.
    return float(Decimal(text)) if text else 0.0


def _plain_text(text: str) -> str:
    """Text as drawn: a `$` would start matplotlib's math notation
    (a hand-edited log may hold one)."""
    return text.replace("$", r"\$")


def _label(drug: dict[str, Any]) -> str:
    return _plain_text(str(drug["hcpcs"]))


def _payment_by_drug(axes: Any, report: dict[str, Any]) -> None:
    drugs = report["by_drug"]
    names = [_label(drug) for drug in drugs]
    administered = [_number(drug["administered_payment"]) for drug in drugs]
    recovered = [_number(drug["jw_payment"]) for drug in drugs]
    axes.barh(names, administered, color=COLOURS["administered"], label="administered lines")
    axes.barh(
        names, recovered, left=administered, color=COLOURS["jw"], label="JW lines (recovered)"
    )
    axes.set_xlabel("US dollars (saved payments)")
    axes.invert_yaxis()
    axes.legend(loc="lower right", fontsize="small")


def _share(part: float, drug: dict[str, Any]) -> float:
    opened = _number(drug["units_opened"])
    return 100 * part / opened if opened else 0.0


def _waste_by_drug(axes: Any, report: dict[str, Any]) -> None:
    # In percent of what was opened: billing units differ from drug to drug (1 mg, 10 mg, 50 mg).
    drugs = report["by_drug"]
    names = [_label(drug) for drug in drugs]
    billed = [_share(float(drug["units_discarded"]), drug) for drug in drugs]
    not_billed = [
        _share(max(_number(drug["units_wasted"]) - float(drug["units_discarded"]), 0.0), drug)
        for drug in drugs
    ]
    axes.barh(names, billed, color=COLOURS["billable"], label="billed on JW lines")
    axes.barh(names, not_billed, left=billed, color=COLOURS["non_billable"], label="not billable")
    axes.set_xlabel("% of the amount opened that was discarded")
    axes.invert_yaxis()
    axes.legend(loc="lower right", fontsize="small")


def _monthly_trend(axes: Any, report: dict[str, Any]) -> None:
    months = [_plain_text(month["month"]) for month in report["by_month"]]
    recovered = [_number(month["jw_payment"]) for month in report["by_month"]]
    lost = [
        _number(month["what_if"]["non_billable_waste"]["dollars_at_payment_limit"])
        for month in report["by_month"]
    ]
    axes.plot(months, recovered, marker="o", color=COLOURS["jw"], label="recovered on JW lines")
    axes.plot(
        months,
        lost,
        marker="s",
        color=COLOURS["non_billable"],
        label="non-billable waste at the limit",
    )
    axes.set_ylabel("US dollars")
    axes.tick_params(axis="x", labelrotation=45)
    axes.legend(loc="upper left", fontsize="small")


DRAWINGS = (_payment_by_drug, _waste_by_drug, _monthly_trend)


def _figure(width: float, height: float) -> Any:
    return Figure(figsize=(width, height), layout="constrained")


def _draw(axes: Any, title: str, drawing: Any, report: dict[str, Any]) -> None:
    axes.set_title(title, loc="left", fontsize="medium", fontweight="bold")
    if not report["by_drug"]:
        axes.text(
            0.5,
            0.5,
            "no administrations in this period",
            ha="center",
            va="center",
            transform=axes.transAxes,
        )
        axes.set_axis_off()
        return
    drawing(axes, report)
    axes.grid(axis="x" if drawing is not _monthly_trend else "y", alpha=0.3)


def chart_svgs(report: dict[str, Any]) -> list[str]:
    """One SVG document per chart (text as paths, no external reference), for the HTML page."""
    matplotlib.rcParams["svg.fonttype"] = "path"
    matplotlib.rcParams["svg.hashsalt"] = "infusion-calc"  # the same report gives the same bytes
    drawn = []
    height = max(2.6, 0.9 + 0.35 * len(report["by_drug"]))
    for title, drawing in zip(CHART_TITLES, DRAWINGS):
        figure = _figure(7.5, 3.2 if drawing is _monthly_trend else height)
        _draw(figure.add_subplot(), title, drawing, report)
        out = io.StringIO()
        # No metadata block: its RDF namespaces are the only URLs an SVG would otherwise carry.
        figure.savefig(
            out,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
        drawn.append(out.getvalue())
    return drawn


def charts_png(report: dict[str, Any]) -> bytes:
    """The three charts stacked in one PNG image."""
    height = max(2.6, 0.9 + 0.35 * len(report["by_drug"]))
    figure = _figure(8, 2 * height + 3.6)
    grid = figure.add_gridspec(3, 1, height_ratios=(height, height, 3.2))
    for row, (title, drawing) in enumerate(zip(CHART_TITLES, DRAWINGS)):
        _draw(figure.add_subplot(grid[row]), title, drawing, report)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=120, metadata={"Software": "infusion-calc"})
    return out.getvalue()
