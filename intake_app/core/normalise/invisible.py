"""Characters a cell can carry that are never part of a value: invisible marks and controls.

Spreadsheets, web forms and copy-paste leave zero-width spaces and byte-order
marks inside names and addresses; a hostile file adds bidirectional overrides
(which make a name display reversed) or control characters (which can rewrite
a terminal's screen). None of them is ever part of a person's name, company or
e-mail address, and each one would keep a lead from matching its clean twin, so
normalisation drops them. The raw value as read is kept unchanged.

Tab, line breaks and the other characters Python counts as white space are not
here: the cleaners turn those into one plain space.
"""

from __future__ import annotations

__all__ = ["DROP_INVISIBLE", "INVISIBLE"]

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"  # spaces, (non-)joiners, word joiner, BOM
_FORMAT = (
    "\u00ad"  # soft hyphen
    "\u034f"  # combining grapheme joiner
    "\u061c\u200e\u200f"  # Arabic letter mark, left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # bidirectional embeddings and overrides
    "\u2066\u2067\u2068\u2069"  # bidirectional isolates
    "\u2061\u2062\u2063\u2064"  # invisible function application, times, separator, plus
    "\u180e"  # Mongolian vowel separator
)
_TAGS = "".join(map(chr, range(0xE0000, 0xE0080)))  # invisible tag characters
_CONTROLS = "".join(
    char for char in map(chr, [*range(0x20), 0x7F, *range(0x80, 0xA0)]) if not char.isspace()
)

INVISIBLE = _ZERO_WIDTH + _FORMAT + _TAGS + _CONTROLS
"""Every character normalisation drops."""

DROP_INVISIBLE: dict[int, None] = dict.fromkeys(map(ord, INVISIBLE), None)
"""A :meth:`str.translate` table that drops :data:`INVISIBLE`."""
