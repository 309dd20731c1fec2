"""Drawing the waste-and-revenue report (core/report/report.py) as text, CSV, JSON, HTML and PNG.

Everything here reads the contract dictionary `report_to_dict` gives, so every format shows
the same figures. matplotlib is imported by charts.py alone, and only when a chart is drawn:
`calc` and the app never load it.
"""
