"""A lead's engagement level at the event, and why (DESIGN §4, rules in the schema).

Which rule applies depends on what the list is: a webcast attendance report
(minutes against the session's length, questions, polls, platform scores), a
booth or badge-scan list (an explicit rating, else qualifiers and notes), a
check-in list, a CRM-shaped list (a lead score or rating), or a registration or
form list (registered only: Low). The level comes with ``detail``, the sentence
shown beside it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from importers.headings import parse_minutes
from intake_app.core.compiled import compiled
from intake_app.core.normalise.people import fold, phrase_pattern
from schemas import EngagementRules

LEVELS = ("High", "Medium", "Low")
RANK = {"High": 3, "Medium": 2, "Low": 1, "Unknown": 0}
_YES = frozenset({"yes", "y", "true", "1", "x", "ja", "oui", "si", "attended", "checked in"})
_NO = frozenset({"no", "n", "false", "0", "nein", "non", "absent", "not attended"})
_NEGATIONS = frozenset({"not", "no", "never", "kein", "keine", "keinen", "nicht", "pas", "sin"})
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class Engagement:
    level: str  # High, Medium, Low or Unknown
    detail: str


@dataclass(frozen=True)
class ListContext:
    """What kind of list the lead came from, and the session's facts."""

    kind: str | None  # webcast, in_person, registration, crm, business_card, form; None: unknown
    session_minutes: float | None = None  # the webcast's length


def higher(first: Engagement, second: Engagement) -> Engagement:
    """The higher of two engagements (a person's rows are merged: the highest wins)."""
    return second if RANK.get(second.level, 0) > RANK.get(first.level, 0) else first


def _count(text: str) -> int:
    """How many questions/polls/clicks a cell says: a number, or a list of answers."""
    value = text.strip()
    if not value or fold(value) in _NO:
        return 0
    if fold(value) in _YES:
        return 1
    number = _NUMBER.fullmatch(value.replace(" ", ""))
    if number:
        return max(int(float(number.group().replace(",", "."))), 0)
    return max(1, len([part for part in re.split(r"[;|\n]", value) if part.strip()]))


count_items = _count


def attended(values: Mapping[str, object]) -> bool | None:
    """Whether a webcast report says the person attended; None when it does not say."""
    answer = values.get("attended")
    said = fold(str(answer)) if answer else ""  # fold("") is "": most leads do not say
    if said in _YES:
        return True
    if said in _NO:
        return False
    raw_minutes = values.get("minutes_attended")
    if raw_minutes is None or str(raw_minutes).strip() == "":
        return None
    minutes = parse_minutes(str(raw_minutes))
    return None if minutes is None else minutes > 0


def _number(text: str) -> float | None:
    found = _NUMBER.search(text or "")
    return float(found.group().replace(",", ".")) if found else None


class EngagementRulesIndex:
    """The schema's engagement rules, folded and compiled once."""

    def __init__(self, rules: EngagementRules) -> None:
        self.rules = rules
        self.ratings = {
            fold(word): level for level, words in rules.ratings.items() for word in words
        }
        self.keywords = [
            (level, _phrases(rules.keywords.get(level, ())))
            for level in LEVELS
            if level in rules.keywords
        ]
        self.contact = _phrases(rules.check_in.contact_words)

    def rating(self, text: str) -> str | None:
        return self.ratings.get(fold(text))

    def keyword(self, text: str) -> tuple[str, str] | None:
        """The first level whose words the text has, not negated ("not interested")."""
        folded = fold(text)
        for level, pattern in self.keywords:
            if pattern is None:
                continue
            for found in pattern.finditer(folded):
                before = folded[: found.start()].split()[-2:]
                if not _NEGATIONS & set(before):
                    return level, found.group(1)
        return None


_phrases = phrase_pattern


def rules_index(rules: EngagementRules) -> EngagementRulesIndex:
    return compiled(rules, EngagementRulesIndex)


