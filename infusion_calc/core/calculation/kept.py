"""Answers kept by a key, the oldest kept let go first, so a long batch costs flat memory.

For the engine's pure steps whose inputs repeat across orders (core/calculation/dose_plan.py,
payment.py). A key may hold the `id` of an object without a hash (a Product holds lists):
`keep` holds that object beside the answer, so no id in a live key can be reused by
another object. A refusal (an exception) is never kept: the caller computes it again.

A look-up is the dict's own `get`, with no Python call of ours and nothing written: a batch row
looks up half a dozen kept answers, and a call, a move to the end of an LRU order and a tuple to
unpack cost each look-up several times the look-up itself. So an answer is let go when it is the
oldest kept, used or not; it is then worked out again once, while what a batch reads comes to
fewer answers than each store keeps (the benchmark file: 1,756 plans, 2,048 kept).

Safe to share between threads with no lock: each step is one operation on a dict, an answer is
put in before its held objects and taken out after them (while the objects let go are still held
by the one letting them go), so an answer found always has its objects held and no id in its key
can have been reused. A key another thread let go meanwhile is simply worked out again. (`clear`
is for tests and benchmarks, between calculations.)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Answer = TypeVar("Answer")


class Kept(Generic[Answer]):
    """At most `size` answers by key."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: dict[Hashable, Answer] = {}
        self._held: OrderedDict[Hashable, tuple[object, ...]] = OrderedDict()
        """The objects each key names by identity, in the order kept: the oldest goes first."""
        self.get: Callable[[Hashable], Answer | None] = self._answers.get
        """The answer kept under a key, or None."""

    def keep(self, key: Hashable, answer: Answer, *held: object) -> Answer:
        """Keep `answer` under `key`, with the objects whose ids the key holds."""
        self._answers[key] = answer
        self._held[key] = held
        if len(self._held) > self.size:
            try:
                oldest, let_go = self._held.popitem(last=False)
            except KeyError:  # emptied by another thread meanwhile
                return answer
            self._answers.pop(oldest, None)  # while `let_go` still holds its objects
            del let_go
        return answer

    def clear(self) -> None:
        self._answers.clear()
        self._held.clear()

    def __len__(self) -> int:
        return len(self._answers)
