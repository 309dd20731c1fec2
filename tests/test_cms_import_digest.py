"""An imported quarter is validated once, at import: `data import` records the SHA-256 of the bytes
it stored beside them, and a cache miss that reads exactly those bytes (both files this user's, no
one else can write them, recorded by these very models) does not validate them again. Anything else
(no digest, another digest, a file another user owns or others can write) goes through the
models."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

from infusion_calc.cli import main
from infusion_calc.cms import store
from infusion_calc.cms.compile import compile_quarters
from infusion_calc.cms.store import quarter_files
from infusion_calc.core.errors import CatalogError

DATA = Path(__file__).parent / "data" / "cms"


@pytest.fixture
def imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The stored 2025Q3 after `data import` of the test subset."""
    files = ("asp-ndc-hcpcs-crosswalk-2025Q3.csv", "asp-payment-limits-2025Q3.csv")
    assert main(["data", "import", "--replace", *(str(DATA / name) for name in files)]) == 0
    capsys.readouterr()
    return tmp_path / "data" / "cms" / "asp-2025Q3.json.gz"


def _imported_2025q3() -> str:
    compiled = compile_quarters(quarter_files())
    (quarter,) = [each for each in compiled.quarters if each.quarter == "2025Q3"]
    return quarter.origin


def _rewrite(path: Path, old: bytes, new: bytes) -> None:
    """The user's own edit of the stored file, keeping its owner and mode."""
    text = gzip.decompress(path.read_bytes())
    assert old in text
    path.write_bytes(gzip.compress(text.replace(old, new, 1)))


def test_import_records_the_digest_of_the_bytes_it_stored_privately(imported: Path) -> None:
    digest = imported.with_name(imported.name + ".sha256")
    assert digest.read_bytes() == store.digest_line(imported.read_bytes())
    assert digest.stat().st_mode & 0o777 == 0o600


def test_a_miss_after_an_import_validates_nothing_already_proven(
    imported: Path, validations: list[str]
) -> None:
    assert _imported_2025q3() == "imported"
    assert validations == []  # the packaged file is sealed, the imported one recorded


def test_a_stored_quarter_edited_after_import_is_validated_then_used(
    imported: Path, validations: list[str]
) -> None:
    _rewrite(imported, b'"short_description":"', b'"short_description":"edited ')
    assert _imported_2025q3() == "imported"
    assert len(validations) == 1


def test_an_invalid_edit_is_refused_with_its_line_and_reason(
    imported: Path, validations: list[str]
) -> None:
    _rewrite(imported, b'"payment_limit":"', b'"payment_limit":"-')
    with pytest.raises(CatalogError) as refused:
        compile_quarters(quarter_files())
    message = str(refused.value)
    assert message.startswith(f"{imported}: line 1: not a valid quarter (codes.")
    assert "payment_limit: Input should be greater than or equal to 0" in message
    assert len(validations) == 1


def test_no_digest_means_validated(imported: Path, validations: list[str]) -> None:
    imported.with_name(imported.name + ".sha256").unlink()
    assert _imported_2025q3() == "imported"
    assert len(validations) == 1


@pytest.mark.parametrize("which", ["digest", "quarter"])
@pytest.mark.parametrize("how", ["group-writable", "another owner"])
def test_a_file_someone_else_could_change_is_not_trusted(
    imported: Path, validations: list[str], which: str, how: str
) -> None:
    path = imported.with_name(imported.name + ".sha256") if which == "digest" else imported
    if how == "group-writable":
        os.chmod(path, 0o620)
    elif os.geteuid() != 0:
        pytest.skip("giving a file to another owner needs root")
    else:
        os.chown(path, 4242, -1)
    assert _imported_2025q3() == "imported"
    assert len(validations) == 1


def test_a_digest_recorded_by_other_models_is_not_trusted(
    imported: Path, validations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "validator_digest", lambda: "0" * 64)
    assert _imported_2025q3() == "imported"
    assert len(validations) == 1
