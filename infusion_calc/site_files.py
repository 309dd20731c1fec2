"""Reading a site's own files (catalog, config) safely: regular files only, of a bounded size.

A named pipe given as a catalog would block the reader forever, and `/dev/zero` would
be read until memory runs out. So a file is opened without blocking, checked to be a
regular file, and read only up to a size no real file of its kind reaches.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MB = 1_000_000

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class UnreadableFile(Exception):
    """The file cannot be used; the message says why, without naming the file (the caller does)."""


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def present(path: Path) -> bool:
    """False only when nothing is at `path`. A broken link, or a folder that cannot be
    searched, is there to be reported by the read, never a file silently skipped."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError:  # permission denied, or the "folder" is a file: the read will say so
        return True
    return True


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them; raises UnreadableFile."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait for one, forever.
        descriptor = os.open(
            path,
            os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0),
        )
    except OSError as error:
        if os.path.islink(path) and not os.path.exists(path):
            raise UnreadableFile("it is a link to a file that does not exist") from None
        raise UnreadableFile(str(error.strerror or error)) from None
    try:
        return read_open_file(descriptor, limit)
    finally:
        os.close(descriptor)


def read_open_file(descriptor: int, limit: int) -> bytes:
    """The bytes of an open regular file, at most `limit` of them; raises UnreadableFile
    (the caller closes it)."""
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableFile(f"it is {_kind(status.st_mode)}, not a regular file")
        if status.st_size > limit:
            raise UnreadableFile(
                f"it is {status.st_size / MB:,.1f} MB; "
                f"a file of this kind is at most {limit / MB:g} MB"
            )
        # One read of the whole file, as its size says (a byte more: a file that grew is read
        # on): read in pieces and joined, a 10,000-entry site file's 9 MB cache was copied twice.
        first = os.read(descriptor, status.st_size + 1)
        chunks, size = [first], len(first)
        while size <= limit and (chunk := os.read(descriptor, 1 << 20)):
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # grew while being read
            raise UnreadableFile(
                f"it is over {limit / MB:g} MB; a file of this kind is at most {limit / MB:g} MB"
            )
        return first if len(chunks) == 1 else b"".join(chunks)
    except OSError as error:
        raise UnreadableFile(str(error.strerror or error)) from None


def read_private_file(folder: int, name: str, limit: int) -> bytes | None:
    """The bytes of `name` in the open folder when it is a regular file (not a link) of this
    user that no one else can write, of at most `limit` bytes; None otherwise."""
    try:
        flags = (
            os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        )
        descriptor = os.open(name, flags, dir_fd=folder)
    except (
        OSError,
        NotImplementedError,
    ):  # absent, a link, or no dir_fd on this system: not trusted
        return None
    try:
        status = os.fstat(descriptor)
        if status.st_uid != os.geteuid() or status.st_mode & 0o022:
            return None
        return read_open_file(descriptor, limit)
    except UnreadableFile:
        return None
    finally:
        os.close(descriptor)


def read_text_file(path: Path, limit: int) -> str:
    """`read_regular_file` decoded as UTF-8, a byte-order mark at the start dropped
    (editors on Windows add one)."""
    return utf8_text(read_regular_file(path, limit))


def utf8_text(data: bytes) -> str:
    """A file's bytes as text (a byte-order mark at the start dropped);
    UnreadableFile saying where it is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise UnreadableFile(
            f"not a UTF-8 text file (byte 0x{data[error.start]:02x} "
            f"on line {line}); save it as UTF-8"
        ) from None


SITE_CATALOG_LIMIT = 16 * MB
"""Far above any real site file (the packaged catalog is ~20 kB); a bigger one is the wrong file."""


def read_site_file(site_file: Path) -> str:
    """A site catalog file's text; CatalogError naming the file when it cannot be used."""
    return site_file_text(site_file, read_site_bytes(site_file))


def read_site_bytes(site_file: Path) -> bytes:
    """A site catalog file's bytes, as a warm start hashes them
    (decoded only when the cache misses)."""
    from infusion_calc.core.errors import (
        CatalogError,
    )  # no core module before the app's first frame

    try:
        return read_regular_file(Path(site_file), SITE_CATALOG_LIMIT)
    except UnreadableFile as problem:
        raise CatalogError(f"{site_file}: cannot read the catalog file: {problem}") from None


def site_file_text(site_file: Path, data: bytes) -> str:
    """The bytes `read_site_bytes` gave, as text;
    CatalogError naming the file when they are not UTF-8."""
    from infusion_calc.core.errors import (
        CatalogError,
    )  # no core module before the app's first frame

    try:
        return utf8_text(data)
    except UnreadableFile as problem:
        raise CatalogError(f"{site_file}: cannot read the catalog file: {problem}") from None
