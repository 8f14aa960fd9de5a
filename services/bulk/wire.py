"""Decoding one NDJSON line into the services' input dataclasses, field by field.

The wire names are the GraphQL inputs' (camelCase), ids are global ids (``"Insurer:3"``),
enums are the GraphQL names (``HAZARD_INVESTIGATION``) or the stable codes
(``hazard_investigation``), days and instants ISO 8601 strings, money decimal strings.
Only what JSON itself cannot say is checked here (types, ids, unknown fields); every rule
of the standard is left to the service's own checks, which report with the same paths.
Each field's converter is chosen once, when the spec is built: this runs per line.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson

from schema.ids import BadGlobalId, parse_int_id
from services.errors import FieldError

# value, path, errors -> what the input dataclass gets (None after reporting a problem)
Converter = Callable[[object, str, list[FieldError]], object]


class JsonFloat(float):
    """A JSON number with a fraction or exponent. Kept a float on purpose: the Checker
    refuses floats wherever an exact decimal or an integer is due (MONEY_NOT_DECIMAL,
    NOT_AN_INTEGER), so ``12.5`` never slips into a money column as 12.50."""


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")  # NaN and Infinity: Python accepts, JSON does not


def loads(text: str) -> object:
    """One line's JSON. orjson first (a tenth of a bulk upload's CPU went to the standard
    library's parser); what orjson refuses — integers past 64 bits, lone surrogates, and
    lines that are not JSON at all — goes to the standard parser, so such a line gets the
    same value or the same error as ever. orjson's floats are plain floats, which the
    Checker refuses where JsonFloat is refused."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text, parse_float=JsonFloat, parse_constant=_no_constant)


@dataclass(frozen=True, slots=True)
class Field:
    attr: str  # the input dataclass's attribute; the wire name is it in camelCase
    convert: Converter | None = None  # None: passed as it is, for the Checker to judge
    keep_none: bool = False  # convert null too (lists become (), required booleans fail)


@dataclass(frozen=True, slots=True)
class ObjectSpec:
    build: Callable[..., Any]  # the service's input dataclass
    fields: Mapping[str, Field]  # wire name -> field


def spec(build: Callable[..., Any], *fields: Field) -> ObjectSpec:
    """Wire names are the attributes in camelCase, as strawberry names input fields."""
    return ObjectSpec(build, {_camel(f.attr): f for f in fields})


def _camel(attr: str) -> str:
    head, *rest = attr.split("_")
    return head + "".join(part.title() for part in rest)


def decode(
    obj: Mapping[str, object], spec: ObjectSpec, errors: list[FieldError], at: str = ""
) -> Any:
    """``spec.build(**attrs)`` from a JSON object; problems go to ``errors`` and the field
    is passed as ``None`` (the caller drops the Checker's echo of the same field)."""
    fields = spec.fields
    if not obj.keys() <= fields.keys():
        for name in obj:
            if name not in fields:
                errors.append(
                    FieldError(
                        "UNKNOWN_FIELD", at + name, "未知字段", "is not a field of this input"
                    )
                )
    attrs: dict[str, object] = {}
    for name, f in fields.items():
        value = obj.get(name)
        if f.convert is None or (value is None and not f.keep_none):
            attrs[f.attr] = value
        else:
            attrs[f.attr] = f.convert(value, at + name, errors)
    return spec.build(**attrs)


# -- field kinds -----------------------------------------------------------------------------


def passed(attr: str) -> Field:
    """Integers and decimals: the Checker refuses floats, booleans and bad formats itself."""
    return Field(attr)


def string(attr: str) -> Field:
    return Field(attr, _string)


def _string(value: object, path: str, errors: list[FieldError]) -> object:
    if isinstance(value, str):
        return value
    errors.append(FieldError("NOT_A_STRING", path, "应为字符串", "must be a string"))
    return None


