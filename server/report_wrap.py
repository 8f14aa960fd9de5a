"""Line breaking for Chinese text in the PDF reports.

fpdf2 breaks CJK text at any character, so a line could begin with "，" or "）" and an
identifier such as ``R-6.4-complaint`` or an amount such as ``1,764,068.16`` could be cut in
two. Here a line breaks between characters as Chinese allows, with the basic rules of line
breaking (禁则, JIS X 4051 / W3C clreq): closing punctuation never begins a line, opening
punctuation never ends one, and a run of Latin letters and digits stays whole unless it is
wider than a line by itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# May not begin a line: closing brackets, stops, commas, the percent sign…
NO_START = frozenset("，。、；：？！）》」』】〕〉…—%‰·,.;:?!)]}")
# May not end a line: opening brackets.
NO_END = frozenset("（《「『【〔〈([{")
# A Latin word, a number with thousands separators and decimals, an identifier like
# R-6.4-complaint or a date like 2024-03-05; or any single other character.
_ATOM = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._/:+\-]|,(?=\d))*|.", re.DOTALL)


def _units(text: str) -> list[str]:
    """The text as unbreakable pieces: atoms, with punctuation glued to its neighbour."""
    units: list[str] = []
    for atom in _ATOM.findall(text):
        if units and (atom[0] in NO_START or units[-1][-1] in NO_END):
            units[-1] += atom
        else:
            units.append(atom)
    return units


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """``text`` broken into lines no wider than ``width`` as ``measure`` tells (the PDF's
    string width in the current font); a piece wider than a whole line is cut by character."""
    lines: list[str] = []
    line, used = "", 0.0
    for unit in _units(text):
        size = measure(unit)
        if size > width:  # cannot stay whole: fill the line character by character
            for char in unit:
                char_size = measure(char)
                if line and used + char_size > width:
                    lines.append(line)
                    line, used = "", 0.0
                line, used = line + char, used + char_size
            continue
        if line and used + size > width:
            lines.append(line)
            line, used = "", 0.0
        line, used = line + unit, used + size
    if line or not lines:
        lines.append(line)
    return lines
