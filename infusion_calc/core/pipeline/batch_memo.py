"""A batch's answers kept by the text they were computed from, so a repeated order is computed once.

A batch repeats its orders: the same drug, dose and vials on many rows, often on the same day.
Everything a row's claim lines come from (`administer`, core/pipeline/administration.py) is a pure
function of the row's order cells and its `given_at` cell, given the site and the day the batch
runs, which are fixed for a batch. So the answer is kept under the exact text of those cells
(not a normalised form: " 300 mg" and "300 mg" are two keys with equal answers). What is never
kept: a refusal (computed again, so its sentence is always the row's own), and the checks. Each
row's claim lines still pass `require_valid_claim_lines` and each written cell the CSV guard.

Bounded (least recently used out first), so a file of any length costs the same memory.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

MEMO_ORDERS = 384
"""Answers kept (about 8 KB each, so about 3 MB). What repeats in a batch is an order on a day; an
order by weight seldom does, so more room keeps nothing more: the benchmark file's 50,000 rows
take 18,091 answers kept from 384 as from 512 (18,079 from 256, 18,025 from 192, none from 128,
where its orders of a day come back further apart than that), and 128 answers fewer leave room
for each kept plan's CSV text (core/pipeline/batch_records.py, `PlanRecords`)."""

Answer = TypeVar("Answer")


class RowMemo(Generic[Answer]):
    """Answers by key, for one batch: its site, its day and its columns
    (`scope` forgets the rest)."""

    def __init__(self, size: int = MEMO_ORDERS) -> None:
        self.size = size
        self._answers: OrderedDict[Hashable, Answer] = OrderedDict()
        self._scope: tuple[int, ...] = ()
        self.hits = 0
        self.misses = 0

    def scope(self, *inputs: object) -> None:
        """What every kept answer also depends on (the
        site, today, the columns): when it changes, forget.

        Compared by identity: a batch passes the same objects for every chunk."""
        scope = tuple(id(value) for value in inputs)
        if scope != self._scope:
            self._answers.clear()
            self._scope = scope
            self._kept = inputs  # held, so that no id above is reused by another object

    def answer(self, key: Hashable, compute: Callable[..., Answer], *arguments: Any) -> Answer:
        """The answer kept for `key`, else `compute(*arguments)` kept;
        an exception from `compute` is not kept."""
        found = self.get(key)
        return found if found is not None else self.keep(key, compute(*arguments))

    def get(self, key: Hashable) -> Answer | None:
        """The answer kept for `key`, or None (a batch row asks this first: no arguments packed
        for a computation a kept answer makes needless)."""
        find, touch = self.lookup()
        found = find(key)
        if found is not None:
            touch(key)
            self.hits += 1
        return found

    def lookup(
        self,
    ) -> tuple[Callable[[Hashable], Answer | None], Callable[[Hashable], None]]:
        """`get`'s two C calls, bound, for a caller that asks once per row (answer_rows): the
        look-up, and the touch that makes a found answer the most recently used (the caller
        counts `hits`). The memo keeps one dict for its life (`scope` empties it), so they hold."""
        return self._answers.get, self._answers.move_to_end

    def keep(self, key: Hashable, answer: Answer) -> Answer:
        """Keep `answer`, worked out for `key` (not found by `get`); the oldest goes when full."""
        answers = self._answers
        answers[key] = answer
        self.misses += 1
        if len(answers) > self.size:
            answers.popitem(last=False)
        return answer
