"""Where the log is: a SQLite file on this workstation, or a center's PostgreSQL database.

`[log] url = "postgresql://host/dbname"` in the site config, or INFUSION_CALC_LOG_URL (which
wins), names a center log; without either, the SQLite file in the data folder. The URL never
holds a secret: a password in it would be in the config file, a shell's history or a process
list, so it is refused. libpq finds the password where its users keep it (PGPASSWORD, the
`~/.pgpass` file, a service file named with `service=`), and TLS settings (`sslmode`,
`sslrootcert`, ...) are passed to it as written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import (
    parse_qsl,
    urlsplit,
)  # only when a center log is named: a SQLite start does without

from infusion_calc.locations import data_dir
from infusion_calc.log.errors import LogError

URL_VARIABLE = "INFUSION_CALC_LOG_URL"
SCHEMES = ("postgresql", "postgres")
SECRET_PARAMETERS = frozenset({"password", "sslpassword"})


@dataclass(frozen=True, slots=True)
class CenterLog:
    """A center log on a PostgreSQL server; `str()` is the URL, which holds no secret."""

    url: str
    problem: str | None = None
    """Why the log named cannot be used (a URL holding a
    password, a broken site config): said at first use."""

    def __str__(self) -> str:
        return self.url if self.problem is None else "the center log"

    def checked(self) -> CenterLog:
        if self.problem is not None:
            raise LogError(self.problem)
        return self


LogLocation = Path | CenterLog


def center_log(url: str, source: str) -> CenterLog:
    """The URL checked: a PostgreSQL URL with no password in it;
    LogError saying what to do otherwise."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        secrets = parts.password is not None or any(
            key in SECRET_PARAMETERS for key, _ in parse_qsl(parts.query)
        )
    except ValueError:
        raise LogError(
            f"{source}: the log URL is not a URL; give one such as postgresql://loghost/infusions"
        ) from None
    if parts.scheme not in SCHEMES:
        raise LogError(
            f"{source}: the log URL must begin postgresql:// (such as "
            "postgresql://loghost/infusions)"
        )
    if secrets:
        # Not echoed: the message must not repeat the secret it refuses.
        raise LogError(
            f"{source}: the log URL holds a password; remove it and give the password in "
            "PGPASSWORD or a ~/.pgpass file (or a service file), as for any PostgreSQL client"
        )
    return CenterLog(text)


def unusable(problem: str) -> CenterLog:
    """A log that cannot be used, for a caller to find out at its first read or save
    (both report a LogError)."""
    return CenterLog("", problem)


def log_location(configured_url: str | None = None) -> LogLocation:
    """INFUSION_CALC_LOG_URL, else the site config's `[log] url`,
    else the SQLite file in the data folder.

    A URL that cannot be used is returned as `unusable`, so finding the log never raises.
    """
    named = [
        (os.environ.get(URL_VARIABLE, "").strip(), URL_VARIABLE),
        (configured_url or "", "[log] url in the site config"),
    ]
    for url, source in named:
        if url:
            try:
                return center_log(url, source)
            except LogError as error:
                return unusable(str(error))
    return default_log_path()


LOG_FILE = "administrations.sqlite3"


def default_log_path() -> Path:
    """`administrations.sqlite3` in the data folder (INFUSION_CALC_DATA_DIR overrides it)."""
    return data_dir() / LOG_FILE


def workstation_name(configured: str | None = None) -> str:
    """The name saved with each entry: the site config's `[log] workstation`, else the host name."""
    import socket  # only a save names its workstation: reading the log does not import it

    return (configured or "").strip() or socket.gethostname() or "unnamed workstation"
