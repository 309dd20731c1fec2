"""A batch spaces the cycle collector while it answers rows, and leaves the process as it found it.

`batch` is also called in-process (tests, scripts using `main`): its collector settings must not
outlive the command, or a long-lived caller would collect cycles far too seldom."""

from __future__ import annotations

import gc

from infusion_calc.cli.batch import COLLECT_EVERY, _collector_spaced


def test_collector_is_spaced_and_startup_frozen_while_rows_are_answered() -> None:
    before_thresholds = gc.get_threshold()
    before_frozen = gc.get_freeze_count()
    with _collector_spaced():
        assert gc.get_threshold()[0] == COLLECT_EVERY
        assert gc.get_freeze_count() > before_frozen  # start-up's objects skipped by collections
    assert gc.get_threshold() == before_thresholds
    assert gc.get_freeze_count() == before_frozen


def test_collector_restored_when_a_row_raises() -> None:
    before_thresholds = gc.get_threshold()
    before_frozen = gc.get_freeze_count()
    try:
        with _collector_spaced():
            raise KeyboardInterrupt  # the user pressed Ctrl+C mid-file
    except KeyboardInterrupt:
        pass
    assert gc.get_threshold() == before_thresholds
    assert gc.get_freeze_count() == before_frozen
