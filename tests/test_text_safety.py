"""Text that could change the terminal or the record: escaped on output,
refused where a field is one line, and checked as ASCII before any case folding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infusion_calc.cli import main
from infusion_calc.core.errors import InputError
from infusion_calc.core.record.encounter_values import TEXT_LIMITS, clean_text, parse_dx
from infusion_calc.core.record.safe_text import acts, terminal_safe
from infusion_calc.loading import packaged_catalog
from tests.catalog_entries import NOC_DESCRIPTOR, drug_entry, product_entry, write_site_catalog

HOSTILE_NAME = "x\x1b]0;PWNED\x07\x1b[2Jy\u202e\u2028z\rw\x9b"
RAW_ACTORS = ("\x1b", "\x07", "\u202e", "\u2028", "\r", "\x9b")
UNLISTED = [
    "--hcpcs",
    "J3490",
    "--billing-unit",
    "1 mg",
    "--vial",
    "100 mg/10 mL",
    "--dose",
    "300 mg",
]


def assert_inert(text: str, keep: str = "") -> None:
    for char in RAW_ACTORS:
        if char not in keep:
            assert char not in text, f"{char!r} reached the output raw"


def hostile_catalog(tmp_path: Path) -> str:
    """A site catalog whose drug name holds escape sequences (TOML \\u escapes): the catalog is the
    site's text, so it reaches every output, which must show it, never act on it."""
    site = write_site_catalog(
        tmp_path,
        drug_entry(
            "J9999",
            descriptor=NOC_DESCRIPTOR,
            generic=HOSTILE_NAME,
            billing_unit="1 mg",
            products=[product_entry("X", ndc_note="site")],
        ),
    )
    return str(site)


@pytest.mark.parametrize(
    "output",
    [
        [],
        ["--note"],
        *(["--format", f] for f in ("text", "cms1500", "ub04", "837p", "837i", "csv")),
    ],
)
def test_a_drug_name_with_escape_sequences_is_printed_as_visible_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], output: list[str]
) -> None:
    args = ["calc", "--catalog", hostile_catalog(tmp_path), "--hcpcs", "J9999", "--dose", "95 mg"]
    status = main([*args, "--given-at", "2026-05-01 10:30", *output])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert_inert(captured.out)
    assert_inert(captured.err)
    if output in ([], ["--note"], ["--format", "text"]):
        assert (
            "x\\x1b]0;PWNED\\x07" in captured.out
        )  # shown, so the nurse sees what the catalog says


def test_a_typed_drug_name_with_escape_sequences_is_refused_in_one_inert_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["calc", *UNLISTED, "--drug", HOSTILE_NAME]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --drug: ") and err.count("\n") == 1
    assert_inert(err)


def test_json_keeps_the_exact_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "calc",
                "--catalog",
                hostile_catalog(tmp_path),
                "--hcpcs",
                "J9999",
                "--dose",
                "95 mg",
                "--json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["drug"] == HOSTILE_NAME