def boolean(attr: str) -> Field:
    """A required boolean (the Checker has no boolean check, GraphQL's ``Boolean!`` would)."""
    return Field(attr, _boolean, keep_none=True)


def _boolean(value: object, path: str, errors: list[FieldError]) -> object:
    if isinstance(value, bool):
        return value
    if value is None:
        errors.append(FieldError("REQUIRED", path, "必填项不能为空", "is required"))
    else:
        errors.append(
            FieldError("NOT_A_BOOLEAN", path, "应为 true 或 false", "must be true or false")
        )
    return None


def day(attr: str) -> Field:
    return Field(attr, _day)


def _day(value: object, path: str, errors: list[FieldError]) -> object:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return value  # not a day: Checker.day reports NOT_A_DATE with its own message


def instant(attr: str) -> Field:
    return Field(attr, _instant)


def _instant(value: object, path: str, errors: list[FieldError]) -> object:
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)  # naive: Checker.aware says TIMEZONE_REQUIRED
        except ValueError:
            pass
    errors.append(
        FieldError(
            "NOT_A_DATETIME",
            path,
            "应为ISO 8601时间并带时区，如 2024-03-01T09:00:00+08:00",
            "must be an ISO 8601 instant with offset, e.g. 2024-03-01T09:00:00+08:00",
        )
    )
    return None


def choice(attr: str, enum_cls: type[enum.Enum]) -> Field:
    names = {name: member.value for name, member in enum_cls.__members__.items()}

    def convert(value: object, path: str, errors: list[FieldError]) -> object:
        if not isinstance(value, str):
            return _string(value, path, errors)
        # The GraphQL name (HAZARD_INVESTIGATION) or else the stable code, which the
        # Checker turns into the member or refuses with INVALID_ENUM.
        return names.get(value, value)

    return Field(attr, convert)


def ref(attr: str, type_name: str) -> Field:
    return Field(attr, _global_id(type_name))


def refs(attr: str, type_name: str) -> Field:
    return Field(attr, _list_of(_global_id(type_name)), keep_none=True)


def objects(attr: str, item: ObjectSpec) -> Field:
    """A list of nested inputs (a record's hazards)."""

    def convert(value: object, path: str, errors: list[FieldError]) -> object:
        if not isinstance(value, dict):
            errors.append(not_an_object(path))
            # A placeholder keeps the positions of the others; what the Checker says about
            # its empty fields lies under ``path`` and is dropped with it.
            return item.build(**dict.fromkeys((f.attr for f in item.fields.values()), None))
        return decode(value, item, errors, at=path + ".")

    return Field(attr, _list_of(convert), keep_none=True)


def _global_id(type_name: str) -> Converter:
    prefix = type_name + ":"

    def convert(value: object, path: str, errors: list[FieldError]) -> object:
        if isinstance(value, str):
            # The common case without exceptions; anything else takes parse_int_id's road.
            key = value[len(prefix) :]
            if value.startswith(prefix) and key.isascii() and key.isdigit() and len(key) <= 19:
                return int(key)
            try:
                return parse_int_id(value, type_name)
            except BadGlobalId:
                pass
        errors.append(
            FieldError(
                "BAD_ID",
                path,
                f"编号无效：应为 {type_name} 的全局编号，如 {type_name}:42",
                f"not a {type_name} id; expected a global id such as {type_name}:42",
            )
        )
        return None

    return convert


def _list_of(element: Converter) -> Converter:
    def convert(value: object, path: str, errors: list[FieldError]) -> object:
        if value is None:
            return ()
        if not isinstance(value, list):
            errors.append(FieldError("NOT_A_LIST", path, "应为数组", "must be a list"))
            return ()
        return tuple(element(v, f"{path}[{i}]", errors) for i, v in enumerate(value))

    return convert


def not_an_object(path: str) -> FieldError:
    return FieldError("NOT_AN_OBJECT", path, "应为JSON对象", "must be a JSON object")
