"""The arithmetic: dose, vials, billing units and claim lines, payment. No words:
presentation renders the result afterwards."""
