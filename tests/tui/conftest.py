"""Fixtures for driving the chair-side app: built by the CLI's own factory, no cursor blink."""

from __future__ import annotations

import pytest

from infusion_calc.core.catalog.catalog import Catalog
from infusion_calc.tui.app import InfusionCalcApp, make_app


@pytest.fixture
def app(catalog: Catalog) -> InfusionCalcApp:
    """The app as `infusion-calc` builds it, calculating with the packaged catalog at once."""
    return make_app(catalog, cursor_blink=False)
