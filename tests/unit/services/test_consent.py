"""Consent provenance: for every lead, the file, rows, column, raw value and time it came from."""

from __future__ import annotations

from datetime import datetime

from intake_app.services import consent
from intake_app.services.duplicates import DuplicateService
from intake_app.services.leads import LeadGridService, LeadService
from tests.unit.helpers import import_text

LIST = (
    "Badge Export\n"
    "\n"
    "Email,First Name,Company,GDPR Consent,Unsubscribed,Consent Text\n"
    "ann@example.com,Ann,Acme,Yes,,I agree to hear from Acme\n"
    "bob@example.com,Bob,Globex,Yes,yes,\n"
    "ann@example.com,Ann,Acme,,,\n"
)


def by_name(ctx, event_id):
    leads = LeadService(ctx).for_event(event_id, with_consent=True)
    return {lead.values["first_name"]: lead for lead in leads}


def test_each_lead_says_where_its_consent_came_from(ctx, make_event, tmp_path):
    event = make_event()
    summary = import_text(ctx, event.id, tmp_path, "badges.csv", LIST)
    leads = by_name(ctx, event.id)

    ann = leads["Ann"]
    assert ann.values["consent"] == "opted_in"
    first, second = ann.consent_provenance["sources"]  # two rows folded into one lead
    assert (first["file"], first["rows"]) == ("badges.csv", [4])
    assert first["batch_id"] == summary.batch_id
    assert first["values"] == [
        {"field": "consent", "column": "GDPR Consent", "raw": "Yes"},
        {"field": "opt_out", "column": "Unsubscribed", "raw": ""},  # the cell as read
        {"field": "consent_text", "column": "Consent Text", "raw": "I agree to hear from Acme"},
    ]
    assert second["rows"] == [6] and second["values"][0]["raw"] == ""
    assert datetime.fromisoformat(first["imported_at"]).tzinfo is not None
    assert first["imported_by"] == "tester"

    bob = leads["Bob"]  # "Unsubscribed = yes" wins over the opt-in: the evidence says why
    assert bob.values["consent"] == "opted_out"
    [source] = bob.consent_provenance["sources"]
    assert {v["column"]: v["raw"] for v in source["values"]}["Unsubscribed"] == "yes"
    lines = consent.describe(bob.consent_provenance)
    assert lines == [
        "badges.csv, row 5: column “GDPR Consent” = “Yes”; column “Unsubscribed” = “yes”"
        " (opt_out); column “Consent Text” = “” (consent_text); imported "
        f"{source['imported_at'][:16].replace('T', ' ')} UTC by tester"
    ]
    # Without a consent column the evidence says so instead of guessing.
    other = make_event(name="Plain list")
    import_text(ctx, other.id, tmp_path, "plain.csv", "Email,First Name\ncy@example.com,Cy\n")
    [plain] = by_name(ctx, other.id)["Cy"].consent_provenance["sources"]
    assert plain["values"] == []
    assert "no consent column" in consent.describe({"sources": [plain]})[0]


def test_hand_edits_and_merges_keep_the_evidence_right(ctx, make_event, tmp_path):
    event = make_event()
    import_text(ctx, event.id, tmp_path, "badges.csv", LIST)
    ann = by_name(ctx, event.id)["Ann"]
    LeadGridService(ctx).update([ann.id], "consent", "opted out", reason="asked at the booth")
    ann = by_name(ctx, event.id)["Ann"]
    [change] = ann.consent_provenance["changes"]
    assert (change["field"], change["from"], change["to"]) == ("consent", "opted_in", "opted_out")
    assert change["reason"] == "asked at the booth" and change["user"] == "tester"

    # A second list for the event adds its rows to the same lead, with their own time.
    import_text(
        ctx, event.id, tmp_path, "day2.csv", "Email,First Name,Permission\nann@example.com,Ann,no\n"
    )
    ann = by_name(ctx, event.id)["Ann"]
    assert [s["file"] for s in ann.consent_provenance["sources"]] == [
        "badges.csv", "badges.csv", "day2.csv",
    ]  # fmt: skip
    assert ann.consent_provenance["sources"][2]["values"] == [
        {"field": "consent", "column": "Permission", "raw": "no"}
    ]

    # Merged leads carry both leads' rows; the details pane reads the same.
    bob = by_name(ctx, event.id)["Bob"]
    with ctx.db.write() as session:
        DuplicateService.propose(session, ann.id, bob.id, 0.8, ["test"], event.id)
    [pair] = DuplicateService(ctx).pending(event.id)
    DuplicateService(ctx).merge(pair.id)
    record, _history = LeadGridService(ctx).details(ann.id)
    assert record.consent_provenance is not None
    # In the order they were imported: badges.csv's rows 4, 6 (Ann) and 5 (Bob), then day2.csv.
    assert [s["rows"] for s in record.consent_provenance["sources"]] == [[4], [6], [5], [2]]


def test_leads_json_carries_the_provenance(ctx, make_event, tmp_path):
    event = make_event()
    import_text(ctx, event.id, tmp_path, "badges.csv", LIST)
    plain = LeadService(ctx).for_event(event.id)
    assert "consent_provenance" not in plain[0].to_json()  # exports do not pay for it
    data = LeadService(ctx).for_event(event.id, with_consent=True)[0].to_json()
    assert data["consent_provenance"]["sources"][0]["file"] == "badges.csv"
