"""The packaged CMS quarters are validated once, when scripts/build_cms_data.py builds them: a cache
miss reads the packaged file whose SHA-256 is the one the build recorded without validating it
again. Any other bytes (a packaged file edited in a checkout, an imported quarter without the
digest its import recorded: tests/test_cms_import_digest.py) go through the models."""

from __future__ import annotations

import gzip
import hashlib
import lzma
from importlib.resources import files

import pytest

from infusion_calc.cms import sealed
from infusion_calc.cms.compile import compile_quarters
from infusion_calc.cms.store import PACKAGED_FILE, pack_quarters, quarter_texts
from infusion_calc.core.errors import CatalogError

PACKAGED = files("infusion_calc.data").joinpath(PACKAGED_FILE).read_bytes()


def test_the_recorded_seal_is_the_digest_of_the_packaged_file() -> None:
    assert sealed.PACKAGED_SHA256 == hashlib.sha256(PACKAGED).hexdigest()


def test_a_miss_validates_no_packaged_quarter_the_build_sealed(validations: list[str]) -> None:
    compiled = compile_quarters([("packaged", "packaged file", PACKAGED)])
    assert validations == []
    assert len(compiled.quarters) == 10 and compiled.latest == "2026Q3"


def test_the_sealed_file_compiles_to_what_the_validated_one_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    trusted = compile_quarters([("packaged", "packaged file", PACKAGED)])
    monkeypatch.setattr(sealed, "PACKAGED_SHA256", "0" * 64)
    checked = compile_quarters([("packaged", "packaged file", PACKAGED)])
    assert (trusted.quarters, trusted.blobs, trusted.names, trusted.text) == (
        checked.quarters,
        checked.blobs,
        checked.names,
        checked.text,
    )


def _edited(old: bytes, new: bytes) -> bytes:
    texts = quarter_texts(PACKAGED)
    assert old in texts[-1]
    return pack_quarters(
        [text.decode() for text in texts[:-1]] + [texts[-1].replace(old, new, 1).decode()]
    )


def test_a_packaged_file_edited_after_the_build_is_validated_and_refused(
    validations: list[str],
) -> None:
    edited = _edited(b'"payment_limit":"24.406"', b'"payment_limit":"-24.406"')
    with pytest.raises(CatalogError, match="not a valid quarter"):
        compile_quarters([("packaged", "packaged file", edited)])
    assert validations  # the models read it


def test_a_valid_edit_is_validated_too_then_used(validations: list[str]) -> None:
    edited = _edited(b'"payment_limit":"24.406"', b'"payment_limit":"24.407"')
    compiled = compile_quarters([("packaged", "packaged file", edited)])
    assert len(validations) == 10
    assert compiled.quarters[-1].prices["J2323"]["payment_limit"] == "24.407"


def test_an_imported_quarter_with_no_recorded_digest_is_validated(validations: list[str]) -> None:
    newest = quarter_texts(PACKAGED)[-1]
    compile_quarters([("imported", "asp-2026Q3.json.gz", gzip.compress(newest))])
    assert len(validations) == 1
    with pytest.raises(CatalogError, match="not a valid quarter"):
        compile_quarters(
            [
                (
                    "imported",
                    "asp-2026Q3.json.gz",
                    gzip.compress(newest.replace(b'"24.406"', b'"-1"', 1)),
                )
            ]
        )


def test_an_imported_file_with_the_sealed_bytes_is_still_validated(validations: list[str]) -> None:
    # The seal vouches for the packaged file only:
    # the same bytes in the user's data folder are read as an import.
    assert lzma.decompress(PACKAGED)  # an xz file, as the packaged one is
    compile_quarters([("imported", "asp-2026Q3.json.gz", PACKAGED)])
    assert len(validations) == 10
