"""Bytes from the terminal that are not UTF-8 must not end the app.

Textual's drivers decode what the terminal sends with a strict UTF-8 decoder, in their
input thread; one invalid byte (`300\\xffmg` pasted from a buffer, a terminal set to
Latin-1) raises UnicodeDecodeError there, which ends the app and loses the form. The
drivers look the decoder factory up by name in their own module, so the app hands them
one that decodes such a byte as U+FFFD instead: the field then shows `300�mg` with the
parser's message under it, like any other typing mistake.
"""

from __future__ import annotations

import codecs
import sys
from collections.abc import Callable
from functools import partial


def forgiving_decoder_factory(encoding: str) -> Callable[[], codecs.IncrementalDecoder]:
    """Like codecs.getincrementaldecoder, but the decoders it makes replace invalid bytes."""
    return partial(codecs.getincrementaldecoder(encoding), errors="replace")


def tolerate_invalid_bytes(driver_class: type) -> type:
    """Make the driver class's module decode terminal input forgivingly; returns the class."""
    module = sys.modules.get(driver_class.__module__)
    if (
        module is not None
        and getattr(module, "getincrementaldecoder", None) is codecs.getincrementaldecoder
    ):
        # the driver module's own name, replaced
        setattr(module, "getincrementaldecoder", forgiving_decoder_factory)  # noqa: B010
    return driver_class
