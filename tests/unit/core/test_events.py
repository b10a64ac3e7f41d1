from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from intake_app.core.errors import ValidationError
from intake_app.core.events import EventInput, When, parse_when, validate_event
from intake_app.core.geo import is_timezone
from schemas import CorporateSchema, load_schema


@pytest.fixture(scope="module")
def schema() -> CorporateSchema:
    return load_schema()


def event_input(**overrides: object) -> EventInput:
    base = EventInput(
        name="RSA 2025",
        event_type="tradeshow",
        start=When.of_date(date(2025, 4, 28)),
        end=When.of_date(date(2025, 5, 1)),
        timezone="America/Los_Angeles",
    )
    return replace(base, **overrides)


# ----------------------------------------------------------------- parse_when


def test_parse_when_reads_a_date() -> None:
    when = parse_when("2025-04-28", "Start")

    assert when == When(datetime(2025, 4, 28), has_time=False)
    assert when.isoformat() == "2025-04-28"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04-28T09:30", datetime(2025, 4, 28, 9, 30)),
        ("2025-04-28 09:30", datetime(2025, 4, 28, 9, 30)),
        ("2025-04-28T9:05", datetime(2025, 4, 28, 9, 5)),
        ("2025-04-28T17:45:12", datetime(2025, 4, 28, 17, 45, 12)),
        ("  2025-04-28 17:45:12 ", datetime(2025, 4, 28, 17, 45, 12)),
    ],
)
def test_parse_when_reads_a_date_time(text: str, expected: datetime) -> None:
    when = parse_when(text, "Start")

    assert when.has_time
    assert when.value == expected


def test_date_time_prints_to_the_minute() -> None:
    assert parse_when("2025-04-28T09:30:59", "Start").isoformat() == "2025-04-28T09:30"


