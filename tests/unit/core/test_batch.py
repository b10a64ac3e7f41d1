from __future__ import annotations

import pytest

from importers.base import Cancelled, CancelToken, MappedRecord
from intake_app.core.batch import plan_batch
from intake_app.core.lead_values import clean_text, email_key, first_pass, is_shared_mailbox, screen
from schemas import load_schema


@pytest.fixture(scope="module")
def schema():
    return load_schema()


def rec(rows, **fields) -> MappedRecord:
    rows = (rows,) if isinstance(rows, int) else tuple(rows)
    extra = fields.pop("extra", {})
    return MappedRecord(row_numbers=rows, fields=fields, extra=extra)


# ----------------------------------------------------------------- first pass


def test_clean_text_drops_invisible_characters_and_folds_spaces():
    assert clean_text("\ufeff  Ada\u00a0\u200b Lovelace \t") == "Ada Lovelace"


@pytest.mark.parametrize(
    "raw",
    [
        "Gr\u200bace Hop\u200cper",  # zero-width space, non-joiner
        "Gra\u200dce Hopper\u2060\ufeff",  # zero-width joiner, word joiner, BOM
        "Gra\u00adce Hop\u00adper",  # soft hyphens
        "\u202eGrace Hopper\u202c",  # a right-to-left override (shows the name reversed)
        "\u2066Grace\u2069 Hopper\u200f",  # bidirectional isolates and marks
        "Grace\x1b[2J Hopper",  # a terminal escape (clears the screen)
        "Grace\x00\x07 Hopper\x7f\x9b",  # NUL, bell, delete, a C1 control
    ],
)
def test_clean_text_drops_every_invisible_or_control_character(raw):
    expected = "Grace Hopper" if "[2J" not in raw else "Grace[2J Hopper"
    assert clean_text(raw) == expected


def test_clean_text_keeps_tabs_and_line_breaks_as_spaces():
    assert clean_text("Grace\tHopper\r\nNavy") == "Grace Hopper Navy"


def test_names_emails_and_companies_with_zero_width_characters_match_their_clean_twin(schema):
    laced = first_pass(
        {"first_name": "Gr\u200bace", "last_name": "Hop\u200cper\u2060",
         "email": "gra\u200dce.hop\ufeffper@na\u200bvy.example",
         "company": "\ufeffNavy\u2060 Labs"},
        schema,
    )  # fmt: skip
    clean = first_pass(
        {"first_name": "Grace", "last_name": "Hopper", "email": "grace.hopper@navy.example",
         "company": "Navy Labs"},
        schema,
    )  # fmt: skip
    assert laced.columns == clean.columns
    assert laced.raw["first_name"] == "Gr\u200bace"  # the value as read is kept
    assert email_key(laced.columns["email"]) == email_key("grace.hopper@navy.example")


def test_email_is_validated_and_lower_cased(schema):
    done = first_pass({"email": " Ada.Lovelace@Example.COM "}, schema)
    assert done.columns["email"] == "ada.lovelace@example.com"
    assert done.raw["email"] == " Ada.Lovelace@Example.COM "
    assert done.issues == []


def test_an_invalid_email_is_an_issue_and_the_raw_value_is_kept(schema):
    done = first_pass({"email": "ada(at)example.com"}, schema)
    assert "email" not in done.columns
    assert done.raw["email"] == "ada(at)example.com"
    [issue] = done.issues
    assert (issue.field, issue.code, issue.severity) == ("email", "invalid_email", "error")


def test_country_names_become_codes_and_unknown_ones_are_flagged(schema):
    assert first_pass({"country": "Deutschland"}, schema).columns["country"] == "DE"
    unknown = first_pass({"country": "Atlantis"}, schema)
    assert "country" not in unknown.columns
    assert unknown.issues[0].code == "unknown_country"


def test_picklists_take_only_known_values(schema):
    done = first_pass({"industry": "banking", "job_level": "Chief Wizard"}, schema)
    assert done.columns["industry"] == "Banking"
    assert "job_level" not in done.columns
    assert [issue.code for issue in done.issues] == ["not_in_picklist"]


def test_import_targets_go_to_extra_not_columns(schema):
    done = first_pass({"minutes_attended": "52", "rating": "Hot", "first_name": "Ada"}, schema)
    assert done.extra == {"minutes_attended": "52", "rating": "Hot"}
    assert set(done.columns) == {"first_name", "engagement_level", "engagement_detail"}
    # No kind of list given: minutes alone read as a webcast without a known length.
    assert done.columns["engagement_level"] == "Medium"


