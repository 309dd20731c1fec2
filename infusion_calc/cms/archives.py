"""Zips as CMS publishes them (the quarterly zips, and
the HCPCS xlsx, itself a zip), opened with limits.

A 2 MB zip can hold a 2 GiB CSV: reading it whole ran the import out of memory. A zip's
directory says how big each member unzips; one that promises more than a CMS file ever
is, or expands more than a CMS file ever does, is refused before anything is unzipped.
"""

from __future__ import annotations

import zipfile
from io import BytesIO

from infusion_calc.core.errors import InputError
from infusion_calc.site_files import MB

FILE_LIMIT = 64 * MB
"""A file given, or a member of a zip, is at most this
(CMS's largest, 2025Q4's crosswalk, is 2.8 MB)."""
ZIP_MEMBERS_LIMIT = 200
"""Entries a zip may list (CMS's quarterly zips hold a handful)."""
EXPANSION_LIMIT = 200
"""How many times its zipped size a member may expand to (CMS's CSVs: 3 to 24 times)."""


def checked_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """The zip in `data`, once its directory promises nothing a CMS zip would not: few members,
    each at most FILE_LIMIT unzipped and at most EXPANSION_LIMIT times its zipped size.
    Reading a member stops at the size its entry declares, so a lying entry cannot grow past it."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        raise InputError("file", f"{name}: not a readable zip file") from None
    members = archive.infolist()
    if len(members) > ZIP_MEMBERS_LIMIT:
        raise InputError(
            "file",
            f"{name}: the zip lists {len(members):,} members; "
            f"CMS's zips hold a handful (at most {ZIP_MEMBERS_LIMIT})",
        )
    for member in members:
        if member.file_size > FILE_LIMIT or member.file_size > EXPANSION_LIMIT * max(
            member.compress_size, 1
        ):
            raise InputError(
                "file",
                f"{name}:{member.filename}: unzips to {member.file_size:,} bytes from "
                f"{member.compress_size:,}; a CMS file is at most {FILE_LIMIT // MB} MB and "
                f"expands at most {EXPANSION_LIMIT} times (a zip bomb?)",
            )
    return archive
