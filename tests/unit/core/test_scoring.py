"""The remembering scorer gives each lead the score the plain function gives it."""

from __future__ import annotations

from intake_app.core.scoring import Scorer, score, score_inputs
from schemas import load_schema

RULES = load_schema().scoring_rules

LEADS = [
    {"job_level": "C-Level", "job_function": "IT", "country": "US", "company_size": "5,000"},
    {"job_level": "C-Level", "job_function": "IT", "country": "US", "company_size": "5,000"},
    {"job_level": "Manager", "engagement_level": "High", "notes": "please send pricing"},
    {"job_level": "Manager", "engagement_level": "High", "notes": "nothing to add"},
    {"engagement_level": "Medium", "questions": "What about SSO?; Is there an API?"},
    {"engagement_level": "Medium", "minutes_attended": "45", "first_name": "Ada"},
    {"engagement_level": "Medium", "minutes_attended": "45", "first_name": "Grace"},
    {},
]


def test_scorer_matches_score_for_every_lead() -> None:
    scorer = Scorer(RULES)
    for values in LEADS + LEADS:
        assert scorer(values) == score(values, RULES)


def test_leads_alike_in_the_inputs_share_one_score() -> None:
    scorer = Scorer(RULES)
    assert scorer(LEADS[5]) is scorer(LEADS[6])  # they differ only in a name
    assert scorer(LEADS[2]) != scorer(LEADS[3])  # a follow-up word in the notes counts


def test_inputs_that_are_not_text_are_scored_afresh() -> None:
    scorer = Scorer(RULES)
    as_text = scorer({"company_size": "1"})
    as_bool = scorer({"company_size": True})  # equal to 1 as a key, not as an input
    assert as_bool == score({"company_size": True}, RULES)
    assert as_text == score({"company_size": "1"}, RULES)


def test_score_inputs_name_the_activities() -> None:
    assert set(RULES.engagement.activities) <= set(score_inputs(RULES))
    assert {"job_level", "notes", "company_size"} <= set(score_inputs(RULES))
