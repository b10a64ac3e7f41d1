"""Picklist values: exact, then a schema synonym, then a near-identical spelling; else flagged.

A value the app cannot be sure of is never guessed: it is left out of the lead's
column and flagged with the closest picklist values as suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from intake_app.core.normalise.people import fold
from schemas import CorporateSchema

ACCEPT_SCORE = 92.0  # a near-identical spelling ("Telecomunications") is taken
SUGGEST_SCORE = 70.0


@dataclass(frozen=True)
class PicklistMatch:
    value: str | None
    how: str  # exact, synonym, fuzzy, none
    suggestions: tuple[str, ...] = ()


class PicklistIndex:
    """One picklist's values and synonyms, folded for look-up."""

    def __init__(self, values: tuple[str, ...], synonyms: dict[str, tuple[str, ...]]) -> None:
        self.values = values
        self.exact = {fold(value): value for value in values}
        self.synonyms: dict[str, str] = {}
        for value, words in synonyms.items():
            for word in words:
                self.synonyms.setdefault(fold(word), value)
        self._choices = {**{k: v for k, v in self.synonyms.items() if k}, **self.exact}

    def match(self, text: str) -> PicklistMatch:
        key = fold(text)
        if key in self.exact:
            return PicklistMatch(self.exact[key], "exact")
        if key in self.synonyms:
            return PicklistMatch(self.synonyms[key], "synonym")
        if not key:
            return PicklistMatch(None, "none")
        best = process.extractOne(
            key, list(self._choices), scorer=fuzz.ratio, score_cutoff=ACCEPT_SCORE
        )
        if best is not None:
            return PicklistMatch(self._choices[best[0]], "fuzzy")
        # Suggestions may be looser: part of the text naming a value ("Banking and ...").
        found = process.extract(
            key, list(self._choices), scorer=fuzz.WRatio, limit=8, score_cutoff=SUGGEST_SCORE
        )
        suggestions = tuple(dict.fromkeys(self._choices[choice] for choice, _, _ in found))
        return PicklistMatch(None, "none", suggestions[:3])


_INDEXES: dict[tuple[int, str], tuple[CorporateSchema, PicklistIndex]] = {}


def picklist_index(schema: CorporateSchema, name: str) -> PicklistIndex:
    """The look-up index of picklist ``name`` in ``schema`` (built once per schema)."""
    cached = _INDEXES.get((id(schema), name))
    if cached is not None and cached[0] is schema:
        return cached[1]
    synonyms = {k: tuple(v) for k, v in schema.picklist_synonyms.get(name, {}).items()}
    index = PicklistIndex(tuple(schema.picklists.get(name, ())), synonyms)
    _INDEXES[(id(schema), name)] = (schema, index)
    return index


@lru_cache(maxsize=16384)
def _match_cached(schema_id: int, name: str, text: str) -> PicklistMatch:
    return _INDEXES[(schema_id, name)][1].match(text)


def match_picklist(schema: CorporateSchema, name: str, text: str) -> PicklistMatch:
    """The picklist value ``text`` means, with how it was found (cached per value)."""
    picklist_index(schema, name)
    return _match_cached(id(schema), name, text)
