"""Line breaking of Chinese text in the PDF reports (server/report_wrap.py): no line begins
with closing punctuation or ends with an opening bracket, identifiers and amounts stay whole,
and nothing is lost or added."""

from __future__ import annotations

import pytest

from server.report_wrap import NO_END, NO_START, wrap


def width(text: str) -> float:
    """One unit per character: a fixed-pitch stand-in for the PDF's font metrics."""
    return float(len(text))


# The widest unbreakable piece is "R-6.4-complaint）：" (17): every width here holds it.
@pytest.mark.parametrize("line_width", [17, 18, 20, 23, 31])
def test_lines_obey_the_breaking_rules(line_width: int) -> None:
    text = (
        "2024年度收到投诉3件，已答复3件（100.0%），其中需进一步核实的1件。"
        "一般投诉答复（5个工作日内，R-6.4-complaint）：按时2项；计提1,764,068.16元。"
    )
    lines = wrap(text, line_width, width)
    assert "".join(lines) == text
    for line in lines[1:]:
        assert line[0] not in NO_START, lines
    for line in lines[:-1]:
        assert line[-1] not in NO_END, lines
    assert all(width(line) <= line_width for line in lines), lines
    assert any("R-6.4-complaint" in line for line in lines)
    assert any("1,764,068.16" in line for line in lines)


def test_a_piece_wider_than_a_line_is_cut() -> None:
    assert wrap("ABCDEFGHIJ", 4, width) == ["ABCD", "EFGH", "IJ"]


def test_punctuation_joins_the_word_before_it() -> None:
    # "，" may not begin the second line: it stays with "件", which moves down with it.
    assert wrap("一二三件，四", 4, width) == ["一二三", "件，四"]


def test_empty_text_is_one_empty_line() -> None:
    assert wrap("", 10, width) == [""]
