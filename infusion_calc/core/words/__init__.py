"""The words a person reads, written after the arithmetic: labels, step sentences,
summaries, the JSON contract."""
