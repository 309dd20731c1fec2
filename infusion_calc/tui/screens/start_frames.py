"""How the main screen sends its frames out at start: overrides of private `Screen` methods,
tied to Textual 8.2.8 (pinned), each saying what Textual does and why it is changed here.

The first frame is the form's first part; a key typed at it (or typed ahead) is drawn in the
next frame at once, and nothing Textual does just after the first frame lays the screen out or
draws it whole again when nothing has changed.
"""

from __future__ import annotations

from asyncio import TimerHandle, get_running_loop
from time import monotonic
from typing import Self

from textual import events
from textual.geometry import Region, Size
from textual.screen import UPDATE_PERIOD, Screen
from textual.widgets import Input


class StartFrames(Screen[None]):
    """The main screen's frames; `built` (the whole form is there) is the main screen's."""

    built: bool

    def __init__(self) -> None:
        super().__init__()
        self._resumed = False
        self._resuming = False
        """In Textual's first resume, until its layout has drawn the first frame whole."""
        self._resume_drew_whole = False
        self._updated_at = 0.0
        """When this screen last brought its frame up to date (monotonic seconds)."""
        self._update_due: TimerHandle | None = None
        self._dose_drawn = ""
        """The dose field's text in the last frame drawn while the form is being built."""

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler. The first time, every widget was styled as it was
        # mounted, just before: restyling them all again delayed the first frame (tens of ms).
        if not self._resumed:
            self._resumed = self._resuming = True
            event.refresh_styles = False

    def refresh(
        self,
        *regions: Region,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> Self:
        # Textual's first resume lays the screen out and draws it whole (the first frame), then
        # asks for the whole screen to be drawn again: a second frame the same as the first, and
        # the frame with the first key typed drawn whole instead of just the field.
        if not (regions or layout or recompose) and (self._resuming or self._resume_drew_whole):
            drew_whole, self._resume_drew_whole, self._resuming = (
                self._resume_drew_whole,
                False,
                False,
            )
            if drew_whole:
                return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _screen_resized(self, size: Size) -> None:
        # Textual resizes the screen three times at start to the size its first frame was laid
        # out at, each a layout of the whole screen, delaying a key typed at once: at a size
        # already laid out, a layout pending is left to the next frame (one layout, not three).
        if self.app._dom_ready and not self.app.is_inline and size == self._compositor.size:
            if self._layout_widgets:
                self._layout_required = True
            self.check_idle()
            return
        super()._screen_resized(size)

    async def _on_idle(self, event: events.Idle) -> None:
        # Runs before Textual's own handler, which waits for the screen's next 1/60 s tick, a
        # grid set when its timer started (up to 17 ms after a key, the first key included):
        # the frame goes out 1/60 s after the last one instead (at once if that has passed),
        # so the pace stays one frame per 1/60 s at most. Text typed while the form is being
        # built (typed ahead, or at the first frame) goes out at once: the nurse's first key.
        self._resume_drew_whole = False  # (Textual's resume is over)
        if not self._needs_update():
            return
        # Textual's own handler (after this one) would resume its screen timer, whose next tick
        # may come before the frame this one paces: between a key and its result, a layout of
        # the whole screen. With a frame to draw, it returns without doing anything else.
        event.prevent_default()
        if self._typed_not_drawn():
            if self._update_due is not None:
                self._update_due.cancel()
                self._update_due = None
            self._on_timer_update()
        elif self._update_due is None:
            delay = self._updated_at + UPDATE_PERIOD - monotonic()
            if delay <= 0:
                self._on_timer_update()
            else:
                self._update_due = get_running_loop().call_later(delay, self._update_if_needed)

    def _update_if_needed(self) -> None:
        self._update_due = None
        if self._needs_update():
            self._on_timer_update()

    def _typed_not_drawn(self) -> bool:
        return not self.built and any(
            dose.value != self._dose_drawn for dose in self.query("#dose").results(Input)
        )

    def _needs_update(self) -> bool:
        return (
            self.is_current
            and not self.app._batch_count
            and bool(self._layout_required or self._repaint_required or self._dirty_widgets)
        )

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        resuming, self._resuming = self._resuming, False
        super()._refresh_layout(size, scroll)
        if resuming and not scroll:
            # Textual's first resume has just laid the screen out and drawn it whole (the first
            # frame): a layout or a whole repaint asked for before that is in it already.
            self._layout_required = self._repaint_required = False
            self._resume_drew_whole = True

    def _compositor_refresh(self) -> None:
        if not self.built:  # (the dose field may not exist yet)
            self._dose_drawn = next((dose.value for dose in self.query("#dose").results(Input)), "")
        super()._compositor_refresh()
        # Stamped when the frame is out, not when it began: a frame with a result takes longer
        # than 1/60 s, and the layout Textual asks for after it (the sizes it changed) would
        # otherwise run at once, in front of the key typed next.
        self._updated_at = monotonic()
