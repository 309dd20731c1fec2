"""Each encounter field is declared once, on EncounterText: the table, the CLI, the app and the
chart note are read from it."""

from __future__ import annotations

from typing import Annotated, Any, NamedTuple, get_type_hints

import pytest

from infusion_calc.cli import build_parser
from infusion_calc.cli.calc_options import CalcOptions
from infusion_calc.cli.common import OPTION_FOR_FIELD
from infusion_calc.core.record.encounter import EncounterText
from infusion_calc.core.record.encounter_fields import ENCOUNTER_FIELDS, FIELD
from infusion_calc.core.record.encounter_row import EncounterField
from infusion_calc.core.record.encounter_values import FREE_TEXT


def test_the_table_lists_every_encounter_text_field_once() -> None:
    names = [field.name for field in ENCOUNTER_FIELDS]
    assert sorted(names) == sorted(EncounterText._fields) and len(set(names)) == len(names)


def test_every_free_text_field_has_a_limit_and_a_message_label() -> None:
    texts = [field for field in ENCOUNTER_FIELDS if field.parser == "text"]
    assert {field.name for field in texts} == set(FREE_TEXT)
    assert all(field.limit and field.message_label for field in texts)


def test_the_apps_labels_are_the_tables() -> None:
    from infusion_calc.tui.state import encounter_label

    assert {field.name: encounter_label(field.name) for field in ENCOUNTER_FIELDS} == {
        field.name: field.label for field in ENCOUNTER_FIELDS
    }
    assert encounter_label("vials") == "vials"  # not a panel field: named as the core names it


@pytest.mark.parametrize("field", ENCOUNTER_FIELDS, ids=lambda field: field.name)
def test_each_fields_cli_option_fills_that_field(field: EncounterField) -> None:
    value = {"flag": True, "lots": ("A1",), "expires": ("2027-03",)}.get(field.parser, "typed")
    typed = (
        [field.flag]
        if field.parser == "flag"
        else [
            field.flag,
            "A1" if field.parser == "lots" else "2027-03" if field.parser == "expires" else "typed",
        ]
    )
    options = build_parser("calc").parse_args(["calc", "--dose", "300 mg", *typed])
    text = CalcOptions.read(options).encounter
    assert getattr(text, field.name) == value
    assert all(
        getattr(text, other) in ("", (), False)
        for other in EncounterText._fields
        if other != field.name
    )
    assert OPTION_FOR_FIELD[field.name] == field.flag  # an error about the field names this option


def test_the_chart_note_writes_each_fields_label_from_the_table() -> None:
    from infusion_calc.core.calculation.engine import calculate
    from infusion_calc.core.calculation.request import CalcRequest
    from infusion_calc.core.pipeline.documentation import chart_note
    from infusion_calc.core.record.encounter import parse_encounter
    from infusion_calc.loading import clinical_rules, packaged_catalog

    inside_a_sentence = {
        "stop_reason",
        "waste_reason",
        "waste_witness",
    }  # "stopped early, reason: ...", the waste line
    written: dict[str, Any] = {
        field.name: "typed"
        for field in ENCOUNTER_FIELDS
        if field.parser == "text" and field.name not in inside_a_sentence
    }
    note = chart_note(
        calculate(packaged_catalog(), CalcRequest("300 mg")),
        parse_encounter(EncounterText(**written)),
        rules=clinical_rules(),
    )
    assert {name for name in written if f"{FIELD[name].in_chart}: typed" in note} == set(written)


def test_the_parsed_encounter_has_a_field_for_every_row_the_reader_reads() -> None:
    import dataclasses

    from infusion_calc.core.record.encounter import Encounter

    # Lots and expiries become one record per vial; the amount given is the engine's (it is billed).
    expected = {
        field.name for field in ENCOUNTER_FIELDS if field.parser not in ("lots", "expires", "dose")
    } | {"vials"}
    assert {field.name for field in dataclasses.fields(Encounter)} == expected


@pytest.mark.parametrize(
    "field",
    [
        field
        for field in ENCOUNTER_FIELDS
        if field.parser not in ("flag", "lots", "expires", "dose", "payer")
    ],
    ids=lambda field: field.name,
)
def test_the_reader_reads_each_field_with_the_parser_its_row_names(field: EncounterField) -> None:
    from infusion_calc.core.record.encounter import EncounterText, read_encounter

    bad = "x\x1b[2J" if field.parser == "text" else "not-a-value"
    typed: dict[str, Any] = {field.name: bad}
    _, errors = read_encounter(EncounterText(**typed))
    assert [error.field for error in errors] == [field.name]


def test_the_table_is_read_from_encounter_texts_one_declaration() -> None:
    """Each field is declared once, on EncounterText: its row rides in the annotation."""
    hints = get_type_hints(EncounterText, include_extras=True)
    assert [field.name for field in ENCOUNTER_FIELDS] == list(EncounterText._fields)
    for field in ENCOUNTER_FIELDS:
        metadata = getattr(hints[field.name], "__metadata__", ())
        rows = [row for row in metadata if row._replace(name=field.name) == field]
        assert len(rows) == 1, f"{field.name}: its row is not in EncounterText's annotation"


def test_every_row_is_written_with_keywords_only() -> None:
    """A positional row would put a value in the wrong column without a word."""
    import ast
    import inspect

    from infusion_calc.core.record import encounter_fields

    calls = [
        node
        for node in ast.walk(ast.parse(inspect.getsource(encounter_fields)))
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "EncounterField"
    ]
    assert len(calls) == len(ENCOUNTER_FIELDS)
    assert [call.lineno for call in calls if call.args] == []


