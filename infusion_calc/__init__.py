"""infusion-calc: dose-and-waste calculator for single-dose vial infusions."""


def __getattr__(name: str) -> str:
    # Looked up on first use, not at import: importlib.metadata costs ~20 ms of every start.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("infusion-calc")
        except PackageNotFoundError:  # a source tree that was never installed
            return "0.0.0+source"
    raise AttributeError(f"module 'infusion_calc' has no attribute {name!r}")
