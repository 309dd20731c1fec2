"""The pipes of a child process a test started with them (stdout=PIPE, stdin=PIPE)."""

from __future__ import annotations

import subprocess
from typing import IO


def stdout_of(child: subprocess.Popen[str]) -> IO[str]:
    assert child.stdout is not None, "started with stdout=subprocess.PIPE"
    return child.stdout


def stdin_of(child: subprocess.Popen[str]) -> IO[str]:
    assert child.stdin is not None, "started with stdin=subprocess.PIPE"
    return child.stdin
