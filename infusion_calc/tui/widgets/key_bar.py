"""The key bar: Textual's Footer, drawn with its keys in the first frame and rebuilt only when
the keys it shows change.

Textual's Footer starts empty and rebuilds every key (removes and mounts them all again) after
each focus change and each binding refresh: twice just after the first frame, while the first
key typed waited behind it, and again on every Tab between fields, whose keys are the same.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class KeyBar(Footer):
    def __init__(self, *, show_command_palette: bool = True, compact: bool = False) -> None:
        super().__init__(show_command_palette=show_command_palette, compact=compact)
        self.set_reactive(Footer._bindings_ready, True)  # the keys are known at mount: draw them
        self._drawn: Hashable = None
        """What the keys drawn were built from (see `_keys`)."""
        self._rebuild_due = False

    def compose(self) -> ComposeResult:
        self._drawn = self._keys()
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        if self._rebuild_due or not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self._rebuild_due = True  # once, however many refreshes are asked for before it
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_due = False
        if self._keys() != self._drawn:
            await self.recompose()

    def _keys(self) -> Hashable:
        """Everything `Footer.compose` draws the keys from."""
        keys = tuple(
            (
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                binding.group,
                enabled,
                tooltip,
            )
            for _, binding, enabled, tooltip in self.screen.active_bindings.values()
            if binding.show
        )
        return keys, self.show_command_palette, self.compact
