"""The first pass over a mapped record: text cleaned, certain values stored, the rest kept raw.

This pass only writes a value into a constrained lead column (country code,
picklists, e-mail) when it is certain; every value as read stays in
``raw_fields``, so the full normaliser can run over stored leads later without
re-reading the file. What is doubtful becomes an :class:`Issue`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import phonenumbers

from intake_app.core.compiled import compiled
from intake_app.core.engagement import ListContext, derive_engagement
from intake_app.core.issues import Issue
from intake_app.core.normalise.contact import (
    Normalised,
    normalise_country,
    normalise_email,
    normalise_phone,
    normalise_postal_code,
    normalise_state,
    normalise_website,
)
from intake_app.core.normalise.invisible import DROP_INVISIBLE
from intake_app.core.normalise.people import classify_title, fold, name_case
from intake_app.core.normalise.picklists import match_picklist
from schemas import CorporateSchema

# Role addresses: several people read them, so they never identify one person.
SHARED_MAILBOXES = frozenset(
    [
        "info",
        "sales",
        "marketing",
        "contact",
        "contacts",
        "admin",
        "office",
        "hello",
        "support",
        "events",
        "event",
        "team",
        "noreply",
        "no-reply",
        "enquiries",
        "inquiries",
        "help",
        "service",
        "mail",
        "webmaster",
        "hr",
        "jobs",
        "careers",
        "billing",
        "accounts",
        "finance",
        "reception",
    ]
)

# Lead columns and their stored width (see intake_app.db.models.Lead).
TEXT_COLUMNS = {
    "first_name": 255, "last_name": 255, "company": 255, "job_title": 255, "city": 255,
    "street": 255, "website": 255, "postal_code": 40, "phone": 40, "phone_ext": 40,
    "mobile_phone": 40, "engagement_detail": 100_000, "consent_text": 100_000,
    "notes": 100_000,
}  # fmt: skip
PICKLIST_COLUMNS = ("job_level", "job_function", "industry", "lead_source")


def clean_text(value: str) -> str:
    """Trim, drop invisible and control characters, turn NBSP and other spaces into one space.

    The characters dropped are :data:`~intake_app.core.normalise.invisible.INVISIBLE`
    (zero-width spaces and joiners, byte-order marks, bidirectional controls, soft
    hyphens, control characters), so a name with a zero-width space matches its twin.
    """
    if value.isascii():  # most cells: no invisible characters, nothing to compose
        if value.isprintable() and "  " not in value and value.strip() == value:
            return value
        return " ".join(value.translate(DROP_INVISIBLE).split())
    text = unicodedata.normalize("NFC", value.translate(DROP_INVISIBLE))
    return " ".join(text.split())


def email_key(email: str | None) -> str | None:
    """The matching key of an e-mail address: trimmed and case-folded."""
    if not email:
        return None
    key = clean_text(email).casefold()
    return key or None


@lru_cache(maxsize=16384)
def phone_key(phone: str | None, country: str | None = None) -> str | None:
    """The matching key of a phone number: E.164 where it parses, else its digits.

    ``country`` (ISO alpha-2) is the region for numbers written without a
    country code. Fewer than six digits is no key at all. Cached: a list repeats
    a person's (and a switchboard's) number, and the key depends on nothing else.
    """
    if not phone:
        return None
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) < 6:
        return None
    try:
        number = phonenumbers.parse(phone, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return digits
    if phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return digits


def is_shared_mailbox(email: str | None) -> bool:
    key = email_key(email)
    if not key or "@" not in key:
        return False
    return key.split("@", 1)[0] in SHARED_MAILBOXES


@dataclass
class FirstPass:
    """Values for the lead's columns, the raw values, extras and issues of one record."""

    columns: dict[str, str] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


# An "Unsubscribed" / "Email Opt Out" cell that says yes.
_OPT_OUT_YES = frozenset(
    {"yes", "y", "true", "1", "x", "ja", "oui", "si", "unsubscribed", "opted out", "opt out"}
)


