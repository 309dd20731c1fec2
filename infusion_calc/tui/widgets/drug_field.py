"""The drug field: type any part of a generic name, brand or HCPCS code and the matches
list under it at once, most-used first; Enter takes the highlighted one.

A text field rather than a drop-down, so that with hundreds of catalog entries the
nurse never scrolls a list: `remi` Enter is Remicade. The field shows the chosen drug's
label; focusing it selects that label, so typing replaces it with a search. Up/Down
move through the matches; a generic name several codes share highlights none, so Enter
waits until the nurse picks one. Esc (or leaving the field) keeps the drug as it was. Enter on
the field without typing lists every drug, most-used first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from infusion_calc.core.catalog.drug_search import DrugIndex

SHOWN = 12
"""Matches listed at once (the list shows 8 lines; more are reached by typing more)."""


class DrugField(Vertical):
    """The chosen drug's HCPCS code as `value`; a search box and its matches to change it."""

    DEFAULT_CSS = """
    DrugField { height: auto; }
    DrugField > #drug-matches { display: none; height: auto; max-height: 8; }
    DrugField.-searching > #drug-matches { display: block; }
    """
    BINDINGS = [
        Binding("down", "move(1)", "Next match", show=False),
        Binding("up", "move(-1)", "Previous match", show=False),
        Binding("escape", "cancel", "Keep the drug", show=False),
    ]

    # The messages are plain classes, not dataclasses: a dataclass compiles its methods as the
    # module loads, which the first frame waits for.
    class Changed(Message):
        """Another drug was chosen."""

        def __init__(self, field: "DrugField", value: str) -> None:
            super().__init__()
            self.field = field
            self.value = value

    class Entered(Message):
        """Enter was pressed in the field: `picked` when it chose a drug (the form moves on)."""

        def __init__(self, field: "DrugField", picked: bool) -> None:
            super().__init__()
            self.field = field
            self.picked = picked

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.search = Input(placeholder="Loading the catalog…", id="drug-search")
        self._matches: OptionList | None = None
        self._index: DrugIndex | None = None
        """The searchable list, once asked for: built on the first search, or handed in built."""
        self._index_source: Callable[[], DrugIndex] | None = None
        self._label_of: Callable[[str], str] = lambda code: ""
        self._value = ""

    def compose(self) -> ComposeResult:
        yield self.search

    @property
    def matches(self) -> OptionList:
        """The list under the field, mounted when first needed: hidden until a search, it cost
        the first frame a widget and its styles."""
        if self._matches is None:
            self._matches = OptionList(id="drug-matches")
            self._matches.can_focus = False  # the typing stays in the search box
            self.mount(self._matches)
        return self._matches

    # -- what the form sets -----------------------------------------------------------

    def load(
        self, index: "Callable[[], DrugIndex]", label_of: Callable[[str], str], *, any_drug: bool
    ) -> None:
        """Where the list comes from, asked for on the first search (hundreds of codes: not unpacked
        at start-up), and the label shown for a chosen code."""
        self._index, self._index_source = None, index
        self._label_of = label_of
        self.search.placeholder = (
            "type a name, brand or HCPCS code" if any_drug else "No catalog loaded"
        )

    @property
    def value(self) -> str:
        return self._value

    @value.setter
    def value(self, code: str) -> None:
        changed = code != self._value
        self._value = code
        self._close()
        if changed:
            self.post_message(self.Changed(self, code))

    def focus(self, scroll_visible: bool = True) -> "DrugField":
        """Focus the search box (a problem with the drug sends the nurse here)."""
        self.search.focus(scroll_visible)
        return self

    @property
    def expanded(self) -> bool:
        """Whether the matches are listed."""
        return self.has_class("-searching")

    @property
    def listed(self) -> tuple[str, ...]:
        """The codes listed now, in order (for tests)."""
        if self._matches is None:
            return ()
        return tuple(str(option.id) for option in self._matches.options if option.id)

    # -- events -----------------------------------------------------------------------

    @on(Input.Changed, "#drug-search")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()  # not a quantity: the form's own field handling is not for this box
        if self._index_source is not None and event.value != self._label_of(self._value):
            self._open(event.value)

    @on(Input.Submitted, "#drug-search")
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        picked = self._highlighted() if self.expanded else None
        if picked is not None:
            self.value = picked
        elif self._index_source is not None and not self.expanded:
            self._open("")
        self.post_message(self.Entered(self, picked is not None))

    @on(OptionList.OptionSelected, "#drug-matches")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.value = str(event.option.id)
            self.search.focus()

    def on_click(self) -> None:
        if (
            not self.expanded and self._index_source is not None
        ):  # a click on the field lists the drugs
            self._open("")

    @on(events.DescendantBlur)
    def _left(self) -> None:
        self._close()

    def action_move(self, step: int) -> None:
        if self.expanded:
            (self.matches.action_cursor_down if step > 0 else self.matches.action_cursor_up)()
        elif self._index_source is not None:
            self._open("")

    def action_cancel(self) -> None:
        self._close()

    # -- helpers ----------------------------------------------------------------------

    def _open(self, query: str) -> None:
        assert self._index_source is not None
        if self._index is None:
            self._index = self._index_source()
        hits, total = self._index.search(query, SHOWN)
        # Content, not markup: a site's drug name may hold "[" and must show as typed.
        options = [Option(Content(hit.label), id=hit.code) for hit in hits]
        if not hits:
            options.append(
                Option(
                    Content(
                        f"No drug matches '{query}': try the generic name, "
                        "the brand or the HCPCS code"
                    ),
                    disabled=True,
                )
            )
        elif total > len(hits):
            options.append(
                Option(Content(f"… {total - len(hits)} more: keep typing"), disabled=True)
            )
        # A name several codes share (natalizumab: Tysabri and its biosimilar) is never chosen
        # for the nurse: nothing is highlighted, so Enter waits until one is picked with ↓.
        shared = self._index.shared_name(query) if hits else None
        if shared is not None:
            name, count = shared
            options.insert(
                0,
                Option(
                    Content(f"{count} codes share the name {name}: pick one with ↓ and Enter"),
                    disabled=True,
                ),
            )
        self.matches.set_options(options)
        self.matches.highlighted = 0 if hits and shared is None else None
        self.add_class("-searching")

    def _close(self) -> None:
        self.remove_class("-searching")
        label = self._label_of(self._value) if self._value else ""
        if self.search.value != label:
            with self.search.prevent(Input.Changed):
                self.search.value = label
            self.search.cursor_position = 0

    def _highlighted(self) -> str | None:
        index = self.matches.highlighted
        if index is None:
            return None
        option = self.matches.get_option_at_index(index)
        return str(option.id) if option.id and not option.disabled else None
