"""The SHA-256 of the packaged quarters as scripts/build_cms_data.py built and validated them.

Written by that script beside the file it writes (tests/test_cms_sealed.py checks the two
agree). A cache miss that reads exactly these bytes does not validate them again: they are
the models' own output, checked byte for byte against CMS's files by tests/test_cms_packaged.py.
"""

PACKAGED_SHA256 = "fbdedbfa2cdb825b51b05e33b72af6d5d925ed1c5fd220e97dcceac1ee5ec6be"

COMPILED_SHA256 = "886df5ebda89a9bf56087c3c8fa00cef78737b38113bda2cadd96ee035abd0ea"
"""The SHA-256 of data/compiled-catalog.json, the packaged sources compiled by the same script
(catalog_cache.shipped_cache): a first run with no cache uses it only when its bytes are these."""