def test_overlong_text_is_cut_with_an_issue(schema):
    done = first_pass({"postal_code": "9" * 60}, schema)
    assert len(done.columns["postal_code"]) == 40
    assert done.issues[0].code == "too_long"


@pytest.mark.parametrize(
    ("email", "shared"),
    [("info@acme.example", True), ("Sales@ACME.example", True), ("ada@acme.example", False),
     ("", False), ("not-an-email", False)],
)  # fmt: skip
def test_shared_mailboxes(email, shared):
    assert is_shared_mailbox(email) is shared


def test_email_key_folds_case():
    assert email_key("  ADA@Example.com ") == "ada@example.com"
    assert email_key("") is None


# ----------------------------------------------------------------- not a lead


@pytest.mark.parametrize(
    ("columns", "raw", "reason"),
    [
        ({"email": "ada@example.com"}, {"notes": "VOID"}, "VOID scan"),
        ({"first_name": "Test", "email": "t@example.com"}, {}, "test registration"),
        ({"email": "test@example.com"}, {}, "test registration"),
        ({"first_name": "Zoom Room", "last_name": "Boston"}, {}, "room or call-in device"),
        ({"first_name": "Ada"}, {}, "neither a usable e-mail nor a usable phone"),
        ({"first_name": "Ada", "phone": "12"}, {}, "neither a usable e-mail nor a usable phone"),
    ],
)
def test_screen_rejects_what_is_not_a_lead(columns, raw, reason):
    assert screen(columns, raw) == reason


def test_screen_accepts_phone_only_and_email_only_people():
    assert screen({"first_name": "Ada", "phone": "+1 415 555 0123"}, {}) is None
    assert screen({"email": "ada@example.com"}, {}) is None


# ----------------------------------------------------------------- the plan


def test_rows_of_one_person_fold_into_one_lead_keeping_every_row(schema):
    plan = plan_batch(
        [
            rec(5, email="Ada@Example.com", first_name="Ada"),
            rec(6, email="bob@example.com", first_name="Bob"),
            rec(9, email="ada@example.com", company="Analytical Engines", extra={"Booth": "7"}),
        ],
        schema,
        lead_source="Tradeshow",
    )
    assert plan.records == 3
    assert plan.duplicates_in_file == 1
    assert [lead.row_numbers for lead in plan.leads] == [[5, 9], [6]]
    ada = plan.leads[0]
    assert ada.columns["first_name"] == "Ada"
    assert ada.columns["company"] == "Analytical Engines"  # non-empty beats empty
    assert ada.columns["lead_source"] == "Tradeshow"
    assert ada.unmapped == {"Booth": "7"}


def test_a_shared_mailbox_never_folds_two_people(schema):
    plan = plan_batch(
        [rec(2, email="info@acme.example", first_name="Ann"),
         rec(3, email="info@acme.example", first_name="Ben")],
        schema,
    )  # fmt: skip
    assert len(plan.leads) == 2
    assert plan.duplicates_in_file == 0
    assert all(lead.key is None for lead in plan.leads)


def test_rejections_are_counted_by_reason(schema):
    plan = plan_batch(
        [rec(2, first_name="Nobody"), rec(3, email="x@example.com", notes="VOID"),
         rec(4, first_name="Walk-in")],
        schema,
    )  # fmt: skip
    assert plan.leads == []
    assert plan.rejected_reasons() == {
        "neither a usable e-mail nor a usable phone": 2,
        "VOID scan": 1,
    }


def test_flagged_counts_leads_with_issues(schema):
    plan = plan_batch(
        [rec(2, email="a@example.com", country="Atlantis"), rec(3, email="b@example.com")], schema
    )
    assert plan.flagged == 1


def test_cancel_stops_the_plan(schema):
    token = CancelToken()
    records = (rec(n, email=f"p{n}@example.com") for n in range(1, 10_000))

    def progress(done, _total):
        if done >= 2000:
            token.cancel()

    with pytest.raises(Cancelled):
        plan_batch(records, schema, progress=progress, cancel=token)


@pytest.mark.parametrize(
    ("fields", "consent"),
    [
        ({"consent": "Yes"}, "opted_in"),
        ({"consent": "opted-out"}, "opted_out"),
        ({"opt_out": "TRUE"}, "opted_out"),
        ({"consent": "yes", "opt_out": "1"}, "opted_out"),  # an opt-out wins
        ({"opt_out": "false"}, None),  # not opted out is not an opt-in
    ],
)
def test_consent_from_consent_and_unsubscribe_columns(schema, fields, consent):
    assert first_pass(fields, schema).columns.get("consent") == consent
