"""The pure domain core: units, catalog, dosing, vial plans, billing.

Nothing under this package imports Textual or rich (tests/test_import_hygiene.py
proves it), so the CLI, batch jobs and the TUI all share one engine.
"""
