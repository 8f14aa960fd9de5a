"""The endpoint's JSON (server/json_codec.py): the database's JSON spliced unparsed,
everything else as strawberry's ``json.dumps`` wrote it, the same JSON either way."""

from __future__ import annotations

import json
from enum import StrEnum

import pytest

from resolvers.compiled.execution import JsonText
from server.json_codec import decode, encode


class Colour(StrEnum):
    RED = "red"


def _strawberry(data: object) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


@pytest.mark.parametrize(
    "data",
    [
        {"data": {"a": [1, 2.5, None, True, "x"]}, "errors": [{"message": "m", "path": ["a"]}]},
        {"data": None, "extensions": {"cost": 3}},
        {"data": {"名称": "广东省"}},
        {"data": {"big": 2**70}},  # orjson stops at 64 bits: json.dumps writes it
        {"data": {"colour": Colour.RED}},  # a str subclass
        {"data": {1: "int key"}},
    ],
    ids=["plain", "null-data", "non-ascii", "big-int", "subclass", "int-key"],
)
def test_the_same_json_as_strawberry(data: dict[str, object]) -> None:
    assert json.loads(encode(data)) == json.loads(_strawberry(data))


def test_ascii_output_is_byte_for_byte_strawberrys() -> None:
    data = {"data": {"a": [1, 2.5, None, True, 'x"y']}}
    assert encode(data) == _strawberry(data)


def test_database_json_is_spliced_as_it_is() -> None:
    text = '{"id" : "Region:44", "name" : "广东省"}'
    body = encode({"data": {"region": JsonText(text)}})
    assert body == b'{"data":{"region":' + text.encode() + b"}}"


def test_database_json_survives_the_fallback() -> None:
    data = {"data": {"region": JsonText('{"code" : "44"}'), "big": 2**70}}
    assert json.loads(encode(data)) == {"data": {"region": {"code": "44"}, "big": 2**70}}


def test_decode_reads_what_json_loads_reads() -> None:
    body = b'{"query": "{ a }", "variables": {"n": 1, "s": "\\u5e7f"}}'
    assert decode(body) == json.loads(body)
    with pytest.raises(json.JSONDecodeError):  # strawberry answers 400 on this type
        decode(b"{nope")
