"""Getting text out of the app: the tmux buffer and a file in the user data folder.

The app's own copy goes through `App.copy_to_clipboard` (OSC 52), which reaches the
terminal even over SSH. tmux ignores OSC 52 unless `set-clipboard on`, so inside tmux
the text is also loaded into tmux's paste buffer. Terminals that ignore OSC 52 (macOS
Terminal) are served by the save-to-file action.
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import datetime
from pathlib import Path

from infusion_calc.locations import ensure_data_dir

SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """The text with anything UTF-8 cannot carry (a lone surrogate) shown as U+FFFD: the
    clipboard, tmux and files take UTF-8, and one such character must not stop a copy."""
    return text if text.isascii() else SURROGATE.sub("\ufffd", text)


def load_tmux_buffer(text: str) -> bool:
    """Put the text in tmux's paste buffer when running inside tmux; True if that worked."""
    if not os.environ.get("TMUX"):
        return False
    try:
        done = subprocess.run(
            ["tmux", "load-buffer", "-"],
            input=encodable(text).encode("utf-8"),
            capture_output=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def save_text(text: str, now: datetime | None = None) -> Path:
    """Write the text to a new file in the user data folder; raises OSError if it cannot."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder = ensure_data_dir()
    path = folder / f"infusion-calc-{stamp}.txt"
    counter = 1
    while path.exists():  # two saves in one second must not overwrite each other
        counter += 1
        path = folder / f"infusion-calc-{stamp}-{counter}.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(encodable(text))
    return path
