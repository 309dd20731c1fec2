"""Choose the vials to open: the least labeled amount that covers the dose, then fewest vials.

Medicare bills against the smallest vial combination that gives the dose with the
least waste. The search runs over exact integer multiples
of the strengths' common step, with Python big integers as bit sets: bit t of
`layers[n]` says "a total of t steps is reachable with exactly n vials". Each layer is
k shifts of the previous one, done in C, so a 100-vial search over six presentations
takes milliseconds. Past MAX_VIALS, or a bit set larger than MAX_STEPS, it refuses
with a sentence instead of grinding.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from math import gcd

from infusion_calc.core.errors import PlanError
from infusion_calc.core.numbers.frozen import quick_init
from infusion_calc.core.numbers.rounding import ceil_div, floor_div, plain

MAX_VIALS = 100
"""No infusion chair opens more vials than this for one dose; past it the order is suspect."""
MAX_STEPS = 2_000_000
"""Size bound on the search (in units of the strengths' common step)."""


@quick_init
@dataclass(frozen=True, slots=True)
class Combination:
    """How many vials of each strength (same order as the strengths given), and their total."""

    counts: tuple[int, ...]
    total: Decimal

    @property
    def vial_count(self) -> int:
        return sum(self.counts)


def _common_step(amounts: list[Decimal]) -> Decimal:
    """The largest Decimal step that divides every amount exactly."""
    return _common_step_of(tuple(amounts))


@lru_cache(maxsize=256)
def _common_step_of(amounts: tuple[Decimal, ...]) -> Decimal:
    # Cached: a drug's vial sizes repeat from one calculation to the next, and the
    # Fraction arithmetic costs more than the rest of the search for a typical dose.
    fractions = [Fraction(amount) for amount in amounts]
    denominator = 1
    for fraction in fractions:
        denominator = denominator * fraction.denominator // gcd(denominator, fraction.denominator)
    numerator = 0
    for fraction in fractions:
        numerator = gcd(numerator, int(fraction * denominator))
    return Decimal(numerator) / Decimal(denominator)


class VialSearch:
    """Reachable totals for one set of strengths up to a ceiling, built once and queried."""

    def __init__(self, strengths: list[Decimal], ceiling: Decimal) -> None:
        self.strengths = strengths
        step = self.step = _common_step(strengths)
        sizes: list[int] = []
        self.sizes = sizes
        for strength in strengths:  # a loop: a comprehension is a call of its own
            sizes.append(int(strength / step))
        limit = self.limit = ceil_div(ceiling, step) + max(sizes)
        if limit > MAX_STEPS:
            raise PlanError(
                f"These vial sizes ({', '.join(plain(size) + ' mg' for size in strengths)}) are "
                "too fine to plan a dose this large: check the dose and the vial sizes."
            )
        # Layer n holds totals of at least n × smallest: past limit // smallest vials (and at
        # least one) no layer holds a total within the limit.
        counts = min(max(limit // min(sizes), 1), MAX_VIALS)
        mask, width = (1 << (limit + 1)) - 1, limit + 1
        layers = self.layers = [1]
        previous, reachable = 1, 0
        for _ in range(counts):  # locals, not attributes: this loop is most of a search
            layer = 0
            for size in sizes:
                layer |= previous << size
            if layer.bit_length() > width:  # masking costs a pass over the bits: only when needed
                layer &= mask
            layers.append(layer)
            reachable |= layer
            previous = layer
        self.reachable = reachable
        # Walking back, larger vials are tried first: that makes the pick deterministic.
        self._largest_first = sorted(range(len(sizes)), key=lambda i: -sizes[i])

    def _steps(self, amount: Decimal) -> int:
        return ceil_div(amount, self.step)

    def cover(self, dose: Decimal) -> Combination | None:
        """The least total ≥ dose, with the fewest vials for that total."""
        start = self._steps(dose)
        above = self.reachable >> start
        if not above:
            return None
        total = start + ((above & -above).bit_length() - 1)
        return self._combination(total)

    def nearest(self, low: Decimal, high: Decimal, dose: Decimal) -> Combination | None:
        """The reachable total in [low, high] closest to dose; on a tie, the smaller one."""
        low_steps = self._steps(low)
        high_steps = min(int(high / self.step), self.limit)
        if high_steps < low_steps:
            return None
        # Only two totals can be the nearest: the highest reachable one at or below the dose
        # and the lowest at or above it; any other is farther than one of them. Two masked
        # shifts find them, where visiting every reachable total was quadratic (seconds for
        # fine vial sizes).
        candidates = []
        below_top = min(floor_div(dose, self.step), high_steps)
        if below_top >= low_steps:
            window = self._window(low_steps, below_top)
            if window:
                candidates.append(low_steps + window.bit_length() - 1)
        above_bottom = max(ceil_div(dose, self.step), low_steps)
        if above_bottom <= high_steps:
            window = self._window(above_bottom, high_steps)
            if window:
                candidates.append(above_bottom + (window & -window).bit_length() - 1)
        best: int | None = None
        best_distance: Decimal | None = None
        # Ascending already (the one at or below the dose comes first), and only a strictly
        # nearer one wins: a tie keeps the smaller.
        for total in candidates:
            distance = abs(total * self.step - dose)
            if best_distance is None or distance < best_distance:
                best, best_distance = total, distance
        return None if best is None else self._combination(best)

    def _window(self, first: int, last: int) -> int:
        """The reachable totals from `first` to `last` steps, shifted down to bit 0."""
        return (self.reachable >> first) & ((1 << (last - first + 1)) - 1)

    def _combination(self, total: int) -> Combination:
        layers, sizes = self.layers, self.sizes
        layer_index = 0
        while not (layers[layer_index] >> total) & 1:  # the fewest vials that reach `total`
            layer_index += 1
        counts = [0] * len(sizes)
        remaining = total
        for n in range(layer_index, 0, -1):  # walk back through the layers
            below = layers[n - 1]
            for i in self._largest_first:
                rest = remaining - sizes[i]
                if rest >= 0 and (below >> rest) & 1:
                    counts[i] += 1
                    remaining = rest
                    break
        return Combination(tuple(counts), total * self.step)


def plan_vials(
    strengths: list[Decimal], dose: Decimal, ceiling: Decimal | None = None
) -> tuple[Combination, VialSearch | None]:
    """The vials to open for `dose`; the search object is returned for a rounding query."""
    if not strengths:
        raise PlanError("No vial size to plan with: pick a product or enter a vial size.")
    largest = max(strengths)
    fewest_possible = ceil_div(dose, largest)
    if fewest_possible > MAX_VIALS:
        raise PlanError(
            f"A dose of {plain(dose)} mg needs at least {fewest_possible} "
            f"vials of {plain(largest)} mg; more than {MAX_VIALS} vials "
            "for one dose is refused. Check the dose and the vial size."
        )
    if len(strengths) == 1 and ceiling is None:
        return Combination((fewest_possible,), fewest_possible * largest), None
    search = VialSearch(strengths, max(dose, ceiling or dose))
    combination = search.cover(dose)
    if combination is None:  # cannot happen below MAX_VIALS, kept as a guard
        raise PlanError(f"No combination of up to {MAX_VIALS} vials covers {plain(dose)} mg.")
    return combination, search
