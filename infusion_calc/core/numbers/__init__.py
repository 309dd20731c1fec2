"""Numbers and units: exact amounts (Decimal),
the one pint registry and its strict parser, rounding rules."""
