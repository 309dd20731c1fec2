"""Performance figures for infusion-calc: `python benchmarks/run.py`
(or `--quick`). Not part of the test run."""
