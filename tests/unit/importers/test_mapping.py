"""Column mapping: aliases in several languages, fuzzy matches, one column per field."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.base import LeadTable, RawRecord
from importers.headings import normalise_heading
from importers.mapping import (
    ALIAS_CONFIDENCE,
    FUZZY_CEILING,
    auto_map,
    compare_headers,
    header_signature,
    map_record,
    split_full_name,
)

LAYOUTS = Path(__file__).resolve().parents[2] / "data" / "layouts"


def table_of(*headers: str, rows: list[list[str]] | None = None) -> LeadTable:
    records = [
        RawRecord((n,), dict(zip(headers, row, strict=True)))
        for n, row in enumerate(rows or [], start=2)
    ]
    return LeadTable(sheet=None, headers=list(headers), header_row=1, records=records)


def targets(mappings) -> dict[str, str | None]:
    return {m.source: m.target for m in mappings}


def test_a_german_list_maps_by_its_headings_and_keeps_the_rest(load):
    prepared = load(LAYOUTS / "unknown_german.csv")
    found = targets(prepared.mappings)
    assert found == {
        "Vorname": "first_name",
        "Nachname": "last_name",
        "E-Mail-Adresse": "email",
        "Firma": "company",
        "Position": "job_title",
        "Telefon": "phone",
        "Mobiltelefon": "mobile_phone",
        "Straße": "street",
        "PLZ": "postal_code",
        "Ort": "city",
        "Land": "country",
        "Bemerkungen": "notes",
        "Lieblingsfarbe": None,
    }
    mapped = map_record(prepared.table.records[0], prepared.mappings)
    assert mapped.extra == {"Lieblingsfarbe": "Blau"}  # kept, never dropped
    assert mapped.fields["postal_code"] == "01067"


@pytest.mark.parametrize(
    ("heading", "target"),
    [
        ("firstName", "first_name"),
        ("E-MAIL", "email"),
        ("Courriel", "email"),
        ("Código postal", "postal_code"),
        ("Empresa", "company"),
        ("Job Title (current)", "job_title"),
    ],
)
def test_aliases_match_whatever_the_spelling(schema, heading, target):
    [mapping] = auto_map(table_of(heading), None, schema)
    assert mapping.target == target
    assert mapping.confidence >= 0.9


def test_a_misspelt_heading_is_matched_fuzzily_and_marked_for_a_look(schema):
    [mapping] = auto_map(table_of("Emial Adress"), None, schema)
    assert mapping.target == "email"
    assert 0 < mapping.confidence <= FUZZY_CEILING


def test_an_unrelated_heading_is_left_unmapped(schema):
    [mapping] = auto_map(table_of("Favourite colour"), None, schema)
    assert (mapping.target, mapping.confidence) == (None, 0.0)


def test_two_columns_never_share_a_field(schema):
    first, second = auto_map(table_of("Email", "E-mail"), None, schema)
    assert first.target == "email" and first.confidence == ALIAS_CONFIDENCE
    assert second.target is None


def test_samples_are_the_first_distinct_values(schema):
    table = table_of(
        "Email", rows=[["a@x.com"], [""], ["a@x.com"], ["b@x.com"], ["c@x.com"], ["d"]]
    )
    [mapping] = auto_map(table, None, schema)
    assert mapping.samples == ("a@x.com", "b@x.com", "c@x.com")


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("Ada Lovelace", "Ada", "Lovelace"),
        ("Lovelace, Ada", "Ada", "Lovelace"),
        ("Field, Dana", "Dana", "Field"),
        ("Dr. Grace Brewster Hopper", "Grace Brewster", "Hopper"),
        ("Ludwig van Beethoven", "Ludwig", "van Beethoven"),
        ("Madonna", "Madonna", ""),
    ],
)
def test_a_full_name_is_split(text, first, last):
    assert split_full_name(text) == (first, last)


def test_map_record_splits_a_full_name_only_when_first_and_last_are_missing(schema):
    table = table_of("Name", "Email", rows=[["Lovelace, Ada", "ada@example.com"]])
    mappings = auto_map(table, None, schema)
    fields = map_record(table.records[0], mappings).fields
    assert (fields["first_name"], fields["last_name"]) == ("Ada", "Lovelace")
    assert fields["full_name"] == "Lovelace, Ada"
    both = table_of("Name", "First Name", rows=[["Ada Lovelace", "Augusta"]])
    fields = map_record(both.records[0], auto_map(both, None, schema)).fields
    assert fields["first_name"] == "Augusta" and "last_name" not in fields


def test_header_signature_ignores_order_case_and_spacing():
    assert header_signature(["Email", "First Name"]) == header_signature(["first  name", "EMAIL"])
    assert header_signature(["Email"]) != header_signature(["Email", "Phone"])


def test_compare_headers_names_missing_and_new_columns():
    drift = compare_headers(["Email", "Phone", "Rating"], ["email", "Mobile", "Rating"])
    assert drift.missing == ("Phone",)
    assert drift.added == ("Mobile",)
    assert drift.drifted


def test_no_heading_is_an_alias_of_two_targets(schema):
    owner: dict[str, str] = {}
    for target, aliases in schema.header_aliases.items():
        for alias in aliases:
            key = normalise_heading(alias)
            assert owner.setdefault(key, target) == target, f"{alias!r}: {owner[key]} and {target}"
