"""CMS's Medicare Part B drug files: reading them as published, and the quarters imported from them.

`tables` reads a CSV as CMS writes it, `dosage` reads a billing-unit string, `crosswalk`
and `pricing` turn rows into records (refusing, and counting, what cannot be read
exactly), `hcpcs_file` reads the HCPCS Level II descriptors, `models` holds the pydantic
schema of an imported quarter, `importer` builds one from the files, `store` keeps
quarters in the user data folder and reads the packaged ones (2024Q1 through 2026Q3, one xz file).
"""
