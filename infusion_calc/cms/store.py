"""Where quarters live: those packaged with infusion-calc, and those a site imported.

The packaged quarters are one xz file, one quarter's JSON per line, oldest first: CMS's
quarters repeat most of their rows, which xz (unlike gzip's 32 KB window) compresses
across quarters (10 quarters: 140 KB, against 780 KB as one gzip file each).

Imported files go to the user data folder (`cms/` under it, 0700; files 0600), written
whole or not at all, each with the SHA-256 of the bytes written beside it (`*.sha256`):
the models validated those bytes at import, so a cache miss reading the very same bytes
does not validate them again (`vouched`); any other bytes go through the models.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from infusion_calc.core.errors import CatalogError
from infusion_calc.locations import PACKAGED_DATA, data_dir, make_private_dirs, open_private_dir
from infusion_calc.site_files import read_private_file

PACKAGED_FILE = "cms-quarters.jsonl.xz"
IMPORTED_PATTERN = re.compile(r"asp-([0-9]{4}Q[1-4])\.json\.gz")
DESCRIPTORS_FILE = "hcpcs-descriptors.json.gz"
DIGEST_SUFFIX = ".sha256"
_VALIDATOR = ("cms/models.py", "core/numbers/units.py", "data/units.txt")
"""The code that decides whether a quarter is valid:
a digest recorded by other models vouches for nothing."""


@dataclass(frozen=True)
class LoadedQuarter:
    """A quarter as plain data: its dates, and the payment limit of each code it prices."""

    quarter: str
    effective_from: date
    effective_to: date
    origin: str  # "packaged" or "imported"
    prices: Mapping[str, Mapping[str, str]]
    """code -> {"billing_unit", "payment_limit", "coinsurance_percent"} (decimal strings)."""
    code_count: int
    ndc_count: int
    refused: dict[str, int]
    sources: tuple[str, ...]
    refused_codes: dict[str, str] = field(default_factory=dict)
    """code -> why none of its rows could be imported (`data status --refused`)."""


def cms_dir() -> Path:
    return data_dir() / "cms"


def _write_private(path: Path, payload: bytes) -> None:
    """Whole file or nothing: a temporary file in the same folder, 0600, then renamed."""

    make_private_dirs(path.parent)  # and its parents, 0700 whatever the umask
    os.chmod(path.parent, 0o700)
    import tempfile  # lazy: an import writes; a warm start only reads (with shutil and random)

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".import-")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def compress(text: str) -> bytes:
    import gzip  # lazy: a warm calc reads no gzip file (calc's budget)

    # mtime=0: the same quarter always gives the same bytes (a reproducible packaged file).
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def save_quarter(quarter_json: str, label: str) -> Path:
    """The quarter the models just validated, then the digest that says so
    (killed between: a mismatch)."""
    path = cms_dir() / f"asp-{label}.json.gz"
    payload = compress(quarter_json)
    _write_private(path, payload)
    _write_private(path.with_name(path.name + DIGEST_SUFFIX), digest_line(payload))
    return path


def validator_digest() -> str:
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in _VALIDATOR:
        digest.update((package / name).read_bytes())
    return digest.hexdigest()


def digest_line(payload: bytes) -> bytes:
    """What the digest file of a stored quarter holds: its bytes' SHA-256,
    and which models validated them."""
    return f"sha256={hashlib.sha256(payload).hexdigest()} models={validator_digest()}\n".encode()


def vouched(path: Path, payload: bytes) -> bool:
    """Whether `payload`, read from the imported `path`,
    are the bytes the import validated and recorded.

    Only when the folder, the quarter and its digest are this user's and no one else can write them:
    the same trust the compiled cache asks of its own files (catalog_cache.py)."""
    folder = open_private_dir(path.parent)
    if folder is None:
        return False
    try:
        quarter = os.stat(path.name, dir_fd=folder, follow_symlinks=False)
        recorded = read_private_file(folder, path.name + DIGEST_SUFFIX, 1024)
    except (OSError, NotImplementedError):
        return False
    finally:
        os.close(folder)
    mine = stat.S_ISREG(quarter.st_mode) and quarter.st_uid == os.geteuid()
    return mine and not quarter.st_mode & 0o022 and recorded == digest_line(payload)


def save_descriptors(descriptors: dict[str, dict[str, str]]) -> Path:
    path = cms_dir() / DESCRIPTORS_FILE
    _write_private(path, compress(json.dumps(descriptors, separators=(",", ":"), sort_keys=True)))
    return path


def stored_descriptors() -> dict[str, dict[str, str]]:
    import gzip  # lazy: a warm calc reads no gzip file (calc's budget)

    path = cms_dir() / DESCRIPTORS_FILE
    if not path.is_file():
        return {}
    try:
        descriptors: dict[str, dict[str, str]] = json.loads(gzip.decompress(path.read_bytes()))
        return descriptors
    except (OSError, ValueError, EOFError):
        # only a convenience for the next import; that import's own HCPCS file can replace it
        return {}


def pack_quarters(quarter_jsons: list[str]) -> bytes:
    """The packaged file: one quarter per line; the same quarters always give the same bytes."""
    import lzma  # lazy: the build packs quarters; a warm start never unpacks them

    return lzma.compress("\n".join(quarter_jsons).encode("utf-8"), preset=9 | lzma.PRESET_EXTREME)


def quarter_texts(data: bytes) -> list[bytes]:
    """The quarter JSON texts in a stored file: several in the packaged xz file,
    one in an imported gzip file.

    Raises OSError, EOFError, zlib.error or lzma.LZMAError when the bytes are not such a file."""
    import gzip  # lazy: a warm calc reads no gzip file (calc's budget)
    import lzma  # lazy: likewise, the packaged xz file is unpacked on a cache miss only

    if data[:6] == b"\xfd7zXZ\x00":
        return lzma.decompress(data).split(b"\n")
    return [gzip.decompress(data)]


def quarter_from_json(raw: dict[str, Any], origin: str) -> LoadedQuarter:
    """A stored quarter (already validated) as plain data."""
    return LoadedQuarter(
        quarter=raw["quarter"],
        effective_from=date.fromisoformat(raw["effective_from"]),
        effective_to=date.fromisoformat(raw["effective_to"]),
        origin=origin,
        prices={
            # A literal, not a comprehension per code: ten quarters hold some 6,000 priced codes.
            code["hcpcs"]: {
                "billing_unit": code["billing_unit"],
                "payment_limit": code["payment_limit"],
                "coinsurance_percent": code["coinsurance_percent"],
            }
            for code in raw["codes"]
            if code.get("payment_limit") is not None
        },
        code_count=len(raw["codes"]),
        ndc_count=sum(len(code["items"]) for code in raw["codes"]),
        refused=dict(raw["refused"]),
        sources=tuple(source["file"] for source in raw["sources"]),
        refused_codes=dict(raw.get("refused_codes") or {}),
    )


def quarter_files() -> list[tuple[str, str, bytes]]:
    """(origin, where, bytes) of every stored quarter: the packaged ones, then the imported ones."""
    found = []
    packaged = PACKAGED_DATA / PACKAGED_FILE
    if packaged.is_file():
        found.append(("packaged", f"packaged {PACKAGED_FILE}", packaged.read_bytes()))
    folder = cms_dir()
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if IMPORTED_PATTERN.fullmatch(path.name):
                try:
                    found.append(("imported", str(path), path.read_bytes()))
                except OSError as error:
                    raise CatalogError(
                        f"{path}: cannot read the imported quarter ({error.strerror})"
                    ) from None
    return found


def packaged_descriptors() -> dict[str, dict[str, str]]:
    """The HCPCS descriptors the packaged quarters carry (the newest wins):
    used by an import given no HCPCS file."""
    descriptors: dict[str, dict[str, str]] = {}
    for origin, _where, data in quarter_files():
        if origin == "packaged":
            for text in quarter_texts(data):
                for code in json.loads(text)["codes"]:
                    descriptors[code["hcpcs"]] = {
                        "descriptor": code.get("descriptor") or "",
                        "short": code["short_description"],
                    }
                    dates = {
                        "added": code.get("hcpcs_added"),
                        "terminated": code.get("hcpcs_terminated"),
                    }
                    descriptors[code["hcpcs"]].update(
                        {key: value for key, value in dates.items() if value}
                    )
    return descriptors


@contextmanager
def import_lock() -> Iterator[None]:
    """One import at a time compares with and replaces the stored quarters
    (two terminals, two imports)."""
    import fcntl  # lazy: only `data import` locks the store (calc's budget)

    folder = cms_dir()
    make_private_dirs(folder)
    descriptor = os.open(
        folder / ".import.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600
    )
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        for left in folder.glob(
            ".import-*"
        ):  # written by an import that was killed: no import is writing now
            left.unlink(missing_ok=True)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock, as a killed process's does
