"""The parts a result is made of, as data: the encounter as charted, calculation steps, notices,
kinds of check, safe text."""
