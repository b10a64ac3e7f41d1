from __future__ import annotations

import pytest

from intake_app.core.engagement import Engagement, ListContext, derive_engagement, higher
from schemas import load_schema

RULES = load_schema().engagement_rules
WEBCAST = ListContext("webcast", session_minutes=60)


def level(values, context=WEBCAST) -> Engagement:
    return derive_engagement(values, context, RULES)


@pytest.mark.parametrize(
    ("values", "expected", "detail"),
    [
        ({"minutes_attended": "52", "questions": "1"}, "High", "attended 52 of 60 min; 1 question"),
        ({"minutes_attended": "36"}, "High", "attended 36 of 60 min"),  # ratio 0.6
        ({"minutes_attended": "35"}, "Medium", "attended 35 of 60 min"),
        ({"minutes_attended": "18", "polls": "2"}, "High", "2 poll answers"),  # 0.3 + signal
        ({"minutes_attended": "17", "polls": "2"}, "Medium", "2 poll answers"),
        ({"minutes_attended": "12"}, "Medium", "attended 12 of 60 min"),  # 0.2
        ({"minutes_attended": "5", "resources": "Datasheet.pdf"}, "Medium", "1 resource click"),
        ({"minutes_attended": "5"}, "Low", "attended 5 of 60 min"),
        ({"minutes_attended": "1h 5m 0s"}, "High", "attended 65 of 60 min"),  # capped at 1
        ({"minutes_attended": "10", "interest_score": "82"}, "Medium", "platform score 82"),
        ({"minutes_attended": "20", "interest_score": "9"}, "High", "platform score 9"),
        ({"minutes_attended": "20", "interest_score": "40"}, "Medium", "attended 20 of 60"),
        ({"attended": "No"}, "Low", "registered but did not attend"),
        ({"minutes_attended": "", "attended": ""}, "Low", "registered but did not attend"),
    ],
)
def test_webcast_rules(values, expected, detail):
    found = level(values)
    assert found.level == expected
    assert detail in found.detail


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"rating": "Hot"}, "High"),
        ({"rating": "A"}, "High"),
        ({"rating": "Warm"}, "Medium"),
        ({"rating": "B"}, "Medium"),
        ({"rating": "Cold", "notes": "wants pricing"}, "Low"),  # an explicit rating wins
        ({"notes": "Wants a QUOTE for 200 seats"}, "High"),
        ({"qualifiers": "Budget approved; RFP in Q3"}, "High"),
        ({"notes": "demo given, follow up next week"}, "Medium"),
        ({"notes": "send info"}, "Medium"),
        ({"notes": "nice chat"}, "Low"),
        ({"notes": "not interested"}, "Low"),
        ({"notes": "kein Interesse, aber Rückruf erbeten"}, "Medium"),
        ({}, "Low"),  # a bare scan
    ],
)
def test_booth_scan_rules(values, expected):
    assert level(values, ListContext("in_person")).level == expected


def test_check_in_lists():
    registration = ListContext("registration")
    assert level({"checked_in": "Yes"}, registration).level == "Medium"
    assert level({"checked_in": "Yes", "notes": "please contact me"}, registration).level == "High"
    assert level({"checked_in": "3"}, registration).level == "High"  # several sessions
    assert level({"checked_in": "No"}, registration).level == "Low"
    assert level({}, registration) == Engagement("Low", "registration only")


def test_crm_shaped_lists():
    crm = ListContext("crm")
    assert level({"lead_score": "70"}, crm).level == "High"
    assert level({"lead_score": "69"}, crm).level == "Medium"
    assert level({"lead_score": "30"}, crm).level == "Medium"
    assert level({"lead_score": "29"}, crm).level == "Low"
    assert level({"rating": "Warm"}, crm).level == "Medium"
    assert level({}, crm).level == "Unknown"


def test_an_explicit_level_in_the_file_wins():
    assert level({"engagement_level": "medium", "minutes_attended": "60"}).level == "Medium"


def test_without_a_session_length_attendance_is_medium():
    found = level({"minutes_attended": "40"}, ListContext("webcast"))
    assert found.level == "Medium"
    assert "session length unknown" in found.detail


def test_the_highest_engagement_wins_a_merge():
    low, high = Engagement("Low", "scan"), Engagement("High", "pricing")
    assert higher(low, high) is high
    assert higher(high, low) is high
