"""Rules for an event: what a valid event is, whatever shell (CLI or GUI) created it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from intake_app.core.errors import ValidationError
from intake_app.core.geo import is_timezone, local_timezone_name, lookup_country
from schemas import CorporateSchema

NAME_MAX = 200
_WHEN = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{1,2}:\d{2}(?::\d{2})?))?$")


@dataclass(frozen=True)
class When:
    """A local date, or a local date and time, in the event's time zone."""

    value: datetime
    has_time: bool

    @classmethod
    def of_date(cls, day: date) -> When:
        return cls(datetime(day.year, day.month, day.day), has_time=False)

    def isoformat(self) -> str:
        if self.has_time:
            return self.value.isoformat(timespec="minutes")
        return self.value.date().isoformat()


def parse_when(text: str, label: str) -> When:
    """Read ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM[:SS]``.

    Raises:
        ValidationError: the text is neither, or names a day that does not exist.
    """
    match = _WHEN.match(text.strip())
    if not match:
        raise ValidationError(
            f"{label} {text!r} is not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM).",
            field=label.lower(),
        )
    try:
        day = date.fromisoformat(match.group(1))
        if match.group(2) is None:
            return When.of_date(day)
        clock = match.group(2)
        hour, minute, *rest = (int(part) for part in clock.split(":"))
        second = rest[0] if rest else 0
        return When(datetime(day.year, day.month, day.day, hour, minute, second), has_time=True)
    except ValueError as exc:
        raise ValidationError(
            f"{label} {text!r} is not a real date or time.", label.lower()
        ) from exc


@dataclass(frozen=True)
class EventInput:
    """An event as typed by a person; validate it with :func:`validate_event`."""

    name: str
    event_type: str
    start: When
    end: When | None = None
    timezone: str | None = None
    country: str | None = None
    owner: str | None = None
    ops_owner: str | None = None
    campaign_id: str | None = None
    sla_policy: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class EventDraft:
    """A validated event, ready to store."""

    name: str
    event_type: str
    start: When
    end: When
    timezone: str
    country: str | None
    owner: str | None
    ops_owner: str | None
    campaign_id: str | None
    sla_policy: str
    description: str | None = field(default=None)


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    folded = " ".join(text.split())
    return folded or None


def validate_event(data: EventInput, schema: CorporateSchema) -> EventDraft:
    """Check an event against the rules and the schema; return it cleaned.

    Raises:
        ValidationError: the first rule broken, naming the field.
    """
    name = _clean(data.name)
    if not name:
        raise ValidationError("The event needs a name.", field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(f"The event name is longer than {NAME_MAX} characters.", "name")

    event_type = schema.event_type(data.event_type.strip())
    if event_type is None:
        choices = ", ".join(schema.event_type_codes())
        raise ValidationError(
            f"Event type {data.event_type!r} is not one of: {choices}.", field="event_type"
        )

    end = data.end or data.start
    if end.has_time and data.start.has_time:
        if end.value < data.start.value:
            raise ValidationError("The event ends before it starts.", field="end")
    elif end.value.date() < data.start.value.date():
        raise ValidationError("The event ends before it starts.", field="end")

    timezone = (data.timezone or "").strip() or local_timezone_name()
    if not is_timezone(timezone):
        raise ValidationError(
            f"Time zone {data.timezone!r} is not an IANA time zone such as Europe/Berlin.",
            field="timezone",
        )

    country = None
    if _clean(data.country):
        country = lookup_country(data.country or "")
        if country is None:
            raise ValidationError(
                f"Country {data.country!r} is not a country name or ISO code.", field="country"
            )

    policy = (data.sla_policy or "").strip() or event_type.sla_policy
    if schema.sla_policy(policy) is None:
        raise ValidationError(f"SLA policy {policy!r} is not defined.", field="sla_policy")

    return EventDraft(
        name=name,
        event_type=event_type.code,
        start=data.start,
        end=end,
        timezone=timezone,
        country=country,
        owner=_clean(data.owner),
        ops_owner=_clean(data.ops_owner),
        campaign_id=_clean(data.campaign_id),
        sla_policy=policy,
        description=(data.description or "").strip() or None,
    )
