"""A visit: several administrations, their administration codes (hierarchy),
checks, note and exports."""
