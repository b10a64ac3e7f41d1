"""Which writing systems a word's letters come from: look-alike (homoglyph) addresses.

``paypal.com`` written with a Cyrillic "a" (U+0430) looks exactly like the real
one and is another domain. Unicode's security guidance (UTS #39, "highly restrictive")
accepts a word written in one script, or in Latin with the Han-based mixes of
Japanese, Chinese and Korean; any other mix inside one word is how look-alike
names are made, so it is reported.

The standard library has no Script property, so a letter's script is read from
its Unicode name ("CYRILLIC SMALL LETTER A") after NFKC folding (which turns
fullwidth and mathematical letters into plain ones). Letters of scripts not
listed here are left out, which can only miss a mix, never invent one.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["ScriptMix", "script_mix"]

_SCRIPT_WORDS = (
    "LATIN", "GREEK", "COPTIC", "CYRILLIC", "ARMENIAN", "HEBREW", "ARABIC", "SYRIAC",
    "THAANA", "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "ORIYA", "TAMIL", "TELUGU",
    "KANNADA", "MALAYALAM", "SINHALA", "THAI", "LAO", "TIBETAN", "MYANMAR", "GEORGIAN",
    "HANGUL", "ETHIOPIC", "CHEROKEE", "KHMER", "MONGOLIAN", "HIRAGANA", "KATAKANA",
    "BOPOMOFO", "GLAGOLITIC", "TIFINAGH", "NKO", "VAI", "YI", "LISU", "ADLAM",
)  # fmt: skip
# The first word of a letter's Unicode name -> its script ("CJK UNIFIED IDEOGRAPH" is Han).
_SCRIPTS = {word: word.title() for word in _SCRIPT_WORDS} | {"CJK": "Han"}

# The mixes UTS #39 allows in one word ("highly restrictive"); one script is always fine.
_ALLOWED = (
    frozenset({"Latin", "Han", "Hiragana", "Katakana"}),
    frozenset({"Latin", "Han", "Bopomofo"}),
    frozenset({"Latin", "Han", "Hangul"}),
)


@dataclass(frozen=True)
class ScriptMix:
    """The scripts a word mixes, the main one first, and its letters from the others."""

    scripts: tuple[str, ...]
    odd_letters: str

    def describe(self) -> str:
        """E.g. ``Latin and Cyrillic letters ("x" is Cyrillic)``, naming the odd letters."""
        names = " and ".join((", ".join(self.scripts[:-1]), self.scripts[-1]))
        others = self.scripts[1:]
        whose = others[0] if len(others) == 1 else " or ".join(others)
        letters = ", ".join(f'"{letter}"' for letter in self.odd_letters)
        verb = "is" if len(self.odd_letters) == 1 else "are"
        return f"{names} letters ({letters} {verb} {whose})"


@lru_cache(maxsize=4096)
def _script(char: str) -> str | None:
    category = unicodedata.category(char)
    if not category.startswith("L") or category == "Lm":  # modifier letters go with any
        return None
    name = unicodedata.name(char, "")
    return _SCRIPTS.get(name.partition(" ")[0])


def script_mix(word: str) -> ScriptMix | None:
    """How ``word`` mixes scripts as look-alikes do, or None when it does not.

    Digits, hyphens, dots and combining marks belong to every script and are
    not counted. One script is fine, and so are Latin with Han, Hiragana and
    Katakana (Japanese), with Han and Bopomofo (Chinese) or with Han and Hangul (Korean).
    """
    if word.isascii():
        return None
    letters = [(char, script) for char in unicodedata.normalize("NFKC", word)
               if (script := _script(char)) is not None]  # fmt: skip
    counts = Counter(script for _char, script in letters)
    used = frozenset(counts)
    if len(used) < 2 or any(used <= allowed for allowed in _ALLOWED):
        return None
    order = [script for script, _n in counts.most_common()]
    # Latin leads a tie: the look-alike usually imitates a Latin name.
    if "Latin" in order and counts["Latin"] == counts[order[0]]:
        order.remove("Latin")
        order.insert(0, "Latin")
    main = order[0]
    odd = dict.fromkeys(char for char, script in letters if script != main)
    return ScriptMix(tuple(order), "".join(odd))