def derive_engagement(
    values: Mapping[str, str], context: ListContext, rules: EngagementRules
) -> Engagement:
    """The engagement level of one lead from its values (targets by name) and the list.

    Args:
        values: the lead's mapped values: ``minutes_attended``, ``attended``,
            ``questions``, ``polls``, ``resources``, ``interest_score``, ``rating``,
            ``lead_score``, ``qualifiers``, ``checked_in``, ``notes``,
            ``engagement_level`` (an explicit level in the file wins).
        context: the kind of list and the session's length.
        rules: the schema's engagement rules.
    """
    index = rules_index(rules)
    explicit = values.get("engagement_level", "").strip()
    if explicit:
        level = next((lv for lv in (*LEVELS, "Unknown") if fold(lv) == fold(explicit)), None)
        level = level or index.rating(explicit)
        if level:
            # A file that gives the level with its reason (our own export) keeps both.
            given = values.get("engagement_detail", "").strip()
            return Engagement(level, given or f"given in the file as {explicit!r}")
    kind = context.kind
    if kind == "webcast" or (kind is None and values.get("minutes_attended")):
        return _webcast(values, context, rules, index)
    if kind == "crm":
        return _crm(values, rules, index)
    if kind in ("registration", "form"):
        if values.get("checked_in"):
            return _check_in(values, rules, index)
        return Engagement(
            "Low", "registration only" if kind == "registration" else "form fill only"
        )
    if values.get("checked_in") and not values.get("rating"):
        return _check_in(values, rules, index)
    return _in_person(values, index, bare=kind in ("in_person", "business_card") or kind is None)


def _webcast(
    values: Mapping[str, str],
    context: ListContext,
    rules: EngagementRules,
    index: EngagementRulesIndex,
) -> Engagement:
    policy = rules.webcast
    minutes = parse_minutes(values.get("minutes_attended", "")) or 0.0
    attended = fold(values.get("attended", ""))
    if attended in _NO or (minutes <= 0 and attended not in _YES):
        return Engagement("Low", "registered but did not attend")
    signals: list[str] = []
    for name, label in (
        ("questions", "question"),
        ("polls", "poll answer"),
        ("resources", "resource click"),
    ):
        count = _count(values.get(name, ""))
        if count:
            signals.append(f"{count} {label}{'s' if count > 1 else ''}")
    score_text = values.get("interest_score", "")
    score = _number(score_text)
    if score is not None:
        scale = 10.0 if score <= 10 else 100.0  # ON24 scores 0-10, GoToWebinar rates 0-100
        if score / scale >= policy.score_signal_share:
            signals.append(f"platform score {score_text.strip()}")
    length = context.session_minutes
    signal = bool(signals)
    said = "; ".join(signals)
    if not length:
        detail = f"attended {minutes:g} min (session length unknown)" + (
            f"; {said}" if said else ""
        )
        level = "Medium" if signal or minutes else "Low"
        return Engagement(level, detail)
    ratio = min(minutes / length, 1.0)
    detail = f"attended {minutes:g} of {length:g} min" + (f"; {said}" if said else "")
    if ratio >= policy.high_ratio or (ratio >= policy.high_ratio_with_signal and signal):
        return Engagement("High", detail)
    if ratio >= policy.medium_ratio or signal:
        return Engagement("Medium", detail)
    return Engagement("Low", detail)


def _crm(
    values: Mapping[str, str], rules: EngagementRules, index: EngagementRulesIndex
) -> Engagement:
    score = _number(values.get("lead_score", ""))
    if score is not None:
        policy = rules.crm_score
        level = "High" if score >= policy.high else "Medium" if score >= policy.medium else "Low"
        return Engagement(level, f"lead score {score:g}")
    rating = values.get("rating", "").strip()
    if rating and index.rating(rating):
        return Engagement(str(index.rating(rating)), f"rating {rating!r}")
    return Engagement("Unknown", "no score or rating in the list")


def _check_in(
    values: Mapping[str, str], rules: EngagementRules, index: EngagementRulesIndex
) -> Engagement:
    checked = values.get("checked_in", "")
    sessions = _count(checked)
    if fold(checked) in _NO or sessions == 0:
        return Engagement("Low", "registered, did not check in")
    notes = " ".join(values.get(name, "") for name in ("notes", "qualifiers"))
    asked = (
        index.contact.search(fold(notes)) if index.contact is not None and notes.strip() else None
    )
    if asked:
        return Engagement("High", f"checked in and asked to be contacted ({asked.group(1)!r})")
    if sessions >= rules.check_in.several_sessions:
        return Engagement("High", f"checked in to {sessions} sessions")
    return Engagement("Medium", "checked in")


def _in_person(values: Mapping[str, str], index: EngagementRulesIndex, *, bare: bool) -> Engagement:
    rating = values.get("rating", "").strip()
    if rating:
        level = index.rating(rating)
        if level:
            return Engagement(level, f"rated {rating!r} at the booth")
    for name in ("qualifiers", "notes"):
        text = values.get(name, "")
        if text.strip():
            found = index.keyword(text)
            if found:
                level, word = found
                return Engagement(level, f"{name}: {word!r}")
    if bare:
        return Engagement("Low", "badge scan with no rating or qualifying note")
    return Engagement("Unknown", "nothing in the list says how engaged")
