"""The report over saved administrations: totals, what-if searches."""
