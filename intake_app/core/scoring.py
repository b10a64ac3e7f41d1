"""Lead-scoring hints: fit, engagement, the grade A1-D4 and the treatment, with the reasons.

Pure functions of a lead's values and the schema's ``scoring_rules``. Every
point is recorded with its reason, so the app can show how a score came about.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from importers.headings import parse_minutes
from intake_app.core.engagement import count_items
from schemas import ScoringRules


@dataclass(frozen=True)
class Score:
    fit: int
    fit_letter: str
    engagement: int
    engagement_digit: str
    total: int
    grade: str
    treatment_code: str
    treatment: str
    follow_up_hours: float | None
    fit_reasons: tuple[str, ...] = field(default=())
    engagement_reasons: tuple[str, ...] = field(default=())

    def follow_up_due(self, scored_at: datetime) -> datetime | None:
        if self.follow_up_hours is None:
            return None
        return scored_at + timedelta(hours=self.follow_up_hours)

    def explain(self) -> str:
        """One line: how the grade and the treatment came about."""
        fit = ", ".join(self.fit_reasons) or "nothing known"
        engagement = ", ".join(self.engagement_reasons) or "nothing known"
        return (
            f"Fit {self.fit} ({self.fit_letter}): {fit}. Engagement {self.engagement}"
            f" ({self.engagement_digit}): {engagement}. Score {self.total}, grade {self.grade}"
            f" → {self.treatment}."
        )


@lru_cache(maxsize=32)
def _follow_up_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all the follow-up words, whole words, compiled once per rule set."""
    alternatives = "|".join(re.escape(word.casefold()) for word in words) or r"(?!)"
    return re.compile(rf"\b({alternatives})\b")


def _points(value: float) -> str:
    return f"+{value:g}"


def _company_size(text: object) -> int | None:
    """Employees from '5,000', '1000-4999', '10k+', '201 to 500' (the lower bound)."""
    if text is None:
        return None
    value = str(text).replace(",", "").replace(".", "").strip().casefold()
    match = re.search(r"(\d+)\s*(k)?", value)
    if not match:
        return None
    number = int(match.group(1))
    return number * 1000 if match.group(2) else number


def _letter(score: float, thresholds: Mapping[str, float]) -> str:
    for letter in ("A", "B", "C"):
        if score >= thresholds[letter]:
            return letter
    return "D"


def _digit(score: float, thresholds: Mapping[str, float]) -> str:
    for digit in ("1", "2", "3"):
        if score >= thresholds[digit]:
            return digit
    return "4"


def fit_score(values: Mapping[str, Any], rules: ScoringRules) -> tuple[int, list[str]]:
    fit = rules.fit
    total = 0.0
    reasons: list[str] = []
    for name, table in (
        ("job_level", fit.job_level),
        ("job_function", fit.job_function),
        ("industry", fit.industry),
    ):
        value = values.get(name)
        points = table.get(str(value), 0) if value else 0
        if points:
            total += points
            reasons.append(f"{value} {_points(points)}")
    country = values.get("country")
    if country and country in fit.countries and fit.country_points:
        total += fit.country_points
        reasons.append(f"{country} {_points(fit.country_points)}")
    size = _company_size(values.get("company_size"))
    if size is not None:
        band = next((b for b in fit.company_size if size >= b.at_least), None)
        if band is not None:
            total += band.points
            reasons.append(f"{size:,} employees {_points(band.points)}")
    return min(100, round(total)), reasons


def engagement_score(values: Mapping[str, Any], rules: ScoringRules) -> tuple[int, list[str]]:
    engagement = rules.engagement
    total = 0.0
    reasons: list[str] = []
    level = values.get("engagement_level")
    points = engagement.level.get(str(level), 0) if level else 0
    if points:
        total += points
        reasons.append(f"{level} engagement {_points(points)}")
    for activity, rule in engagement.activities.items():
        count = count_items(str(values.get(activity) or ""))
        if count:
            earned = min(rule.cap, count * rule.points)
            total += earned
            reasons.append(f"{count} {activity} {_points(earned)}")
    words = " ".join(str(values.get(name) or "") for name in ("notes", "qualifiers")).casefold()
    found = _follow_up_pattern(engagement.follow_up_words).search(words) if words.strip() else None
    asked = found.group(1) if found else None
    if asked and engagement.follow_up_points:
        total += engagement.follow_up_points
        reasons.append(f"asked about {asked!r} {_points(engagement.follow_up_points)}")
    minutes = parse_minutes(str(values.get("minutes_attended") or "")) if values else None
    if minutes and not reasons:
        reasons.append(f"attended {minutes:g} min")
    return min(100, round(total)), reasons


_FIT_INPUTS = ("job_level", "job_function", "industry", "country", "company_size")
_ENGAGEMENT_INPUTS = ("engagement_level", "notes", "qualifiers", "minutes_attended")


def score_inputs(rules: ScoringRules) -> tuple[str, ...]:
    """Every value :func:`score` reads: two leads alike in these score alike."""
    return (*_FIT_INPUTS, *_ENGAGEMENT_INPUTS, *rules.engagement.activities)


_TEXT_OR_NONE = frozenset({str, type(None)})


class Scorer:
    """:func:`score` under one rule set, remembering the score of each set of inputs.

    A list has far fewer distinct (level, function, industry, country, size,
    engagement, activities, notes) combinations than leads, and a score is a
    frozen value, so leads alike share one. Inputs that are not all text (or
    empty) are scored afresh: ``1`` and ``True`` are equal keys but not equal
    inputs.
    """

    def __init__(self, rules: ScoringRules) -> None:
        self.rules = rules
        self.inputs = score_inputs(rules)
        self._known: dict[tuple[Any, ...], Score] = {}

    def __call__(self, values: Mapping[str, Any]) -> Score:
        get = values.get
        key = tuple([get(name) for name in self.inputs])
        if not {*map(type, key)} <= _TEXT_OR_NONE:
            return score(values, self.rules)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = score(values, self.rules)
        return found


def score(values: Mapping[str, Any], rules: ScoringRules) -> Score:
    """Fit, engagement, total, grade and treatment of one lead.

    ``values`` holds the lead's canonical fields and its import targets
    (``company_size``, ``questions``, ``polls``, ``resources``, ``qualifiers``).
    """
    fit, fit_reasons = fit_score(values, rules)
    engaged, engagement_reasons = engagement_score(values, rules)
    total = round(fit * rules.fit_weight + engaged * (1 - rules.fit_weight))
    letter = _letter(fit, rules.fit.letters)
    digit = _digit(engaged, rules.engagement.digits)
    grade = letter + digit
    treatment = rules.treatment_for(grade)
    return Score(
        fit=fit,
        fit_letter=letter,
        engagement=engaged,
        engagement_digit=digit,
        total=total,
        grade=grade,
        treatment_code=treatment.code if treatment else "",
        treatment=treatment.label if treatment else "",
        follow_up_hours=treatment.follow_up_hours if treatment else None,
        fit_reasons=tuple(fit_reasons),
        engagement_reasons=tuple(engagement_reasons),
    )