@pytest.mark.parametrize(
    "text", ["", "tomorrow", "28.04.2025", "2025-4-28", "2025-04-28T", "2025-04-28T0930"]
)
def test_parse_when_refuses_text_that_is_no_date(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_when(text, "Start")

    assert repr(text) in str(caught.value)
    assert str(caught.value).startswith("Start ")
    assert caught.value.field == "start"


@pytest.mark.parametrize(
    "text", ["2025-02-30", "2025-13-01", "2024-04-31", "2025-04-28T24:00", "2025-04-28T09:61"]
)
def test_parse_when_refuses_impossible_dates_and_times(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_when(text, "End")

    assert repr(text) in str(caught.value)
    assert "not a real date or time" in str(caught.value)
    assert caught.value.field == "end"


def test_leap_day_exists_in_a_leap_year() -> None:
    assert parse_when("2024-02-29", "Start").value == datetime(2024, 2, 29)


# ----------------------------------------------------------------- validate_event


def test_valid_event_is_returned_clean(schema: CorporateSchema) -> None:
    draft = validate_event(
        event_input(name="  RSA \t 2025\n", owner="  Dana   Field ", campaign_id=""), schema
    )

    assert draft.name == "RSA 2025"
    assert draft.owner == "Dana Field"
    assert draft.campaign_id is None
    assert draft.event_type == "tradeshow"
    assert draft.timezone == "America/Los_Angeles"


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_name_is_required(schema: CorporateSchema, name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_event(event_input(name=name), schema)

    assert caught.value.field == "name"


def test_overlong_name_is_refused(schema: CorporateSchema) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_event(event_input(name="x" * 201), schema)

    assert caught.value.field == "name"
    assert validate_event(event_input(name="x" * 200), schema).name == "x" * 200


def test_unknown_type_lists_the_choices(schema: CorporateSchema) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_event(event_input(event_type="expo"), schema)

    message = str(caught.value)
    assert caught.value.field == "event_type"
    assert "'expo'" in message
    for code in schema.event_type_codes():
        assert code in message


def test_type_is_stripped(schema: CorporateSchema) -> None:
    assert validate_event(event_input(event_type=" webcast "), schema).event_type == "webcast"


def test_date_only_end_before_start_is_refused(schema: CorporateSchema) -> None:
    data = event_input(start=parse_when("2025-05-02", "Start"), end=parse_when("2025-05-01", "End"))

    with pytest.raises(ValidationError) as caught:
        validate_event(data, schema)

    assert caught.value.field == "end"


def test_datetime_end_before_start_is_refused(schema: CorporateSchema) -> None:
    data = event_input(
        start=parse_when("2025-05-01T14:00", "Start"), end=parse_when("2025-05-01T13:59", "End")
    )

    with pytest.raises(ValidationError) as caught:
        validate_event(data, schema)

    assert caught.value.field == "end"


def test_mixed_end_on_an_earlier_day_is_refused(schema: CorporateSchema) -> None:
    data = event_input(
        start=parse_when("2025-05-02T09:00", "Start"), end=parse_when("2025-05-01", "End")
    )

    with pytest.raises(ValidationError):
        validate_event(data, schema)


def test_same_day_date_only_end_with_a_timed_start_is_fine(schema: CorporateSchema) -> None:
    start = parse_when("2025-05-01T14:00", "Start")
    end = parse_when("2025-05-01", "End")

    draft = validate_event(event_input(start=start, end=end), schema)

    assert draft.start == start
    assert draft.end == end


def test_end_defaults_to_start(schema: CorporateSchema) -> None:
    start = parse_when("2025-05-01T14:00", "Start")

    draft = validate_event(event_input(start=start, end=None), schema)

    assert draft.end == start


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Europe/berlin ", "../etc/passwd"])
def test_invalid_time_zone_is_refused(schema: CorporateSchema, zone: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_event(event_input(timezone=zone), schema)

    assert caught.value.field == "timezone"
    assert repr(zone) in str(caught.value)


def test_missing_time_zone_defaults_to_a_real_zone(schema: CorporateSchema) -> None:
    draft = validate_event(event_input(timezone=None), schema)
    blank = validate_event(event_input(timezone="  "), schema)

    assert is_timezone(draft.timezone)  # this computer's zone, or UTC
    assert blank.timezone == draft.timezone


@pytest.mark.parametrize(
    ("country", "code"),
    [
        ("Germany", "DE"),
        ("usa", "US"),
        ("United Kingdom", "GB"),
        ("de", "DE"),
        ("  united   states ", "US"),
    ],
)
def test_country_by_name_or_code(schema: CorporateSchema, country: str, code: str) -> None:
    assert validate_event(event_input(country=country), schema).country == code


@pytest.mark.parametrize("country", ["XX", "Atlantis", "Middle Earth"])
def test_unknown_country_is_refused(schema: CorporateSchema, country: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_event(event_input(country=country), schema)

    assert caught.value.field == "country"
    assert repr(country) in str(caught.value)


def test_blank_country_means_none(schema: CorporateSchema) -> None:
    assert validate_event(event_input(country="   "), schema).country is None


@pytest.mark.parametrize(
    ("event_type", "policy"),
    [("tradeshow", "in-person"), ("webcast", "webcast"), ("partner", "third-party")],
)
def test_sla_policy_defaults_to_the_types_policy(
    schema: CorporateSchema, event_type: str, policy: str
) -> None:
    assert validate_event(event_input(event_type=event_type), schema).sla_policy == policy


def test_explicit_sla_policy_is_kept(schema: CorporateSchema) -> None:
    draft = validate_event(event_input(event_type="tradeshow", sla_policy="webcast"), schema)

    assert draft.sla_policy == "webcast"


def test_explicit_unknown_sla_policy_is_refused(schema: CorporateSchema) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_event(event_input(sla_policy="overnight"), schema)

    assert caught.value.field == "sla_policy"
    assert "'overnight'" in str(caught.value)
