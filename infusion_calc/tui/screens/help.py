"""F1: one screen on JW/JZ, the rounding rule, and why J2326 is not natalizumab."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP_TEXT = """\
# infusion-calc: help

**Keys:** F2 copy claim lines · F3 copy chart text · F4 save both to a file ·
Ctrl+N next patient · Ctrl+P every command · Ctrl+Q quit · Esc closes this help.

## JW and JZ (Medicare Part B, single-dose vials)

- **Administered units** = dose ÷ billing unit, rounded **up**.
- **Discarded units** = (labeled amount opened − dose) ÷ billing unit, rounded **down**.
  One whole unit or more goes on a second line with **JW**.
- Nothing billable discarded: **JZ** on the one line.
- Administered + JW never exceed the labeled amount; overfill is never billed;
  multi-dose containers take neither JW nor JZ.
- Tysabri 300 mg: J2323-JZ × 300. Tysabri 250 mg: J2323 × 250 and J2323-JW × 50.

## Whole-vial rounding (site policy)

Enter the site's threshold (e.g. 10 %) to see the nearest whole-vial dose within it.
It is an **option for the prescriber, never applied**: the result and the claim
stay those of the dose as ordered.

## J2326 is not natalizumab

J2326 is *Injection, nusinersen, 0.1 mg* (Spinraza). Natalizumab is **J2323**
(Tysabri) or **Q5134** (Tyruko). Billing natalizumab as J2326 would claim 0.1 mg units
of another drug, so the app refuses that pairing, also from a site catalog.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,q", "dismiss", "Close help", id="close-help"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Markdown(HELP_TEXT, id="help-text")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
