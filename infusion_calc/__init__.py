"""infusion-calc: dose-and-waste calculator for single-dose vial infusions."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("infusion-calc")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
