"""Exit statuses, and standard output that reports a failed write as what it is.

A script must be able to tell from the status alone what happened, above all whether a
save happened: retrying a save that succeeded would log one administration twice.

    0    done
    1    internal error (a bug: please report it), or the log refused the save (nothing saved)
    2    the input or the environment was refused: one `error:` line says why (nothing saved)
    3    the calculation WAS saved to the log, but its output could not be written
         (full disk, closed pipe, ...): do not save it again
    141  the reader closed the pipe early (`| head`) and nothing was saved: 128 + SIGPIPE,
         as a shell reports a Unix tool stopped the same way
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from infusion_calc.log import SavedEntry

INTERNAL = 1
REFUSED = 2
SAVED_BUT_OUTPUT_FAILED = 3
PIPE_CLOSED = 128 + 13


def one_line(message: str) -> str:
    """`message` with newlines and other control or invisible characters written as escapes:
    one line that drives no terminal, whatever an argument or a file held."""
    if message.isprintable():
        return message
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in message
    )


class OutputFailed(Exception):
    """Standard output could not be written; `reason` says why in a few words."""

    def __init__(self, reason: str, closed_pipe: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.closed_pipe = closed_pipe


def _failure(error: Exception, encoding: str) -> OutputFailed:
    if isinstance(error, UnicodeEncodeError):
        return OutputFailed(
            f"its encoding, {encoding}, cannot hold some of the "
            "characters; use a UTF-8 locale, e.g. LANG=C.UTF-8"
        )
    if isinstance(error, BrokenPipeError) or getattr(error, "errno", None) == errno.EPIPE:
        return OutputFailed("the reader closed the pipe", closed_pipe=True)
    return OutputFailed(getattr(error, "strerror", None) or str(error))


class GuardedOutput:
    """Wraps sys.stdout: any failure to write it becomes OutputFailed,
    told apart from other errors."""

    def __init__(self, stream: IO[str] | None) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        if self.stream is None:  # started with standard output closed (`>&-`)
            raise OutputFailed("standard output is closed")
        try:
            return self.stream.write(text)
        except (OSError, UnicodeEncodeError) as error:
            raise _failure(error, getattr(self.stream, "encoding", "?")) from None

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self.stream is None:
            return
        try:
            self.stream.flush()
        except (OSError, UnicodeEncodeError) as error:
            raise _failure(error, getattr(self.stream, "encoding", "?")) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def discard_pending_output(stream: IO[str]) -> None:
    """Point standard output at /dev/null, so what is still buffered cannot fail again at exit."""
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError, AttributeError):
        return  # not a real file (a test's capture): nothing will be flushed at exit
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, descriptor)
    os.close(null)


def output_failed(failure: OutputFailed, saved_entry: SavedEntry | None = None) -> int:
    """Say what happened (and whether the calculation was saved); the exit status that tells it."""
    if saved_entry is not None:
        sys.stderr.write(
            f"error: the output could not be written ({failure.reason}), but the calculation WAS "
            f"saved as administration log entry {saved_entry.id}: do not save it again\n"
        )
        return SAVED_BUT_OUTPUT_FAILED
    if failure.closed_pipe:
        return PIPE_CLOSED  # quietly, as `yes | head` does: the reader chose to stop
    sys.stderr.write(
        f"error: the output could not be written ({failure.reason}); it is incomplete\n"
    )
    return REFUSED


def environment_failed(error: OSError, saved_entry: SavedEntry | None = None) -> int:
    """An OSError no command turned into a sentence (a full disk on --out, an unreadable folder)."""
    where = f" ({one_line(str(error.filename))})" if error.filename else ""
    reason = error.strerror or str(error)
    if saved_entry is not None:
        sys.stderr.write(
            f"error: {reason}{where}, but the calculation WAS saved as administration log entry "
            f"{saved_entry.id}: do not save it again\n"
        )
        return SAVED_BUT_OUTPUT_FAILED
    sys.stderr.write(
        f"error: {reason}{where}; the command stopped, and any output it wrote is incomplete\n"
    )
    return REFUSED


class SavedThenFailed(Exception):
    """The command saved to the log, then failed (its output, the disk, a bug): raised from the
    failure, carrying the entry, so the status says the
    save happened (exit 3) and it is not retried."""

    def __init__(self, entry: SavedEntry) -> None:
        super().__init__(f"saved as administration log entry {entry.id}")
        self.entry = entry
