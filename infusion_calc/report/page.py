"""The report as one self-contained HTML page: tables, and the charts as inline SVG; printable.

No script, no link, no font or image fetched: the page is one file that opens offline and
prints on paper (the charts keep their size, a table is never cut across a page).
"""

from __future__ import annotations

from html import escape
from typing import Any

from infusion_calc.report.charts import CHART_TITLES, chart_svgs
from infusion_calc.report.text import COLUMNS, WHAT_IF_BANNER, risk_lines, what_if_lines

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #111; max-width: 60rem; }
h1 { font-size: 1.4rem; margin-bottom: 0.2rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child, td.name { text-align: left; }
tr.total td { font-weight: bold; border-top: 2px solid #333; }
figure.chart { margin: 1rem 0; break-inside: avoid; }
figure.chart svg { width: 100%; height: auto; max-width: 48rem; display: block; }
.what-if { border: 2px dashed #b35c00; padding: 0.4rem 1rem; background: #fff7ec; }
.note { color: #444; font-size: 0.85rem; }
@media print { body { margin: 0; max-width: none; } table, .what-if { break-inside: avoid; } }
"""


def _svg_body(svg: str) -> str:
    """matplotlib's SVG document without its XML prolog and DOCTYPE, ready to inline."""
    return svg[svg.index("<svg") :]


def _table(report: dict[str, Any]) -> str:
    head = "".join(f"<th>{escape(title)}</th>" for title, _, _ in COLUMNS) + "<th>Drug</th>"

    def row(label: str, figures: dict[str, Any], name: str = "", css: str = "") -> str:
        cells = "".join(
            f"<td>{escape('-' if figures[key] is None else str(figures[key]))}</td>"
            for _, _, key in COLUMNS[1:]
        )
        return (
            f'<tr class="{css}"><td>{escape(label)}</td>{cells}<td '
            f'class="name">{escape(name)}</td></tr>'
        )

    rows = [row(drug["hcpcs"], drug, drug["drug"]) for drug in report["by_drug"]]
    rows.append(row("Total", report["totals"], css="total"))
    months = [row(month["month"], month) for month in report["by_month"]]
    month_head = head.replace("<th>Code</th>", "<th>Month</th>").replace(
        "<th>Drug</th>", "<th></th>"
    )
    return (
        f'<table id="by-drug"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f'<h2>By month</h2><table id="by-month"><thead><tr>{month_head}</tr></thead>'
        f"<tbody>{''.join(months)}</tbody></table>"
    )


def _list(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(line.strip())}</li>" for line in lines[1:]) + "</ul>"


def report_html(report: dict[str, Any]) -> str:
    filters = ", ".join(f"{key} {value}" for key, value in report["filters"].items() if value)
    title = f"Waste and revenue, {report['from']} to {report['to']}" + (
        f" ({filters})" if filters else ""
    )
    charts = "".join(
        f'<figure class="chart" aria-label="{escape(name)}">{_svg_body(svg)}</figure>'
        for name, svg in zip(CHART_TITLES, chart_svgs(report))
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        '<p class="note">Payments are the saved claim lines\' own (Medicare, '
        "at the quarter saved with each entry). "
        "No patient identifier is shown.</p>"
        f"<h2>By drug</h2>{_table(report)}"
        f"<h2>Charts</h2>{charts}"
        f"<h2>Risks</h2>{_list(risk_lines(report))}"
        "<section "
        f'class="what-if"><h2>{escape(WHAT_IF_BANNER)}</h2>{_list(what_if_lines(report))}</section>'
        "</body></html>\n"
    )
