"""A high-contrast light theme for bright ward screens (black on white, dark accents)."""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = "ward-high-contrast"

WARD_HIGH_CONTRAST = Theme(
    name=HIGH_CONTRAST,
    primary="#00307a",
    secondary="#4b0f80",
    accent="#7a3a00",
    warning="#8a4b00",
    error="#a3001b",
    success="#00602a",
    foreground="#000000",
    background="#ffffff",
    surface="#ffffff",
    panel="#e4e4e4",
    dark=False,
    luminosity_spread=0.08,
    text_alpha=1.0,
    variables={
        "text-muted": "#1f1f1f",
        "border": "#000000",
        "border-blurred": "#4a4a4a",
        "input-cursor-background": "#000000",
        "input-cursor-foreground": "#ffffff",
        "input-selection-background": "#00307a 35%",
        "footer-key-foreground": "#00307a",
        "footer-description-foreground": "#000000",
        "block-cursor-background": "#00307a",
        "block-cursor-foreground": "#ffffff",
        "scrollbar": "#4a4a4a",
    },
)