@dataclass(frozen=True)
class RecordContext:
    """What a record's values are read against: the event's country and the kind of list."""

    default_country: str | None = None  # the event's country: the region of bare phone numbers
    list: ListContext = field(default_factory=lambda: ListContext(None))


# How first_pass reads a mapped value, by target name.
_EXTRA, _NAME, _EMAIL, _PHONE, _STATE, _POSTAL_CODE, _WEBSITE, _PICKLIST, _TEXT, _OTHER = range(10)


class _SchemaFields:
    """What :func:`first_pass` looks up in a schema for every record, found once per schema."""

    def __init__(self, schema: CorporateSchema) -> None:
        self.lead_fields = frozenset(schema.field_names())
        picklists: dict[str, str] = {}
        for spec in reversed(schema.fields):  # the first spec of a name wins, as next() did
            picklists[spec.name] = spec.picklist or spec.name
        self.picklists = picklists

        self.kinds: dict[str, int] = {}

    def kind(self, name: str) -> int:
        """How :func:`first_pass` reads a value mapped to ``name`` (remembered per name)."""
        if name not in self.lead_fields:
            kind = _EXTRA
        elif name in ("first_name", "last_name"):
            kind = _NAME
        elif name == "email":
            kind = _EMAIL
        elif name in ("phone", "mobile_phone"):
            kind = _PHONE
        elif name == "state":
            kind = _STATE
        elif name == "postal_code":
            kind = _POSTAL_CODE
        elif name == "website":
            kind = _WEBSITE
        elif name in PICKLIST_COLUMNS or name == "consent":
            kind = _PICKLIST
        elif name in TEXT_COLUMNS:
            kind = _TEXT
        else:
            kind = _OTHER  # country is read first; engagement_level and consent_at after
        if len(self.kinds) < 4096:  # names are the schema's targets; the bound is a guard
            self.kinds[name] = kind
        return kind

    def picklist(self, name: str) -> str:
        """The picklist a field's values come from: its own name unless the schema says."""
        return self.picklists.get(name, name)


def _schema_fields(schema: CorporateSchema) -> _SchemaFields:
    return compiled(schema, _SchemaFields)


def _picklist(name: str, value: str, schema: CorporateSchema, result: FirstPass) -> None:
    picklist = _schema_fields(schema).picklist(name)
    match = match_picklist(schema, picklist, value)
    if match.value is not None:
        result.columns[name] = match.value
        if match.how == "fuzzy":
            result.issues.append(
                Issue(name, "picklist_near_match", "info", f"{value!r} was read as {match.value!r}")
            )
        return
    hint = (
        f"; did you mean {' or '.join(map(repr, match.suggestions))}?" if match.suggestions else ""
    )
    result.issues.append(
        Issue(name, "not_in_picklist", "warning", f"{value!r} is not a {name} value{hint}")
    )


def _take(name: str, found: Normalised, result: FirstPass) -> None:
    result.issues.extend(found.issues)
    if found.value is None:
        return
    limit = TEXT_COLUMNS.get(name)
    if limit is not None and len(found.value) > limit:
        result.issues.append(Issue(name, "too_long", "warning", f"Cut to {limit} characters"))
    result.columns[name] = found.value[:limit] if limit else found.value


def _text(name: str, text: str, result: FirstPass) -> None:
    limit = TEXT_COLUMNS[name]
    if len(text) > limit:
        result.issues.append(Issue(name, "too_long", "warning", f"Cut to {limit} characters"))
    result.columns[name] = text[:limit]


