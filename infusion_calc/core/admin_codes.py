"""The administration code a route and infusion time suggest (domain-facts §4).

96365 "IV infusion, initial, up to 1 hour" and 96366 "each additional hour" are VERIFIED
descriptors; the timing rules are PARTIAL (secondary sources only): an infusion must run more
than 15 minutes (15 or less is an IV push, 96374), 96365 covers up to 90 minutes, and 96366 is
added for each further full hour or a remaining part of more than 30 minutes. 96450
(intrathecal, with spinal puncture) is VERIFIED for nusinersen by CMS article A58579.
"""

from __future__ import annotations

INFUSION_MINIMUM_MINUTES = 15  # more than this to be an infusion
FIRST_CODE_MINUTES = 60
PART_HOUR_MINUTES = 30  # a remaining part must exceed this to count as another hour


def infusion_codes(minutes: int) -> tuple[tuple[str, int], ...] | None:
    """(code, units) for an IV infusion of `minutes`; None when it is too short to be an infusion."""
    if minutes <= INFUSION_MINIMUM_MINUTES:
        return None
    beyond_first = max(minutes - FIRST_CODE_MINUTES, 0)
    full_hours, part = divmod(beyond_first, 60)
    additional = full_hours + (1 if part > PART_HOUR_MINUTES else 0)
    return (("96365", 1),) + ((("96366", additional),) if additional else ())


def describe_codes(codes: tuple[tuple[str, int], ...]) -> str:
    """'96365 × 1 + 96366 × 2'."""
    return " + ".join(f"{code} × {units}" for code, units in codes)


def describe_minutes(minutes: int) -> str:
    """'45 min', '1 h', '2 h 5 min'."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")
