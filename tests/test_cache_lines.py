"""A cache body's lines and indexes (issue 23 item 4): every line and every key reads back as
written, whatever they hold, and a look-up decodes one bucket of an index, not the index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from infusion_calc.cache_lines import (
    BrokenLines,
    CacheLines,
    PackedIndex,
    PackedList,
    body_text,
    index_buckets,
)
from infusion_calc.site_files import UnreadableFile, read_regular_file

# Lines as a cache writes them: JSON text, so never a raw newline (JSON escapes it).
LINES = st.lists(st.text().map(lambda text: json.dumps(text, ensure_ascii=False)), max_size=40)
VALUES = st.one_of(st.integers(), st.lists(st.text(max_size=8), max_size=3), st.text())


@given(main=st.text().map(json.dumps), packed=LINES, header=st.binary(max_size=30))
def test_every_line_reads_back_as_written(main: str, packed: list[str], header: bytes) -> None:
    header = header.replace(b"\n", b" ") + b"\n"
    lines = CacheLines(header + body_text(main, list(packed)), len(header))
    assert lines.main == main.encode()
    assert len(lines) == len(packed)
    assert [line.decode() for line in lines] == packed
    assert [line.decode() for line in lines[1:4]] == packed[1:4]


def test_a_line_read_as_bytes_is_written_as_read() -> None:
    body = body_text("{}", ["[1]", b'{"a":2}'])
    assert list(CacheLines(body, 0)) == [b"[1]", b'{"a":2}']


@pytest.mark.parametrize(
    "body",
    [
        b"{}",
        b"{}\n00000000\n[1]",
        b'{}\n"0000000"\n[1]',
        b'{}\n"00000099"\n[1]',
        b'{}\n"0000000000000001"\n[1]\n[2]',
    ],
    ids=[
        "no table",
        "a table that is not JSON",
        "a table entry cut short",
        "a line past the end",
        "a line that ends inside another",
    ],
)
def test_a_body_whose_table_does_not_describe_its_lines_is_refused(body: bytes) -> None:
    with pytest.raises(BrokenLines):
        list(CacheLines(body, 0))


@given(st.dictionaries(st.text(), VALUES, max_size=300), st.text())
def test_an_index_answers_every_key_as_the_mapping_does(
    mapping: dict[str, object], absent: str
) -> None:
    index = PackedIndex([text.encode() for text in index_buckets(mapping)])
    assert dict(index) == mapping and len(index) == len(mapping)
    for key, value in mapping.items():
        assert index[key] == value and key in index
    assert (absent in index) == (absent in mapping)
    assert index.get(absent) == mapping.get(absent)


def test_a_look_up_decodes_one_bucket_of_a_large_index() -> None:
    mapping = {f"sitedrug{number}": [f"K{number:04d}"] for number in range(10_000)}
    buckets = index_buckets(mapping)
    assert len(buckets) >= 100
    index = PackedIndex(buckets)
    assert index["sitedrug4321"] == ["K4321"] and "nothing" not in index
    assert index.decoded_buckets <= 2


def test_a_packed_list_of_another_length_is_refused() -> None:
    assert list(PackedList(b'["a","b"]', 2)) == ["a", "b"]
    with pytest.raises(BrokenLines):
        PackedList(b'["a","b"]', 3)[0]


@pytest.mark.parametrize("size", [0, 1, 4096, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 7])
def test_a_file_is_read_whole_up_to_its_limit_and_refused_past_it(
    tmp_path: Path, size: int
) -> None:
    path = tmp_path / "file"
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    path.write_bytes(data)
    assert read_regular_file(path, size) == data
    if size:
        with pytest.raises(UnreadableFile):
            read_regular_file(path, size - 1)
