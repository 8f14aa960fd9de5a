"""The NDJSON line reader: bytes as they arrive in, numbered lines out, never the whole body.

``LineSplitter`` is pure (fed chunk by chunk, so tests choose the chunk boundaries); it
handles a line split across chunks, CRLF, a last line without a newline, blank lines and a
UTF-8 byte order mark on line 1. A line longer than the limit is not kept: its bytes are
dropped up to the next newline and the line comes out as ``too_long``, so a client's
runaway line costs no memory. ``read_lines`` adds the body limit and the running hash.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from typing import Protocol

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class RawLine:
    number: int  # 1-based, counting blank lines too, as an editor shows them
    data: bytes  # without the line ending; empty when too long
    too_long: bool = False


class BodyTooLarge(Exception):
    """The body passed the configured limit (HTTP 413); nothing is kept."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"body larger than {limit} bytes")
        self.limit = limit


class LineSplitter:
    def __init__(self, max_line_bytes: int) -> None:
        self.max_line_bytes = max_line_bytes
        self._pending = bytearray()
        self._number = 0  # lines completed so far
        self._dropping = False  # inside a line already known to be too long

    def feed(self, chunk: bytes) -> list[RawLine]:
        """The lines this chunk completes (non-blank ones only)."""
        lines: list[RawLine] = []
        start = 0
        while (end := chunk.find(b"\n", start)) >= 0:
            self._take(chunk[start:end])
            self._finish(lines)
            start = end + 1
        self._take(chunk[start:])
        return lines

    def end(self) -> list[RawLine]:
        """The last line when the body does not end with a newline."""
        lines: list[RawLine] = []
        if self._pending or self._dropping:
            self._finish(lines)
        return lines

    def _take(self, part: bytes) -> None:
        if self._dropping or not part:
            return
        # +1: a CR before the newline is not part of the line's length.
        if len(self._pending) + len(part) > self.max_line_bytes + 1:
            self._pending.clear()
            self._dropping = True
        else:
            self._pending += part

    def _finish(self, lines: list[RawLine]) -> None:
        self._number += 1
        if self._dropping:
            self._dropping = False
            lines.append(RawLine(self._number, b"", too_long=True))
            return
        data = bytes(self._pending)
        self._pending.clear()
        if data.endswith(b"\r"):
            data = data[:-1]
        if self._number == 1 and data.startswith(BOM):
            data = data[len(BOM) :]
        if len(data) > self.max_line_bytes:
            lines.append(RawLine(self._number, b"", too_long=True))
        elif data.strip():
            lines.append(RawLine(self._number, data))


class Hasher(Protocol):
    def update(self, data: bytes, /) -> None: ...


async def read_lines(
    body: AsyncIterable[bytes], splitter: LineSplitter, *, max_body_bytes: int, hasher: Hasher
) -> AsyncIterator[list[RawLine]]:
    """The lines of ``body``, one list per received chunk; raises ``BodyTooLarge`` as soon
    as more than ``max_body_bytes`` arrived. Every byte goes through ``hasher``."""
    size = 0
    async for chunk in body:
        size += len(chunk)
        if size > max_body_bytes:
            raise BodyTooLarge(max_body_bytes)
        hasher.update(chunk)
        if lines := splitter.feed(chunk):
            yield lines
    if lines := splitter.end():
        yield lines
