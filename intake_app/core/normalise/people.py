"""People's names and job titles: name case, and job level and function from a title.

Both are plain functions over text and the schema's rules; the rule that decided a
title's level and function is returned with it, so the person reviewing the lead
can see why.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from intake_app.core.compiled import compiled
from schemas import TitleRules

_PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "la",
     "le", "ter", "ten", "zu", "y", "e", "bin", "ibn", "al"}
)  # fmt: skip


def _capitalise(token: str) -> str:
    lower = token.lower()
    if lower.startswith("mc") and len(lower) > 3:
        return "Mc" + lower[2].upper() + lower[3:]
    for apostrophe in ("'", "\u2019"):
        if apostrophe in lower:
            head, _, tail = lower.partition(apostrophe)
            if len(head) <= 2 and tail:  # O'Brien, D'Angelo; not "Ke'ala" style names
                return head.capitalize() + apostrophe + tail.capitalize()
    return lower.capitalize()


@lru_cache(maxsize=32768)
def name_case(text: str, *, last_name: bool = False) -> str:
    """A name in name case when the file shouted it or whispered it.

    "ADA LOVELACE" → "Ada Lovelace", "MCDONALD" → "McDonald", "O'BRIEN" →
    "O'Brien", "VAN DER BERG" → "van der Berg", "jean-luc" → "Jean-Luc". A name
    written in mixed case ("DeShawn", "McKenzie") is kept exactly as written.

    Args:
        text: the name as the file has it.
        last_name: particles (van, de, von ...) stay lower-case inside a last name;
            elsewhere only after the first word.
    """
    clean = " ".join(text.split())
    letters = [ch for ch in clean if ch.isalpha()]
    if not letters or not (clean.isupper() or clean.islower()):
        return clean
    words = clean.split(" ")
    result: list[str] = []
    for position, word in enumerate(words):
        lower = word.lower()
        first_word = position == 0 and not last_name
        last_word = position == len(words) - 1
        if lower in _PARTICLES and not first_word and not last_word:
            result.append(lower)
            continue
        result.append("-".join(_capitalise(part) for part in word.split("-")))
    return " ".join(result)


# ------------------------------------------------------------------ titles


@lru_cache(maxsize=32768)
def fold(text: str) -> str:
    """Case, accents and punctuation folded: "Geschäftsführer/CEO" → "geschaftsfuhrer ceo".

    Cached: ratings, notes, titles and picklist values repeat down a list.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("&", " and "))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = plain.replace("ß", "ss")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def phrase_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any of ``words`` (folded) as whole words, longest first.

    The match's group 1 is the word found; None when there are no words.
    """
    folded = sorted({fold(word) for word in words} - {""}, key=len, reverse=True)
    if not folded:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(word) for word in folded) + r")\b")


@dataclass(frozen=True)
class TitleClass:
    """A title's job level and function, and the words that decided them."""

    level: str
    function: str
    reason: str


class TitleClassifier:
    """Compiled title rules; build once per schema (:func:`classifier_for`)."""

    def __init__(self, rules: TitleRules) -> None:
        self.rules = rules
        self._seen: dict[str, TitleClass | None] = {}
        self._not_exec = self._pattern(rules.not_an_executive)
        self._chief = re.compile(r"\bchief ((?:[a-z]+ ){0,3}?)officer\b")
        self._levels = [(rule.level, self._pattern(rule.words)) for rule in rules.levels]
        self._acronyms = {
            fold(word): function for word, function in rules.acronym_functions.items()
        }
        self._acronym_pattern = self._pattern(tuple(rules.acronym_functions))
        self._functions = [(rule.function, self._pattern(rule.words)) for rule in rules.functions]
        self._chief_functions = sorted(
            ((fold(words), function) for words, function in rules.chief_functions.items()),
            key=lambda pair: -len(pair[0]),
        )

    @staticmethod
    def _pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
        return phrase_pattern(words)

    @staticmethod
    def _find(pattern: re.Pattern[str] | None, text: str) -> str | None:
        if pattern is None:
            return None
        found = pattern.search(text)
        return found.group(1) if found else None

    def cached(self, title: str) -> TitleClass | None:
        """:meth:`classify`, remembered per title (a list repeats its titles)."""
        if title not in self._seen:
            if len(self._seen) >= 16384:
                self._seen.clear()
            self._seen[title] = self.classify(title)
        return self._seen[title]

    def classify(self, title: str) -> TitleClass | None:
        """Level and function of ``title``; None when the title is empty."""
        text = fold(title)
        if not text:
            return None
        rules = self.rules
        assistant = self._find(self._not_exec, text)
        if assistant is not None:
            # What the assistant works on, not whom they assist, gives the function.
            rest = text.replace(assistant, " ")
            function, why = self._function(rest, allow_exec=False)
            return TitleClass(
                rules.default_level, function, f"{assistant!r}: an assistant, not an executive{why}"
            )
        chief = self._chief.search(text)
        if chief is not None:
            area = chief.group(1).strip()
            named = next((f for words, f in self._chief_functions if area.startswith(words)), None)
            function = named if named is not None else self._function(area, allow_exec=False)[0]
            level = next(
                (level for level, pattern in self._levels if self._find(pattern, "chief")), None
            )
            return TitleClass(
                level or "C-Level", function, f"'chief {area} officer' gives {function}"
            )
        for level, pattern in self._levels:
            word = self._find(pattern, text)
            if word is None:
                continue
            # A C-level's own word gives its function (CTO: Engineering); for the other
            # levels the rest of the title does ("Vice President, Sales": Sales).
            rest = text if level == "C-Level" else re.sub(rf"\b{re.escape(word)}\b", " ", text)
            function, why = self._function(rest, allow_exec=True)
            if function == rules.default_function and rest != text:
                # The level word may be part of the function's own words: "Account
                # Manager" (Sales), "Vertriebsleiter" (head of sales).
                function, why = self._function(text, allow_exec=False)
            return TitleClass(level, function, f"{word!r} gives {level}{why}")
        function, why = self._function(text, allow_exec=True)
        return TitleClass(rules.default_level, function, f"no level word{why}")

    def _function(self, text: str, *, allow_exec: bool) -> tuple[str, str]:
        if allow_exec:
            acronym = self._find(self._acronym_pattern, text)
            if acronym is not None:
                function = self._acronyms[acronym]
                return function, f"; {acronym!r} gives {function}"
        for function, pattern in self._functions:
            word = self._find(pattern, text)
            if word is not None:
                return function, f"; {word!r} gives {function}"
        return self.rules.default_function, ""


def classifier_for(rules: TitleRules) -> TitleClassifier:
    """The compiled classifier for a schema's title rules (kept while the rules live)."""
    return compiled(rules, TitleClassifier)


def classify_title(title: str, rules: TitleRules) -> TitleClass | None:
    """Job level and function of a title by the schema's rules (cached per title)."""
    return classifier_for(rules).cached(title)
