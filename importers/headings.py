"""Text helpers shared by profiles, layout and mapping: headings, placeholders, durations.

Column headings arrive in every spelling a platform or a person chose ("First join",
"First Join", "E-Mail-Adresse", "firstName"). Everything that compares headings goes
through :func:`normalise_heading` so that one rule decides what counts as "the same".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Set
from functools import lru_cache

from rapidfuzz import fuzz, process

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD = re.compile(r"[^0-9a-z]+")
# "e mail" after punctuation is folded is still the word email; "E-Mail" is common in DE.
_E_MAIL = re.compile(r"\be mail")
_PARENTHESISED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_PLACEHOLDERS = frozenset({"--", "-", "na", "n/a", "n.a.", "#n/a"})
PLACEHOLDER_MAX = max(len(text) for text in _PLACEHOLDERS)
"""No placeholder is longer than this: longer cells need no check."""
_DURATION_PART = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hours?|m|min|mins|minutes?|s|sec|secs|seconds?)\b"
)
_CLOCK = re.compile(r"^(\d{1,3}):(\d{2})(?::(\d{2}))?$")
_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")


@lru_cache(maxsize=8192)
def normalise_heading(text: str) -> str:
    """Fold a heading to the form headings are compared in.

    Splits camelCase (``firstName`` -> ``first name``), strips accents, case-folds,
    turns punctuation into spaces and folds runs of spaces: "Country/Region Name",
    "country region name" and "COUNTRY-REGION  NAME" all become "country region name".

    Args:
        text: a heading (or a section title, a marker text) as the file has it.

    Returns:
        The normalised heading; empty when the text holds no letters or digits.
    """
    spaced = _CAMEL.sub(" ", text)
    decomposed = unicodedata.normalize("NFKD", spaced)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    folded = _NON_WORD.sub(" ", plain).strip()
    return _E_MAIL.sub("email", folded)


def heading_variants(text: str) -> tuple[str, ...]:
    """The normalised heading, plus the same without any parenthesised part.

    "Time in Session (minutes)" is known both as itself and as "time in session";
    "JANSSENS JAN (EXT)"-style decorations on headings go the same way.
    """
    full = normalise_heading(text)
    bare = normalise_heading(_PARENTHESISED.sub(" ", text))
    if bare and bare != full:
        return (full, bare)
    return (full,) if full else ()


def is_placeholder(value: str) -> bool:
    """True for the cell texts platforms write for "no value": ``--``, ``NA``, ``N/A``, ``-``."""
    return value.strip().casefold() in _PLACEHOLDERS


def clean_cell(value: str) -> str:
    """Trim a cell and turn placeholders into the empty string."""
    text = value.strip()
    return "" if text.casefold() in _PLACEHOLDERS else text


def parse_minutes(text: str) -> float | None:
    """Minutes in a duration cell: ``45``, ``45.5``, ``1h 2m 10s``, ``11m 31s``, ``01:02:10``.

    Returns:
        The duration in minutes, or None when the text is not a duration.
    """
    value = text.strip().casefold()
    if not value:
        return None
    if _NUMBER.match(value):
        return float(value.replace(",", "."))
    clock = _CLOCK.match(value)
    if clock:
        hours_or_minutes, minutes_or_seconds, seconds = clock.groups()
        if seconds is None:  # h:mm, the way a spreadsheet shows a duration without seconds
            return int(hours_or_minutes) * 60 + int(minutes_or_seconds)
        return int(hours_or_minutes) * 60 + int(minutes_or_seconds) + int(seconds) / 60
    parts = _DURATION_PART.findall(value)
    if not parts or _DURATION_PART.sub("", value).strip():
        return None
    total = 0.0
    for amount, unit in parts:
        number = float(amount.replace(",", "."))
        if unit.startswith("h"):
            total += number * 60
        elif unit.startswith("m"):
            total += number
        else:
            total += number / 60
    return total


def format_minutes(minutes: float, *, like: str = "") -> str:
    """Write a number of minutes the way the source wrote durations.

    Args:
        minutes: the duration.
        like: a sample of the source's own notation; ``1h 2m 10s`` style is kept,
            anything else is written as a plain number of minutes.
    """
    if like and not _NUMBER.match(like.strip()) and _DURATION_PART.search(like.casefold()):
        seconds = round(minutes * 60)
        hours, rest = divmod(seconds, 3600)
        mins, secs = divmod(rest, 60)
        parts = [f"{hours}h"] if hours else []
        if mins or hours:
            parts.append(f"{mins}m")
        parts.append(f"{secs}s")
        return " ".join(parts)
    if float(minutes).is_integer():
        return str(int(minutes))
    return f"{minutes:.2f}".rstrip("0").rstrip(".")


def minutes_value(text: str) -> int | float | str:
    """A session-length cell as a number of minutes (int when whole), else the text itself."""
    minutes = parse_minutes(text)
    if minutes is None:
        return text
    return int(minutes) if float(minutes).is_integer() else round(minutes, 2)


def alternatives(item: str) -> tuple[str, ...]:
    """The normalised spellings of a profile item written as ``"Email|Email Address"``."""
    return tuple(dict.fromkeys(n for part in item.split("|") if (n := normalise_heading(part))))


class HeadingSet:
    """The headings of one header row, ready to be asked "is this heading here?".

    A heading is present when one of its spellings equals a cell after
    normalisation (with or without a parenthesised part), or, for spellings of ten
    characters or more, when a cell is a near-identical spelling (a ratio of 92 or
    more: "Registration Date/Time" vs "Registration Datetime"). Short headings
    must match exactly: "jobtitle" (HubSpot) and "job title" must stay apart.
    """

    FUZZY_MIN_LENGTH = 10
    FUZZY_MIN_SCORE = 92.0

    def __init__(self, cells: Iterable[str]) -> None:
        self.cells = [cell for cell in cells if cell]
        self.variants: list[tuple[str, ...]] = [heading_variants(cell) for cell in self.cells]
        self.known: set[str] = {variant for group in self.variants for variant in group}
        self._long = [variant for variant in self.known if len(variant) >= self.FUZZY_MIN_LENGTH]

    def has(self, spellings: tuple[str, ...]) -> bool:
        """True when any of the normalised ``spellings`` is one of the headings."""
        if any(spelling in self.known for spelling in spellings):
            return True
        for spelling in spellings:
            if len(spelling) >= self.FUZZY_MIN_LENGTH and self._long:
                best = process.extractOne(
                    spelling, self._long, scorer=fuzz.ratio, score_cutoff=self.FUZZY_MIN_SCORE
                )
                if best is not None:
                    return True
        return False

    def count_known(self, spellings: Set[str]) -> int:
        """How many cells have a spelling in ``spellings``."""
        return sum(1 for group in self.variants if any(v in spellings for v in group))