@pytest.mark.parametrize("field", ENCOUNTER_FIELDS, ids=lambda field: field.name)
def test_each_fields_text_type_follows_its_parser(field: EncounterField) -> None:
    text_type = get_type_hints(EncounterText)[field.name]
    expected = {"flag": bool, "lots": tuple[str, ...], "expires": tuple[str, ...]}
    assert text_type == expected.get(field.parser, str)


CHARTED = {
    "given_at": "2026-03-02 09:40",
    "dx": "G35.A",
    "payer": "medicare",
    "step_therapy": True,
    "consent": True,
    **{name: "typed" for name in ("site", "nurse", "provider", "prior_auth", "iv_site")},
    **{name: "typed" for name in ("premeds", "diluent", "filter", "rate_changes")},
    **{name: "typed" for name in ("observation", "events")},
}
"""Every field the chart note writes on a line of its own, after its label."""


def _note_for(typed: dict[str, Any]) -> str:
    from infusion_calc.core.calculation.engine import calculate
    from infusion_calc.core.calculation.request import CalcRequest
    from infusion_calc.core.pipeline.documentation import chart_note
    from infusion_calc.core.record.encounter import parse_encounter
    from infusion_calc.loading import clinical_rules, packaged_catalog

    encounter = parse_encounter(EncounterText(**typed))
    calc = calculate(packaged_catalog(), CalcRequest("300 mg"))
    return chart_note(calc, encounter, rules=clinical_rules())


def test_a_label_changed_in_the_declaration_reaches_the_chart_note(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in CHARTED:
        monkeypatch.setitem(FIELD, name, FIELD[name]._replace(chart_label=f"Label of {name}"))
    lines = _note_for(CHARTED).splitlines()
    missing = [
        name for name in CHARTED if not any(line.startswith(f"Label of {name}: ") for line in lines)
    ]
    assert missing == []


def test_a_ticked_box_is_charted_in_its_rows_words() -> None:
    note = _note_for({"step_therapy": True, "consent": True})
    for name in ("step_therapy", "consent"):
        assert f"{FIELD[name].in_chart}: {FIELD[name].chart_yes}\n" in note


def test_every_field_charted_in_a_block_is_on_a_line_of_its_own() -> None:
    blocks = {field.name for field in ENCOUNTER_FIELDS if field.chart_block is not None}
    assert blocks <= set(CHARTED)
    assert {FIELD[name].parser for name in blocks} == {"text"}  # a block writes free text as typed


def test_the_block_a_declaration_names_places_the_field_in_the_note(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from infusion_calc.core.pipeline import documentation

    typed = {"iv_site": "left arm", "events": "none"}
    before = _note_for(typed).splitlines()
    assert before.index("IV site: left arm") < before.index("Claim lines:")
    moved = tuple(
        field._replace(chart_block="closing") if field.name == "iv_site" else field
        for field in ENCOUNTER_FIELDS
    )
    monkeypatch.setattr(documentation, "ENCOUNTER_FIELDS", moved)
    after = _note_for(typed).splitlines()
    assert after.index("Claim lines:") < after.index("IV site: left arm")
    assert after.index("IV site: left arm") + 1 == after.index(f"{FIELD['events'].in_chart}: none")


@pytest.mark.parametrize(
    "field",
    [field for field in ENCOUNTER_FIELDS if field.parser not in ("lots", "expires", "dose")],
    ids=lambda field: field.name,
)
def test_the_parsed_records_type_is_what_its_rows_parser_returns(field: EncounterField) -> None:
    """Encounter names each field again only for its parsed type: the type its parser returns."""
    from infusion_calc.core.record import encounter
    from infusion_calc.core.record.encounter_values import clean_text

    parsers = {**encounter._ONE_FIELD_PARSERS, "text": clean_text}
    parsed = get_type_hints(encounter.Encounter)[field.name]
    returned = bool if field.parser == "flag" else get_type_hints(parsers[field.parser])["return"]
    assert parsed == returned


def test_the_vials_type_is_what_the_lot_reader_returns() -> None:
    from infusion_calc.core.record import encounter

    returned = get_type_hints(encounter._vials)["return"]
    assert get_type_hints(encounter.Encounter)["vials"] == returned


_CHAIR = EncounterField(label="Chair", flag="--chair", parser="text", help="chair", limit=8)


class _Declared(NamedTuple):
    chair: Annotated[str, _CHAIR] = ""


class _Unlabelled(NamedTuple):
    chair: str = ""


def test_a_field_added_to_the_declaration_gets_its_row_and_one_without_a_row_is_refused() -> None:
    from infusion_calc.core.record import encounter_fields

    rows: Any = encounter_fields._rows  # any NamedTuple, not only EncounterText
    assert rows(_Declared) == (_CHAIR._replace(name="chair"),)
    with pytest.raises(TypeError, match="chair"):
        rows(_Unlabelled)


def test_the_payer_types_are_offered_from_the_one_enum() -> None:
    from infusion_calc.core.record.encounter_values import Payer
    from infusion_calc.tui.widgets.encounter_panel import PAYERS

    assert [value for _, value in PAYERS] == ["", *(payer.value for payer in Payer)]
    assert all(payer.value in FIELD["payer"].help for payer in Payer)
    assert dict((value, words) for words, value in PAYERS)["medicare-advantage"] == (
        "Medicare Advantage"
    )
