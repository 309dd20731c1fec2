"""The site's own files (catalog, config) are regular files of a sane size, or a one-line error.

A named pipe would hang every command that reads it, and /dev/zero would be read until
memory runs out: each case runs in a subprocess with a timeout, so a hang fails the
test instead of hanging the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from infusion_calc.core.errors import CatalogError, SiteConfigError
from infusion_calc.loading import Context, load_site_config
from infusion_calc.site_files import SITE_CATALOG_LIMIT
from tests.catalog_entries import drug_entry, product_entry, write_site_catalog

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")

HANG_LIMIT_S = 30
"""A command that has not answered by then is hanging on the file."""


def run(arguments: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environment = os.environ | {
        "INFUSION_CALC_CONFIG_DIR": str(tmp_path / "config"),
        "INFUSION_CALC_DATA_DIR": str(tmp_path / "data"),
    }
    try:
        return subprocess.run(
            [sys.executable, "-m", "infusion_calc", *arguments],
            capture_output=True,
            text=True,
            timeout=HANG_LIMIT_S,
            env=environment,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"infusion-calc {' '.join(arguments)} hung for {HANG_LIMIT_S} s"
        ) from None


def assert_one_error(done: subprocess.CompletedProcess[str], *says: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    for text in says:
        assert text in done.stderr


def fifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


def test_a_fifo_given_as_the_catalog_is_refused_at_once_by_every_command(tmp_path: Path) -> None:
    pipe = fifo(tmp_path / "catalog.toml")
    orders = tmp_path / "orders.csv"
    orders.write_text("drug,dose\nTysabri,300 mg\n")
    for command in (["calc", "--dose", "300 mg"], ["batch", str(orders)], ["serve", "--port", "0"]):
        done = run([*command, "--catalog", str(pipe)], tmp_path)
        assert_one_error(done, str(pipe), "named pipe (FIFO), not a regular file")


def test_dev_zero_as_the_catalog_is_refused_without_reading_it(tmp_path: Path) -> None:
    done = run(["calc", "--dose", "300 mg", "--catalog", "/dev/zero"], tmp_path)
    assert_one_error(done, "/dev/zero", "it is a device, not a regular file")


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda path: path.mkdir(), "it is a folder, not a regular file"),
        (fifo, "named pipe (FIFO)"),
        (
            lambda path: path.symlink_to(path.parent / "gone.toml"),
            "a link to a file that does not exist",
        ),
        (lambda path: path.symlink_to("/dev/zero"), "it is a device"),
    ],
    ids=["folder", "fifo", "broken-link", "link-to-dev-zero"],
)
def test_a_config_folder_catalog_that_is_not_a_file_is_an_error_not_skipped(
    tmp_path: Path, make: Callable[[Path], object], says: str
) -> None:
    target = tmp_path / "config" / "catalog.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    make(target)
    assert_one_error(run(["calc", "--dose", "300 mg"], tmp_path), str(target), says)


@pytest.mark.parametrize(
    "command", [["calc", "--dose", "300 mg"], ["calc", "--dose", "300 mg", "--format", "cms1500"]]
)
def test_a_fifo_as_config_toml_is_an_error_not_a_hang(tmp_path: Path, command: list[str]) -> None:
    pipe = fifo(tmp_path / "config" / "config.toml")
    assert_one_error(run(command, tmp_path), str(pipe), "named pipe (FIFO)")


def test_a_catalog_over_the_size_limit_is_refused_saying_the_limit(tmp_path: Path) -> None:
    huge = tmp_path / "catalog.toml"
    with open(huge, "wb") as file:
        file.truncate(SITE_CATALOG_LIMIT + 1)  # sparse: costs no disk
    with pytest.raises(CatalogError, match=r"at most 16 MB"):
        Context(catalog_file=huge).catalog


def test_config_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    huge = tmp_path / "config.toml"
    with open(huge, "wb") as file:
        file.truncate(50_000_000)
    with pytest.raises(
        SiteConfigError, match=r"cannot read the site config file: it is 50\.0 MB; .* at most 4 MB"
    ):
        load_site_config(huge)


def test_no_catalog_file_at_all_is_still_the_packaged_catalog(tmp_path: Path) -> None:
    done = run(["calc", "--dose", "300 mg"], tmp_path)
    assert done.returncode == 0 and "J2323" in done.stdout


def site_entry(code: str, number: int | str) -> str:
    return drug_entry(
        code,
        generic=f"sitedrug{number}",
        billing_unit="1 mg",
        products=[product_entry(f"Brand{number}", ndc_note="site stock")],
    )


def test_a_ten_thousand_entry_site_catalog_loads_and_still_finds_a_code_listed_twice(
    tmp_path: Path,
) -> None:
    # The duplicate check counted each code through the whole list: 6.3 s for this file.
    codes = [f"{letter}{number:04d}" for letter in "KLM" for number in range(1, 10_000)][:10_000]
    entries = [site_entry(code, index) for index, code in enumerate(codes)]
    site = write_site_catalog(tmp_path, *entries, site_entry(codes[1234], "x"), name="catalog.toml")
    with pytest.raises(CatalogError, match=f"HCPCS code\\(s\\) listed twice: {codes[1234]}$"):
        Context(catalog_file=site).catalog
