"""The drug search behind the app's picker: generic, brand or code, most-used first."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infusion_calc.core.catalog.drug_search import DrugIndex

ENTRIES = [
    ("J2323", "Tysabri (natalizumab) · J2323", ("natalizumab", "Tysabri")),
    ("Q5134", "Tyruko (natalizumab) · Q5134", ("natalizumab", "Tyruko", "natalizumab-sztn")),
    ("J1745", "Remicade (infliximab) · J1745", ("infliximab", "Remicade")),
    ("J9312", "Rituxan (rituximab) · J9312", ("rituximab", "Rituxan")),
    ("J2326", "Spinraza (nusinersen) · J2326", ("nusinersen", "Spinraza")),
]


def codes(index: DrugIndex, query: str) -> list[str]:
    return [hit.code for hit in index.search(query)[0]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("remi", ["J1745"]),  # brand
        ("inflix", ["J1745"]),  # generic
        ("j17", ["J1745"]),  # code, any case
        ("Q5134", ["Q5134"]),
        ("natal", ["J2323", "Q5134"]),  # both natalizumab products, catalog order
        ("sztn", ["Q5134"]),  # a word inside a hyphenated name
        ("natal tyr", ["Q5134"]),  # every word starts a word
        ("ximab", ["J1745", "J9312"]),  # merely contained: after the word starts
        ("zzz", []),
        ("", ["J2323", "Q5134", "J1745", "J9312", "J2326"]),
    ],
)
def test_search_by_generic_brand_or_code(query: str, expected: list[str]) -> None:
    assert codes(DrugIndex(ENTRIES), query) == expected


def test_most_used_first_within_each_kind_of_match() -> None:
    index = DrugIndex(ENTRIES, uses={"Q5134": 3, "J1745": 9})
    assert codes(index, "")[:2] == ["J1745", "Q5134"]
    assert codes(index, "natal") == ["Q5134", "J2323"]
    assert codes(index, "tysabri") == ["J2323"]  # usage never brings in a drug that does not match


def test_a_name_that_starts_with_the_text_comes_before_one_that_only_contains_it() -> None:
    index = DrugIndex(
        ENTRIES + [("J9999", "Rituximab-like (x) · J9999", ("xrituximab",))], uses={"J9999": 50}
    )
    assert codes(index, "ritux")[0] == "J9312"


def test_limit_and_total() -> None:
    hits, total = DrugIndex(ENTRIES).search("", limit=2)
    assert len(hits) == 2 and total == 5


@given(st.text(max_size=12))
def test_any_text_searches_without_error_and_every_hit_is_a_catalog_entry(query: str) -> None:
    hits, total = DrugIndex(ENTRIES).search(query)
    assert len(hits) == total <= len(ENTRIES)
    assert {hit.code for hit in hits} <= {code for code, _, _ in ENTRIES}


@pytest.mark.parametrize(
    ("query", "shared"),
    [
        ("natal", ("natalizumab", 2)),  # Tysabri and Tyruko: the nurse must pick
        ("natalizumab", ("natalizumab", 2)),
        ("tysabri", None),  # a brand names one product
        ("remi", None),
        ("inflix", None),  # one infliximab here
        ("j2323", None),  # a code is never shared
        ("natal tyr", None),
        ("zzz", None),
        ("", None),
    ],
)
def test_a_name_several_entries_share_is_reported_so_the_app_asks(
    query: str, shared: tuple[str, int] | None
) -> None:
    assert DrugIndex(ENTRIES).shared_name(query) == shared


@given(st.text(max_size=12))
def test_shared_name_never_fails(query: str) -> None:
    found = DrugIndex(ENTRIES).shared_name(query)
    assert found is None or found[1] >= 2
