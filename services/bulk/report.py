"""What an upload answers: per-line errors (capped), counts, and the created ids (capped).

The report is built while the lines stream by, so its size is bounded by the caps, not by
the upload: errors past ``max_errors`` are counted but not kept (``truncated``), and ids
past ``max_ids`` are dropped (``ids`` is then absent: split the upload to get them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from schema.ids import global_id
from services.errors import FieldError

JsonDict = dict[str, Any]  # a JSON object (the HTTP body)


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    error: FieldError  # field "" for a fault of the whole line (BAD_JSON, LINE_TOO_LONG)

    def as_dict(self) -> JsonDict:
        return {"line": self.line, **self.error.as_dict(), "field": self.error.field or None}


def line_fault(code: str, zh: str, en: str) -> FieldError:
    """An error of the whole line rather than of one field."""
    return FieldError(code, "", zh, en)


@dataclass
class Tally:
    max_errors: int
    max_ids: int
    lines: int = 0  # non-blank lines read
    bad_lines: int = 0
    error_count: int = 0
    errors: list[LineError] = field(default_factory=list)
    created: int = 0
    first_id: int | None = None  # kept past max_ids: the idempotency key records it
    ids: list[int] | None = field(default_factory=list)  # None once past max_ids

    @property
    def clean(self) -> bool:
        return self.bad_lines == 0

    def refuse(self, line: int, errors: Iterable[FieldError]) -> None:
        """Count a bad line and keep its errors while there is room."""
        self.bad_lines += 1
        for error in errors:
            self.error_count += 1
            if len(self.errors) < self.max_errors:
                self.errors.append(LineError(line, error))

    def wrote(self, ids: list[int]) -> None:
        if self.first_id is None and ids:
            self.first_id = ids[0]
        self.created += len(ids)
        if self.created > self.max_ids:
            self.ids = None
        elif self.ids is not None:
            self.ids.extend(ids)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A refusal of the whole request (HTTP status, stable code, both languages)."""

    status: int
    code: str
    message_zh: str
    message_en: str

    def as_dict(self) -> JsonDict:
        return {
            "accepted": False,
            "code": self.code,
            "messageZh": self.message_zh,
            "messageEn": self.message_en,
        }


@dataclass(frozen=True, slots=True)
class Outcome:
    """The answer to an upload that was read to its end."""

    tally: Tally
    type_name: str  # of the created rows, for their global ids ("ServiceRecord:8")
    replayed: bool = False  # an earlier upload with this key and body wrote these rows
    refusal: Refusal | None = None  # e.g. IDEMPOTENCY_KEY_REUSED

    @property
    def accepted(self) -> bool:
        return self.refusal is None and self.tally.clean

    @property
    def commit(self) -> bool:
        """Whether the caller commits: only a fresh, accepted upload wrote anything to keep."""
        return self.accepted and not self.replayed

    @property
    def status(self) -> int:
        if self.refusal is not None:
            return self.refusal.status
        return 200 if self.accepted else 422

    def as_dict(self) -> JsonDict:
        t = self.tally
        if self.refusal is not None:
            return {**self.refusal.as_dict(), "lines": t.lines}
        if not self.accepted:
            return {
                "accepted": False,
                "lines": t.lines,
                "badLines": t.bad_lines,
                "errorCount": t.error_count,
                # By line: a chunk's field errors are found before its reference errors.
                "errors": [e.as_dict() for e in sorted(t.errors, key=lambda e: e.line)],
                "truncated": t.error_count > len(t.errors),
            }
        body: JsonDict = {"accepted": True, "lines": t.lines, "created": t.created}
        if t.ids is not None:
            body["ids"] = [global_id(self.type_name, key) for key in t.ids]
        if self.replayed:
            body["replayed"] = True
        return body
