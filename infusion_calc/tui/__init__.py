"""The chair-side Textual app. Entry point: `infusion_calc.tui.app.make_app()`.

Nothing here imports the core at module import: pint and the catalog are loaded in a
worker after the first frame, so the app opens as fast as a bare Textual app.
"""
