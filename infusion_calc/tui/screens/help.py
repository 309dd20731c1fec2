"""F1: the keys, then one screen on JW/JZ, the rounding rule, and why J2326 is not natalizumab.

Written as paragraphs and list items with no line breaks inside a sentence: the help box
wraps them to its own width, so nothing breaks mid-sentence at 80 columns.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

HELP_TEXT = """\
[b $text-primary]infusion-calc: help[/]
• [b]Enter[/] goes to the next field the dose needs, in the order on screen (a per-kg dose: \
Weight; per m²: Height, then Weight).
• [b]F7[/] jumps to the result, then the checks, then the chart text, then back to the form. \
[b]PageUp[/] / [b]PageDown[/] scroll the result from any field.
• [b]F2[/] copies the claim lines, [b]F3[/] the chart text; [b]F5[/] copies them as CMS-1500, \
UB-04, 837P/837I, FHIR, CSV, JSON or text.
• [b]F6[/] saves to the administration log; [b]F4[/] writes the chart text and claim lines to a \
text file (not the log).
• [b]F8[/] shows the report of the last twelve months from the log: waste and revenue by drug and \
by month, in charts.
• [b]F9[/] adds the drug on screen to the patient's visit (its drugs and whole claim show below \
the result); F2, F3, F4, F5 and F6 then take the whole visit.
• [b]Ctrl+N[/] next patient (the drug stays) · [b]Ctrl+P[/] every command · [b]Ctrl+Q[/] quit · \
[b]Esc[/] closes this help.
• The [b]Encounter[/] panel under the form (Tab to it, Enter opens it) adds the date, times, \
diagnosis, payer, lots and the rest to the chart note; the pre-submission checks follow the claim \
lines. Its [b]Dose given[/] is for an infusion stopped early: the units are then billed from the \
amount given.

[b $text-primary]JW and JZ[/] (Medicare Part B, single-dose vials)
• [b]Administered units[/] = dose ÷ billing unit, rounded [b]up[/].
• [b]Discarded units[/] = (labeled amount opened − dose) ÷ billing unit, rounded [b]down[/]. One \
whole unit or more goes on a second line with [b]JW[/].
• Nothing billable discarded: [b]JZ[/] on the one line.
• Administered + JW never exceed the labeled amount; overfill is never billed; multi-dose \
containers take neither JW nor JZ.
• Tysabri 300 mg: J2323-JZ × 300. Tysabri 250 mg: J2323 × 250 and J2323-JW × 50.

[b $text-primary]Whole-vial rounding[/] (site policy)
Enter the site's threshold (e.g. 10 %) to see the nearest whole-vial dose within it. It is an \
[b]option for the prescriber, never applied[/]: the result and the claim stay those of the dose as \
ordered.

[b $text-primary]J2326 is not natalizumab[/]
J2326 is [i]Injection, nusinersen, 0.1 mg[/] (Spinraza). Natalizumab is [b]J2323[/] (Tysabri) or \
[b]Q5134[/] (Tyruko). Billing natalizumab as J2326 would claim 0.1 mg units of another drug, so \
the app refuses that pairing, also from a site catalog.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,q", "dismiss", "Close help", id="close-help"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Static(HELP_TEXT, id="help-text")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