def first_pass(
    fields: dict[str, str], schema: CorporateSchema, context: RecordContext | None = None
) -> FirstPass:
    """Normalise one mapped record (target name -> text) into lead columns and raw values.

    Every value as read is kept in ``raw``; a column gets a value only when the
    normaliser is sure of it, and every doubt becomes an issue. Job level and
    function come from the title when the file does not give them; the engagement
    level from the schema's rules for this kind of list.
    """
    context = context or RecordContext()
    result = FirstPass()
    fields_of = _schema_fields(schema)
    texts: dict[str, str] = {}
    for name, value in fields.items():
        text = clean_text(value)
        if text:
            texts[name] = text
            result.raw[name] = value
    if "country" in texts:
        _take("country", normalise_country(texts["country"]), result)
    country = result.columns.get("country") or context.default_country
    kinds = fields_of.kinds
    for name, text in texts.items():
        kind = kinds.get(name)
        if kind is None:
            kind = fields_of.kind(name)
        if kind == _EXTRA:
            result.extra[name] = text  # import targets: minutes, rating, ... for the rules
        elif kind == _NAME:
            _text(name, name_case(text, last_name=name == "last_name"), result)
        elif kind == _EMAIL:
            _take("email", normalise_email(text), result)
        elif kind == _PHONE:
            found = normalise_phone(text, country)
            _take(name, found if name == "phone" else found.for_field(name), result)
            extension = found.extra.get("phone_ext")
            if extension and name == "phone" and "phone_ext" not in texts:
                result.columns["phone_ext"] = extension
        elif kind == _STATE:
            _take("state", normalise_state(text, result.columns.get("country")), result)
        elif kind == _POSTAL_CODE:
            _take("postal_code", normalise_postal_code(text, country), result)
        elif kind == _WEBSITE:
            _take("website", normalise_website(text), result)
        elif kind == _PICKLIST:
            _picklist(name, text, schema, result)
        elif kind == _TEXT:
            _text(name, text, result)
        # country was read first; engagement_level and consent_at are read below.
    title = texts.get("job_title")
    if title and not ("job_level" in result.columns and "job_function" in result.columns):
        found_title = classify_title(title, schema.title_rules)
        if found_title is not None:
            result.columns.setdefault("job_level", found_title.level)
            result.columns.setdefault("job_function", found_title.function)
            result.extra["title_rule"] = found_title.reason
    opt_out = texts.get("opt_out")
    if opt_out and fold(opt_out) in _OPT_OUT_YES:
        result.columns["consent"] = "opted_out"  # an opt-out wins over any opt-in
    engagement = derive_engagement(texts, context.list, schema.engagement_rules)
    result.columns["engagement_level"] = engagement.level
    result.columns["engagement_detail"] = engagement.detail
    return result


# ------------------------------------------------------------------ not a lead

_TEST_WORDS = frozenset({"test", "testing", "tester", "dummy", "asdf", "xxx"})
_DEVICE = re.compile(
    r"\b(conference room|meeting room|board ?room|zoom room|polycom|call-?in user|"
    r"dial-?in|phone user|teams room|webex (room|device))\b",
    re.IGNORECASE,
)


def screen(columns: dict[str, str], raw: dict[str, str]) -> str | None:
    """Why a record is not a lead, or None when it is one (DESIGN §4 "Not a lead")."""
    for value in raw.values():  # a loop, not any(): this runs for every value of every record
        if len(value) < 16 and value.strip().upper() == "VOID":
            return "VOID scan"
    names = [columns.get("first_name", ""), columns.get("last_name", ""), raw.get("full_name", "")]
    email = columns.get("email", "")
    local = email.split("@", 1)[0] if email else ""
    if any(name.casefold() in _TEST_WORDS for name in names if name) or local in _TEST_WORDS:
        return "test registration"
    display = " ".join(part for part in names if part)
    if display and _DEVICE.search(display):
        return "room or call-in device"
    phone = columns.get("phone") or columns.get("mobile_phone")
    if not email and not (phone and sum(ch.isdigit() for ch in phone) >= 6):
        return "neither a usable e-mail nor a usable phone"
    return None
