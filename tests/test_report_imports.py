"""The report's libraries stay out of everything else's start: `calc`,
`log list` and the app's first import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPORT_ONLY = {"matplotlib", "msgspec", "plotext", "textual_plotext", "numpy", "PIL"}


@pytest.mark.parametrize(
    "code",
    [
        "from infusion_calc.cli import main\nmain(['calc', '--dose', '300 mg', '--json'])",
        "from infusion_calc.cli import main\nmain(['log', 'list'])",
        # json and text: no plotting library
        "from infusion_calc.cli import main\nmain(['report', '--format', 'json'])",
        "import infusion_calc.tui.app",
    ],
)
def test_no_report_library_is_imported_outside_the_report_that_needs_it(
    code: str, isolated_user_dirs: Path
) -> None:
    check = (
        f"import sys\n{code}\nprint(sorted({{n.split('.')[0] for n in sys.modules}} & "
        f"set({sorted(REPORT_ONLY)!r})), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    loaded = result.stderr.strip().splitlines()[-1]
    expected = "['msgspec']" if "'report'" in code else "[]"
    assert loaded == expected


def test_html_and_png_load_matplotlib_without_pyplot(
    isolated_user_dirs: Path, tmp_path: Path
) -> None:
    check = (
        "import sys\nfrom infusion_calc.cli import main\n"
        f"main(['report', '--format', 'html', '--out', {str(tmp_path / 'r.html')!r}])\n"
        "print('matplotlib' in sys.modules, 'matplotlib.pyplot' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "True False"