def test_batch_writes_a_hostile_drug_name_and_error_lines_inert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("hcpcs,dose\nJ9999,95 mg\nJ9999,lots\n", encoding="utf-8")
    assert main(["batch", str(orders), "--jobs", "1", "--catalog", hostile_catalog(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert_inert(captured.out, keep="\r")  # a CSV cell keeps its CR, quoted (test_csv_safety.py)
    assert_inert(captured.err)
    assert "x\\x1b]0;PWNED" in captured.out and "row 3" in captured.err


ONE_LINE_BREAKERS = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\r", "\n"]


@pytest.mark.parametrize("breaker", ONE_LINE_BREAKERS)
@pytest.mark.parametrize(
    "option", ["--site", "--nurse", "--provider", "--pa", "--waste-reason", "--witness", "--lot"]
)
def test_one_line_fields_refuse_every_line_break(
    capsys: pytest.CaptureFixture[str], option: str, breaker: str
) -> None:
    assert main(["calc", "--dose", "300 mg", option, f"none{breaker}DOSE CHANGED"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {option}: ") and err.count("\n") == 1


@pytest.mark.parametrize("breaker", ["\u2028", "\u2029", "\x85", "\r"])
def test_events_take_ordinary_line_breaks_only(
    capsys: pytest.CaptureFixture[str], breaker: str
) -> None:
    assert (
        main(
            [
                "calc",
                "--dose",
                "300 mg",
                "--events",
                f"none{breaker}DOSE CHANGED TO 300 MG",
                "--note",
            ]
        )
        == 2
    )
    assert "line or paragraph separator" in capsys.readouterr().err
    assert main(["calc", "--dose", "300 mg", "--events", "none\nsecond line", "--note"]) == 0
    assert "none\n  second line" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args",
    [
        ["--dx", "g35.ſ"],
        ["--hcpcs", "ſ2323", "--billing-unit", "1 mg", "--vial", "100 mg"],
        ["--dx", "ｇ35.A"],
    ],
)
def test_look_alike_letters_are_refused_not_folded_into_a_code(
    capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert main(["calc", "--dose", "300 mg", *args]) == 2
    assert "is not a" in capsys.readouterr().err


def test_the_catalog_finds_no_code_by_a_look_alike() -> None:
    catalog = packaged_catalog()
    assert catalog.by_code("j2323") is not None
    assert catalog.by_code("ȷ2323") is None and catalog.by_code("J２323") is None


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_terminal_safe_leaves_no_acting_character_but_lf_and_tab(text: str) -> None:
    safe = terminal_safe(text)
    assert all(char in "\n\t" or not acts(char) for char in safe)
    if text.isascii() and text.isprintable():
        assert safe == text
    safe.encode("utf-8")  # even a lone surrogate is written as an escape


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=12))
def test_a_diagnosis_is_ascii_as_typed_or_refused(text: str) -> None:
    try:
        code = parse_dx(text)
    except InputError:
        return
    if code is not None:
        assert text.strip().isascii()
        assert code.replace(".", "") == text.strip().upper().replace(".", "")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60), st.booleans())
def test_free_text_accepted_holds_no_acting_character(text: str, multiline: bool) -> None:
    try:
        value = clean_text(text, "events" if multiline else "site", "Field", multiline=multiline)
    except InputError:
        return
    if value is not None:
        assert len(value) <= TEXT_LIMITS["events" if multiline else "site"]
        assert all((multiline and char == "\n") or not acts(char) for char in value)


def test_the_fast_filter_covers_every_acting_character_of_this_unicode() -> None:
    from infusion_calc.core.record.safe_text import _candidates

    candidate = _candidates()
    missed = [
        hex(code) for code in range(0x110000) if acts(chr(code)) and not candidate.match(chr(code))
    ]
    assert missed == []


@pytest.mark.parametrize("fmt", ["json", "fhir"])
def test_json_outputs_escape_acting_characters_and_keep_the_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    args = [
        "calc",
        "--catalog",
        hostile_catalog(tmp_path),
        "--hcpcs",
        "J9999",
        "--dose",
        "95 mg",
        "--given-at",
        "2026-05-01 10:30",
    ]
    assert main([*args, "--format", fmt] if fmt == "fhir" else [*args, "--json"]) == 0
    out = capsys.readouterr().out
    assert_inert(out)
    data = json.loads(out)
    shown = data["drug"] if fmt == "json" else data["medicationCodeableConcept"]["text"]
    assert shown.startswith(HOSTILE_NAME)


def test_batch_jsonl_escapes_acting_characters_and_keeps_the_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text('note,drug,dose\n"a\x9b\u2028b",Tysabri,300 mg\n', encoding="utf-8")
    assert main(["batch", str(orders), "--jobs", "1", "--format", "jsonl"]) == 0
    out = capsys.readouterr().out
    assert_inert(out)
    assert json.loads(out)["note"] == "a\x9b\u2028b"


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.text(max_size=5),
        st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=20),
        max_size=4,
    )
)
def test_json_safe_is_the_same_value_with_nothing_that_acts(value: dict[str, str]) -> None:
    from infusion_calc.core.record.safe_text import json_safe

    text = json_safe(json.dumps(value, ensure_ascii=False, indent=2))
    assert json.loads(text) == value
    assert all(char in "\n" or not acts(char) for char in text)
    text.encode("utf-8")


@settings(max_examples=60, deadline=None)
@given(
    name=st.text(
        alphabet=st.characters(codec=None, exclude_categories=()), min_size=1, max_size=30
    ),
    fmt=st.sampled_from(["text", "cms1500", "ub04", "837p", "837i", "csv", "fhir", "json", None]),
)
def test_any_typed_drug_name_in_any_output_is_inert_or_refused(name: str, fmt: None | str) -> None:
    """The sweep's drug names through calc: exit 0 or a one-line error,
    and no character that acts."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    out, err = io.StringIO(), io.StringIO()
    args = ["calc", *UNLISTED, "--drug", name, "--given-at", "2026-05-01 10:30"]
    args += ["--format", fmt] if fmt else ["--note"]
    with redirect_stdout(out), redirect_stderr(err):
        status = main(args)
    assert status in (0, 2)
    for text in (out.getvalue(), err.getvalue()):
        assert all(char in "\n\t" or not acts(char) for char in text)
        text.encode("utf-8")
    if status == 2:
        assert err.getvalue().startswith("error: ") and err.getvalue().count("\n") == 1


def test_no_acting_character_is_printable_so_json_safe_may_pass_printable_text_as_it_is() -> None:
    """json_safe's fast path returns printable text unchanged: safe only while this holds."""
    import sys
    import unicodedata

    from infusion_calc.core.record.safe_text import ACTING_CATEGORIES

    printable_acting = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ACTING_CATEGORIES and chr(code).isprintable()
    ]
    assert printable_acting == []


@pytest.mark.parametrize(
    "raw", ['{"dose": "250 mg\x1b[2J"}', '{"dose": "250 mg\x07"}', '{"dose": "\x1b]0;x\x07"}']
)
def test_json_safe_escapes_a_raw_ascii_control_that_json_dumps_did_not_write(raw: str) -> None:
    """An exported line splices stored JSON in as it is: all-ASCII text from a hand-edited log can
    hold a raw ESC or BEL, so json_safe may not assume json.dumps escaped every ASCII control."""
    from infusion_calc.core.record.safe_text import json_safe

    text = json_safe(raw)
    assert json.loads(text) == json.loads(raw.replace("\x1b", "\\u001b").replace("\x07", "\\u0007"))
    assert not any(acts(char) for char in text)
