"""The log stays private: its folder 0700, its files 0600, all owned by the user saving.

A fresh log is created that way, but a folder made by hand (0755), a file copied in
(0644) or an old version's log would be used as found, and SQLite gives its -wal and
-shm files the mode of the database, so every later save would be readable by
others. Before each save the folder and every log file are checked: one of ours that
others can read is made private, and the caller is told so; one that belongs to
another user is refused (it may have been put there to read the next save).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

COMPANIONS = ("", "-wal", "-shm", "-journal")
"""The database and the files SQLite keeps next to it, which hold saved entries too."""


class NotPrivate(Exception):
    """The log cannot be made private; the message says which file and why."""


def log_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in COMPANIONS]


def _checked(target: Path, private_mode: int, what: str, fix: bool) -> str | None:
    """None when `target` is absent or private; a sentence when it was fixed
    (or, reading, could not be)."""
    try:
        status = os.stat(target)  # a link to a managed drive is judged by what it points to
    except FileNotFoundError:
        return None
    if status.st_uid != os.geteuid():
        if fix:
            raise NotPrivate(
                f"{what} {target} belongs to another user (uid {status.st_uid}), "
                "who could read every save"
            )
        return None  # reading someone else's log harms no one's privacy here
    mode = stat.S_IMODE(status.st_mode)
    if not mode & 0o077:
        return None
    if mode & stat.S_ISVTX:  # a shared folder such as /tmp: closing it would break everyone else
        if fix:
            raise NotPrivate(
                f"{what} {target} is a shared folder (mode {mode:o}); "
                "give the log a folder of its own"
            )
        return (
            f"{what} {target} is a shared folder (mode {mode:o}); give the log a folder of its own"
        )
    try:
        os.chmod(target, private_mode)
    except OSError as error:
        if fix:
            raise NotPrivate(
                f"{what} {target} can be read by other users (mode {mode:o}) and cannot be made "
                f"private ({error.strerror})"
            ) from None
        return (
            f"{what} {target} can be read by other users "
            f"(mode {mode:o}); the next save makes it private"
        )
    return (
        f"{what} {target} could be read by other users (mode "
        f"{mode:o}); made it private ({private_mode:o})"
    )


def make_private(path: Path, *, fix: bool = True) -> list[str]:
    """Check the log at `path` (folder and files); what was changed, as sentences.

    `fix` (before a save): anything not ours, or not made private, raises NotPrivate.
    Reading, problems are only reported (a read-only disk cannot be changed).
    """
    notices = [_checked(path.parent, 0o700, "the log folder", fix)]
    notices += [_checked(file, 0o600, "the log file", fix) for file in log_files(path)]
    return [notice for notice in notices if notice]
