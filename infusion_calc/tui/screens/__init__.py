"""Screens of the chair-side app, one module each."""
