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

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from intake_app.core.geo import lookup_country
from intake_app.core.issues import Issue
from schemas import CorporateSchema

# Zero-width characters and the byte-order mark, which spreadsheets leave in cells.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)

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
    """Trim, drop invisible characters, turn NBSP and other spaces into one plain space."""
    text = unicodedata.normalize("NFC", value.translate(_INVISIBLE))
    return " ".join(text.split())


def email_key(email: str | None) -> str | None:
    """The matching key of an e-mail address: trimmed and case-folded."""
    if not email:
        return None
    key = clean_text(email).casefold()
    return key or None


def phone_key(phone: str | None, country: str | None = None) -> str | None:
    """The matching key of a phone number: E.164 where it parses, else its digits.

    ``country`` (ISO alpha-2) is the region for numbers written without a
    country code. Fewer than six digits is no key at all.
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


def _email(value: str, result: FirstPass) -> None:
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        result.issues.append(Issue("email", "invalid_email", "error", f"E-mail {value!r}: {exc}"))
        return
    result.columns["email"] = checked.normalized.casefold()


def _picklist(name: str, value: str, schema: CorporateSchema, result: FirstPass) -> None:
    spec = next((s for s in schema.fields if s.name == name), None)
    allowed = schema.picklists.get(spec.picklist or "", ()) if spec else ()
    match = next((option for option in allowed if option.casefold() == value.casefold()), None)
    if match:
        result.columns[name] = match
    else:
        result.issues.append(
            Issue(name, "not_in_picklist", "warning", f"{value!r} is not a {name} value yet")
        )


def first_pass(fields: dict[str, str], schema: CorporateSchema) -> FirstPass:
    """Clean one mapped record (target name -> text) into lead columns and raw values."""
    result = FirstPass()
    lead_fields = set(schema.field_names())
    for name, value in fields.items():
        text = clean_text(value)
        if not text:
            continue
        result.raw[name] = value
        if name not in lead_fields:
            result.extra[name] = text  # import targets: minutes, rating, ... for later rules
        elif name == "email":
            _email(text, result)
        elif name == "country":
            code = lookup_country(text)
            if code:
                result.columns["country"] = code
            else:
                result.issues.append(
                    Issue("country", "unknown_country", "warning", f"Unknown country {text!r}")
                )
        elif name in PICKLIST_COLUMNS:
            _picklist(name, text, schema, result)
        elif name in TEXT_COLUMNS:
            limit = TEXT_COLUMNS[name]
            if len(text) > limit:
                result.issues.append(
                    Issue(name, "too_long", "warning", f"Cut to {limit} characters")
                )
            result.columns[name] = text[:limit]
        else:
            # state, engagement, consent...: the normaliser decides; raw is kept.
            continue
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
    if any(len(value) < 16 and clean_text(value).upper() == "VOID" for value in raw.values()):
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
