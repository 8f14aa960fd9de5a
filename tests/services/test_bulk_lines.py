"""The NDJSON line reader: chunk boundaries chosen by the test, line endings, BOM, limits."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence

import pytest

from services.bulk.lines import BodyTooLarge, LineSplitter, RawLine, read_lines


def split(chunks: Sequence[bytes], max_line: int = 64) -> list[RawLine]:
    splitter = LineSplitter(max_line)
    lines = [line for chunk in chunks for line in splitter.feed(chunk)]
    return lines + splitter.end()


def texts(lines: list[RawLine]) -> list[tuple[int, bytes]]:
    return [(line.number, line.data) for line in lines]


def test_lines_are_numbered_from_one() -> None:
    assert texts(split([b'{"a":1}\n{"b":2}\n'])) == [(1, b'{"a":1}'), (2, b'{"b":2}')]


def test_a_line_split_across_chunks_is_joined() -> None:
    chunks = [b'{"a":', b"1}\n{", b'"b"', b":2}\n"]
    assert texts(split(chunks)) == [(1, b'{"a":1}'), (2, b'{"b":2}')]


def test_every_byte_its_own_chunk() -> None:
    body = b'{"a":1}\r\n\r\n{"b":"\xe4\xb8\xad"}'
    assert texts(split([body[i : i + 1] for i in range(len(body))])) == [
        (1, b'{"a":1}'),
        (3, b'{"b":"\xe4\xb8\xad"}'),
    ]


def test_crlf_and_a_last_line_without_newline() -> None:
    assert texts(split([b"one\r\ntwo\r\nthree"])) == [(1, b"one"), (2, b"two"), (3, b"three")]


def test_crlf_split_between_cr_and_lf() -> None:
    assert texts(split([b"one\r", b"\ntwo\n"])) == [(1, b"one"), (2, b"two")]


def test_blank_lines_are_skipped_but_counted() -> None:
    assert texts(split([b"\n  \nx\n\t\r\n\ny"])) == [(3, b"x"), (6, b"y")]


def test_bom_on_line_one_is_dropped_even_split_across_chunks() -> None:
    assert texts(split([b"\xef", b"\xbb\xbf{}\n\xef\xbb\xbf{}\n"])) == [
        (1, b"{}"),
        (2, b"\xef\xbb\xbf{}"),  # only line 1 may carry one; elsewhere it is data (BAD_JSON)
    ]


def test_an_empty_body_has_no_lines() -> None:
    assert split([]) == [] and split([b""]) == [] and split([b"\n\n"]) == []


def test_a_long_line_is_dropped_not_kept() -> None:
    splitter = LineSplitter(8)
    assert splitter.feed(b"12345678\n") == [RawLine(1, b"12345678")]
    assert splitter.feed(b"1234567890") == []
    assert len(splitter._pending) == 0  # nothing of the long line is held
    assert splitter.feed(b"0123" * 100) == []
    assert splitter.feed(b"\nok\n") == [RawLine(2, b"", too_long=True), RawLine(3, b"ok")]


def test_a_long_last_line_without_newline() -> None:
    assert split([b"ok\n", b"x" * 100], max_line=10) == [
        RawLine(1, b"ok"),
        RawLine(2, b"", too_long=True),
    ]


def test_cr_does_not_count_towards_the_limit() -> None:
    assert split([b"12345678\r\n"], max_line=8) == [RawLine(1, b"12345678")]


async def _stream(chunks: Sequence[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def test_read_lines_hashes_every_byte() -> None:
    chunks = [b'{"a":1}\n', b"\n", b'{"b":2}']
    hasher = hashlib.sha256()
    batches = [
        batch
        async for batch in read_lines(
            _stream(chunks), LineSplitter(64), max_body_bytes=100, hasher=hasher
        )
    ]
    assert [[line.number for line in b] for b in batches] == [[1], [3]]
    assert hasher.hexdigest() == hashlib.sha256(b"".join(chunks)).hexdigest()


async def test_body_over_the_limit_stops_reading() -> None:
    read: list[bytes] = []

    async def body() -> AsyncIterator[bytes]:
        for chunk in (b"x" * 60 + b"\n", b"y" * 60 + b"\n", b"never read\n"):
            read.append(chunk)
            yield chunk

    with pytest.raises(BodyTooLarge):
        async for _ in read_lines(
            body(), LineSplitter(100), max_body_bytes=100, hasher=hashlib.sha256()
        ):
            pass
    assert len(read) == 2
