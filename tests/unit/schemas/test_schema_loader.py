from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from schemas import SchemaError, load_schema

DEFAULT_TYPES = ["tradeshow", "conference", "webcast", "field-event", "sponsorship", "partner"]


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def company(tmp_path: Path) -> Path:
    return tmp_path / "company-schema"


def test_default_schema_loads_every_event_type() -> None:
    schema = load_schema()

    assert schema.event_type_codes() == [*DEFAULT_TYPES, "other"]
    assert {policy.code for policy in schema.sla_policies} == {
        "webcast",
        "in-person",
        "third-party",
    }
    assert "email" in schema.field_names()
    assert "Tradeshow" in schema.picklists["lead_source"]


def test_default_types_point_at_their_policies() -> None:
    schema = load_schema()

    tradeshow = schema.event_type("tradeshow")
    webcast = schema.event_type("webcast")
    assert tradeshow is not None
    assert webcast is not None
    assert tradeshow.sla_policy == "in-person"
    assert webcast.sla_policy == "webcast"
    assert schema.event_type("roadshow") is None
    in_person = schema.sla_policy("in-person")
    assert in_person is not None
    assert [stage.name for stage in in_person.stages] == ["hand_over", "enter"]


def test_company_folder_adds_a_type_and_overrides_one(company: Path) -> None:
    write(
        company,
        "event_types.yaml",
        """\
        schema_version: 1
        event_types:
          - code: roadshow
            label: Roadshow
            channel: in_person
            lead_source: Field Event
            sla_policy: roadshow
          - code: webcast
            label: Virtual summit
            channel: online
            lead_source: Webinar
            sla_policy: third-party
        """,
    )
    write(
        company,
        "sla_policies.yaml",
        """\
        sla_policies:
          - code: roadshow
            label: Roadshow (8 hours)
            stages:
              - {name: enter, amount: 8, unit: hours}
        """,
    )

    schema = load_schema(company)

    codes = schema.event_type_codes()
    # Overrides keep their place; additions come after the defaults.
    assert codes == [*DEFAULT_TYPES, "other", "roadshow"]
    webcast = schema.event_type("webcast")
    assert webcast is not None
    assert webcast.label == "Virtual summit"
    assert webcast.sla_policy == "third-party"
    roadshow = schema.event_type("roadshow")
    assert roadshow is not None
    assert roadshow.sla_policy == "roadshow"
    policy = schema.sla_policy("roadshow")
    assert policy is not None
    assert policy.stages[0].unit == "hours"
    assert company in schema.source_dirs


def test_company_picklist_replaces_the_default_list(company: Path) -> None:
    write(company, "picklists.yaml", "picklists:\n  job_level: [Executive, Staff, Unknown]\n")
    # The title rules must name the company's levels.
    write(
        company,
        "title_rules.yaml",
        "title_rules:\n  levels:\n    - {level: Executive, words: [chief, vp, director]}\n"
        "  default_level: Staff\n",
    )

    schema = load_schema(company)

    assert schema.picklists["job_level"] == ("Executive", "Staff", "Unknown")
    assert "Tradeshow" in schema.picklists["lead_source"]  # other lists untouched
    assert schema.title_rules.default_level == "Staff"


def test_title_rules_that_name_a_missing_level_are_refused(company: Path) -> None:
    write(company, "picklists.yaml", "picklists:\n  job_level: [Executive, Staff, Unknown]\n")

    with pytest.raises(SchemaError, match="title rules name job level 'Individual Contributor'"):
        load_schema(company)


def test_invalid_yaml_names_file_and_line(company: Path) -> None:
    write(
        company,
        "event_types.yaml",
        """\
        schema_version: 1
        event_types:
          - code: roadshow
            label: Road: show
            channel: in_person
            lead_source: Field Event
        """,
    )

    with pytest.raises(SchemaError) as caught:
        load_schema(company)

    message = str(caught.value)
    assert str(company / "event_types.yaml") in message
    assert "not valid YAML" in message
    assert "at line 4," in message


def test_unknown_sla_policy_reference_is_refused(company: Path) -> None:
    write(
        company,
        "event_types.yaml",
        """\
        event_types:
          - {code: roadshow, label: Roadshow, channel: in_person,
             lead_source: Field Event, sla_policy: overnight}
        """,
    )

    with pytest.raises(SchemaError) as caught:
        load_schema(company)

    message = str(caught.value)
    assert str(company / "event_types.yaml") in message
    assert "'overnight'" in message
    assert "not defined" in message


def test_unknown_section_is_refused(company: Path) -> None:
    write(company, "fields.yaml", "schema_version: 1\nfeilds: []\n")

    with pytest.raises(SchemaError) as caught:
        load_schema(company)

    message = str(caught.value)
    assert "fields.yaml" in message
    assert "unknown section 'feilds'" in message


def test_picklist_field_without_picklist_is_refused(company: Path) -> None:
    write(
        company,
        "fields.yaml",
        "fields:\n  - {name: region, label: Region, kind: picklist}\n",
    )

    with pytest.raises(SchemaError) as caught:
        load_schema(company)

    message = str(caught.value)
    assert str(company / "fields.yaml") in message
    assert "'region' is a picklist but names no picklist" in message


def test_newer_schema_version_is_refused(company: Path) -> None:
    write(company, "picklists.yaml", "schema_version: 2\npicklists: {}\n")

    with pytest.raises(SchemaError) as caught:
        load_schema(company)

    message = str(caught.value)
    assert "picklists.yaml" in message
    assert "schema_version 2" in message


def test_missing_company_folder_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder"

    with pytest.raises(SchemaError) as caught:
        load_schema(missing)

    assert str(missing) in str(caught.value)
    assert "does not exist" in str(caught.value)
