"""infusion-calc: dose-and-waste calculator for single-dose vial infusions."""

# The one place the version is written: pyproject.toml reads it from
# here ([tool.setuptools.dynamic]). A constant, not a package-metadata
# lookup: importlib.metadata costs ~20 ms of every start.
__version__ = "0.1.0"
