from __future__ import annotations

import pytest

from intake_app.core.normalise.people import classify_title, name_case
from intake_app.core.normalise.picklists import match_picklist
from schemas import load_schema


@pytest.fixture(scope="module")
def schema():
    return load_schema()


@pytest.mark.parametrize(
    ("title", "level", "function"),
    [
        ("CTO", "C-Level", "Engineering"),
        ("Chief Information Officer", "C-Level", "IT"),
        ("Chief Information Security Officer", "C-Level", "IT"),
        ("CISO", "C-Level", "IT"),
        ("CFO", "C-Level", "Finance"),
        ("Chief Marketing Officer", "C-Level", "Marketing"),
        ("COO", "C-Level", "Operations"),
        ("Chief Revenue Officer", "C-Level", "Sales"),
        ("CHRO", "C-Level", "HR"),
        ("CEO & Founder", "C-Level", "Executive"),
        ("President", "C-Level", "Executive"),
        ("Owner", "C-Level", "Executive"),
        ("Managing Partner", "C-Level", "Executive"),
        ("Geschäftsführer", "C-Level", "Executive"),
        ("Vice President, Sales", "VP", "Sales"),
        ("SVP Marketing", "VP", "Marketing"),
        ("EVP, Operations", "VP", "Operations"),
        ("VP Engineering", "VP", "Engineering"),
        ("Director of Engineering", "Director", "Engineering"),
        ("Head of IT", "Director", "IT"),
        ("Directeur Commercial", "Director", "Sales"),
        ("Leiterin Einkauf", "Director", "Operations"),
        ("Marketing Manager", "Manager", "Marketing"),
        ("Gerente de Ventas", "Manager", "Sales"),
        ("Responsable RH", "Manager", "Other"),
        ("Sr. Software Engineer", "Individual Contributor", "Engineering"),
        ("Account Executive", "Individual Contributor", "Sales"),
        ("Executive Assistant to the CEO", "Individual Contributor", "Other"),
        ("Assistant to the CFO", "Individual Contributor", "Other"),
        ("Product Owner", "Individual Contributor", "Other"),
        ("Accountant", "Individual Contributor", "Finance"),
    ],
)
def test_job_level_and_function_from_the_title(schema, title, level, function):
    found = classify_title(title, schema.title_rules)
    assert (found.level, found.function) == (level, function), found.reason
    assert found.reason


def test_an_empty_title_has_no_level(schema):
    assert classify_title("  ", schema.title_rules) is None


@pytest.mark.parametrize(
    ("text", "last", "expected"),
    [
        ("ADA LOVELACE", False, "Ada Lovelace"),
        ("MCDONALD", True, "McDonald"),
        ("o'brien", True, "O'Brien"),
        ("VAN DER BERG", True, "van der Berg"),
        ("ludwig van beethoven", False, "Ludwig van Beethoven"),
        ("jean-luc", False, "Jean-Luc"),
        ("DeShawn", False, "DeShawn"),
        ("McKenzie", True, "McKenzie"),
        ("  grace   hopper ", False, "Grace Hopper"),
        ("ZOË", False, "Zoë"),
    ],
)
def test_name_case(text, last, expected):
    assert name_case(text, last_name=last) == expected


@pytest.mark.parametrize(
    ("value", "expected", "how"),
    [
        ("Banking", "Banking", "exact"),
        ("banking", "Banking", "exact"),
        ("Software", "Technology", "synonym"),
        ("Financial Services", "Finance", "synonym"),
        ("Hospital & Health Care", "Healthcare", "synonym"),
        ("Telecomunications", "Telecommunications", "fuzzy"),
        ("Widgets", None, "none"),
    ],
)
def test_industry_through_synonyms_then_near_spellings(schema, value, expected, how):
    found = match_picklist(schema, "industry", value)
    assert (found.value, found.how) == (expected, how)


def test_an_unsure_value_is_flagged_with_suggestions_not_guessed(schema):
    found = match_picklist(schema, "industry", "Bankingg and Insurancee")
    assert found.value is None
    assert found.suggestions
