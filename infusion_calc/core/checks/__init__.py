"""The pre-submission checks: every producer of findings about a claim,
and the invariants a claim line must keep."""
