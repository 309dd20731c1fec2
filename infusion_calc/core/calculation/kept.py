"""Answers kept by a key, least recently used out first, so a long batch costs flat memory.

For the engine's pure steps whose inputs repeat across orders (core/calculation/dose_plan.py,
payment.py). A key may hold the `id` of an object without a hash (a Product holds lists):
`keep` stores that object beside the answer, so no id in a live key can be reused by
another object. A refusal (an exception) is never kept: the caller computes it again. Safe
to share between threads: each step is one operation on the dict, and a key another thread
let go in between is simply computed again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

Answer = TypeVar("Answer")


class Kept(Generic[Answer]):
    """At most `size` answers by key."""

    def __init__(self, size: int) -> None:
        self.size = size
        answers: OrderedDict[Hashable, tuple[Answer, tuple[object, ...]]] = OrderedDict()
        self._answers = answers
        # Bound once: a batch row asks a few of these, and each attribute look-up on the way to
        # a C method costs about a third of what the look-up itself does.
        self._find = answers.get
        self._touch = answers.move_to_end

    def get(self, key: Hashable) -> Answer | None:
        found = self._find(key)
        if found is None:
            return None
        try:
            self._touch(key)
        except KeyError:  # another thread (the app's, the server's) let it go meanwhile
            pass
        return found[0]

    def keep(self, key: Hashable, answer: Answer, *held: object) -> Answer:
        """Keep `answer` under `key`, with the objects whose ids the key holds."""
        self._answers[key] = (answer, held)
        if len(self._answers) > self.size:
            try:
                self._answers.popitem(last=False)
            except KeyError:  # emptied by another thread meanwhile
                pass
        return answer

    def clear(self) -> None:
        self._answers.clear()

    def __len__(self) -> int:
        return len(self._answers)
