"""One administration, end to end: calculate, 340B, payment, checks, chart note;
the site's rules; batch files."""
