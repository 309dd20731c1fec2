"""Start an app headless; print the moment its first
frame is drawn (time.monotonic), then exit at once.

Usage: python benchmarks/first_frame.py MODULE:FACTORY. The parent notes time.monotonic()
just before starting this process (the clock is system-wide), so the difference is the
whole start-up as a user waits for it: interpreter, imports, app, first frame. The same
driver starts both apps being compared, so they are started the same way.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(
    1, str(Path(__file__).resolve().parent.parent)
)  # `benchmarks.minimal_app` from any directory


def main(spec: str) -> None:
    module, factory = spec.split(":")
    app = getattr(importlib.import_module(module), factory)()
    display = app._display  # the one place a frame goes to the driver

    def first_frame(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None and not app._batch_count:
            cpu = os.times()
            sys.stdout.write(
                f"{time.monotonic()!r} {cpu.user + cpu.system!r}\n"
            )  # then the process's CPU seconds
            sys.stdout.flush()
            os._exit(0)  # the frame is out; tearing down is not part of the figure

    app._display = first_frame
    app.run(headless=True, size=(100, 32))
    sys.exit("the app exited without drawing a frame")


if __name__ == "__main__":
    main(sys.argv[1])
