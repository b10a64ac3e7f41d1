"""Every supported layout is recognised, and only real lead rows become records."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.mapping import map_record
from importers.profiles import AUTO_PROFILE_MIN, list_profiles

LAYOUTS = Path(__file__).resolve().parents[2] / "data" / "layouts"

# file, profile, the lead rows (first row of each record) and who they are.
EXPECTED = [
    ("badge_scan_allcaps.csv", "badge_scan", [2, 3, 4]),
    ("camcard.csv", "camcard", [2, 3, 4]),
    ("cvent_registration.csv", "cvent_registration", [6, 7, 8, 9]),
    ("eventbrite_attendees.csv", "eventbrite_attendee", [2, 3, 4, 5]),
    ("gotowebinar_attendee.csv", "gotowebinar_attendee", [8, 9, 10]),
    ("hubspot_shaped.csv", "hubspot_shaped", [2, 3]),
    ("linkedin_leadgen.csv", "linkedin_leadgen", [2, 3]),
    ("marketo_shaped.csv", "marketo_shaped", [2, 3]),
    ("on24_attendees.csv", "on24_attendee", [7, 8, 9]),
    ("salesforce_shaped.csv", "salesforce_shaped", [2, 3]),
    ("swapcard_leads.csv", "swapcard_leads", [2, 3, 4]),
    ("teams_attendance.tsv", "teams_attendance", [12, 13, 14]),
    ("teams_attendance_legacy.tsv", "teams_attendance_legacy", [9, 10]),
    ("intake_generic.csv", "intake_generic", [2, 3, 4, 5]),
    ("webex_attendance.csv", "webex_attendance", [7, 9]),
    ("webex_registration.csv", "webex_registration", [2, 3, 4]),
    ("zoom_meeting_participants.csv", "zoom_meeting_participants", [6, 8, 9]),
    ("zoom_webinar_attendee.csv", "zoom_webinar_attendee", [13, 15, 16]),
    ("zoom_webinar_registration.csv", "zoom_webinar_registration", [7, 8, 9]),
]
HOSTS_AND_PANELISTS = {
    "dana.field@example.com",
    "priya.raman@example.org",
    "katherine.johnson@example.com",  # upgraded to panelist
}


@pytest.mark.parametrize(("name", "profile", "rows"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_each_layout_is_recognised_and_yields_only_its_leads(load, name, profile, rows):
    prepared = load(LAYOUTS / name)
    assert prepared.match is not None, prepared.matches[:3]
    assert prepared.match.name == profile
    assert prepared.match.confidence >= AUTO_PROFILE_MIN
    # The runner-up is clearly behind: the layouts do not blur into each other.
    others = [m for m in prepared.matches if m.name != profile]
    assert not others or others[0].confidence < prepared.match.confidence
    assert [record.row_numbers[0] for record in prepared.table.records] == rows
    emails = {
        map_record(record, prepared.mappings).fields.get("email", "").casefold()
        for record in prepared.table.records
    }
    assert not emails & HOSTS_AND_PANELISTS


def test_every_bundled_profile_has_a_fixture():
    covered = {profile for _, profile, _ in EXPECTED}
    assert covered == {profile.name for profile in list_profiles()}


def test_zoom_webinar_sections_rejoins_and_session_facts(load):
    prepared = load(LAYOUTS / "zoom_webinar_attendee.csv")
    table = prepared.table
    skipped = {s.row_numbers[0]: s.reason for s in table.skipped}
    assert skipped[5] == "section title" and skipped[6] == "header"
    assert skipped[7] == "host"
    assert skipped[10] == "panelist"
    assert skipped[17] == "panelist"  # an attendee upgraded to panelist
    assert skipped[20] == "joined without registering (no email)"
    ada = table.records[0]
    assert ada.row_numbers == (13, 14)
    assert ada.values["Time in Session (minutes)"] == "57"  # 30 + 27 minutes
    assert ada.values["Join Time"] == "Mar 12, 2025 10:01:44"
    assert ada.values["Leave Time"] == "Mar 12, 2025 11:02:00"
    assert ada.values["Registration Time"] == "Mar 01, 2025 14:22:09"
    assert table.session["duration_minutes"] == 62
    assert table.session["actual_start"] == "Mar 12, 2025 10:00 AM"
    assert ada.section == "Attendee Details"


def test_teams_takes_participants_only_and_reads_the_summary(load):
    table = load(LAYOUTS / "teams_attendance.tsv").table
    reasons = {s.reason for s in table.skipped}
    assert {"host", "presenter", "in-meeting activity (one row per join)"} <= reasons
    assert table.session["duration_minutes"] == 64.17
    assert table.session["topic"] == "Quarterly partner webinar"


def test_gotowebinar_keeps_the_interest_rating_and_skips_panelists(load):
    prepared = load(LAYOUTS / "gotowebinar_attendee.csv")
    targets = {m.source: m.target for m in prepared.mappings}
    assert targets["Interest Rating"] == "interest_score"
    assert targets["Time in Session"] == "minutes_attended"
    assert prepared.table.session["duration_minutes"] == 58
    assert {s.row_numbers[0]: s.reason for s in prepared.table.skipped}[14] == "panelist"


def test_a_title_block_list_of_unknown_origin_is_read_without_a_profile(load):
    prepared = load(LAYOUTS / "title_block_generic.csv")
    assert prepared.match is None
    assert prepared.table.header_row == 4
    targets = {m.source: m.target for m in prepared.mappings}
    assert targets["Contact"] == "full_name"
    assert targets["E-mail"] == "email"
    assert targets["Tel."] == "phone"
    assert {s.row_numbers[0]: s.reason for s in prepared.table.skipped}[8] == "footer"
    names = [map_record(r, prepared.mappings).fields for r in prepared.table.records]
    assert (names[1]["first_name"], names[1]["last_name"]) == ("Aiko", "Nakamura")


def test_a_profile_can_be_forced_or_turned_off(load):
    forced = load(LAYOUTS / "swapcard_leads.csv", profile="badge_scan")
    assert forced.match is not None and forced.match.name == "badge_scan"
    assert forced.match.confidence < AUTO_PROFILE_MIN  # shown honestly
    none = load(LAYOUTS / "swapcard_leads.csv", profile="none")
    assert none.match is None and none.table.records
