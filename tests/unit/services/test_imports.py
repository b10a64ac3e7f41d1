from __future__ import annotations

import shutil
from pathlib import Path

import hostile
import pytest
from sqlalchemy import func, select

from importers.base import Cancelled, CancelToken, ReadError
from intake_app.core.errors import NotFoundError, ValidationError
from intake_app.db.models import AuditEntry, ImportBatch, Lead, Person, SlaStamp, SourceRow
from intake_app.services.context import AppContext
from intake_app.services.imports import ImportService
from intake_app.services.leads import LeadService

DATA = Path(__file__).resolve().parents[2] / "data" / "imports"


def count(ctx: AppContext, model) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def import_file(ctx, event_id, name, **kwargs):
    service = ImportService(ctx)
    preview = service.preview(DATA / name)
    return service.run(preview, event_id, **kwargs)


def test_badge_scan_file_becomes_leads_with_counts_and_rows(ctx: AppContext, make_event):
    event = make_event(event_type="tradeshow")
    summary = import_file(ctx, event.id, "badge_scan.csv")

    assert (summary.rows, summary.imported, summary.rejected) == (7, 4, 2)
    assert summary.duplicates_in_file == 1
    assert summary.matched_existing == 0
    assert summary.flagged == 1
    assert summary.rejected_reasons == {
        "VOID scan": 1,
        "neither a usable e-mail nor a usable phone": 1,
    }
    leads = {lead.values["last_name"]: lead for lead in LeadService(ctx).for_event(event.id)}
    assert set(leads) == {"Lovelace", "Hopper", "Turing", "Johnson"}
    ada = leads["Lovelace"]
    assert ada.source_rows == [5, 8]
    assert ada.source_file == "badge_scan.csv"
    assert ada.values["email"] == "ada.lovelace@example.com"
    assert ada.values["country"] == "GB"
    assert ada.values["lead_source"] == "Tradeshow"
    assert leads["Johnson"].source_rows == [11]  # a quoted two-line cell is one row
    assert leads["Johnson"].issues[0]["code"] == "unknown_country"
    assert leads["Turing"].values["email"] is None  # a phone-only lead is kept


def test_rejected_rows_are_stored_with_their_reason(ctx, make_event):
    event = make_event()
    import_file(ctx, event.id, "badge_scan.csv")
    with ctx.db.read() as session:
        rejected = session.execute(
            select(SourceRow.row_numbers, SourceRow.reject_reason)
            .where(SourceRow.outcome == "rejected")
            .order_by(SourceRow.id)
        ).all()
    assert [tuple(r) for r in rejected] == [
        ([9], "VOID scan"),
        ([10], "neither a usable e-mail nor a usable phone"),
    ]


def test_the_first_import_stamps_list_received_once_and_is_audited(ctx, make_event):
    event = make_event()
    import_file(ctx, event.id, "badge_scan.csv")
    import_file(ctx, event.id, "second_show.csv")
    with ctx.db.read() as session:
        stamps = session.scalars(select(SlaStamp).where(SlaStamp.event_id == event.id)).all()
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).all()
    assert [stamp.kind for stamp in stamps] == ["received"]
    assert stamps[0].by_user == "tester"
    assert [entry.changes["file"][1] for entry in entries] == ["badge_scan.csv", "second_show.csv"]


def test_the_same_file_twice_is_refused_unless_forced(ctx, make_event, tmp_path):
    event = make_event()
    import_file(ctx, event.id, "badge_scan.csv")
    renamed = tmp_path / "renamed.csv"
    shutil.copy(DATA / "badge_scan.csv", renamed)
    service = ImportService(ctx)
    with pytest.raises(ValidationError, match="already imported into event"):
        service.run(service.preview(renamed), event.id)
    assert count(ctx, ImportBatch) == 1

    again = service.run(service.preview(renamed), event.id, force=True)
    assert again.matched_existing == 4  # the same people, known now
    assert count(ctx, Lead) == 4  # merged into their leads, not doubled


def test_the_same_person_at_two_events_is_one_person(ctx, make_event):
    first = make_event(name="Security Expo")
    second = make_event(name="Partner day", event_type="partner")
    import_file(ctx, first.id, "badge_scan.csv")
    summary = import_file(ctx, second.id, "second_show.csv")
    assert summary.matched_existing == 1  # Grace
    grace_1 = next(
        lead for lead in LeadService(ctx).for_event(first.id)
        if lead.values["last_name"] == "Hopper"
    )  # fmt: skip
    grace_2 = next(
        lead for lead in LeadService(ctx).for_event(second.id)
        if lead.values["last_name"] == "Hopper"
    )  # fmt: skip
    assert grace_1.person_id == grace_2.person_id
    assert grace_1.id != grace_2.id


def test_cancel_during_the_write_leaves_nothing_behind(ctx, make_event):
    event = make_event()
    service = ImportService(ctx)
    preview = service.preview(DATA / "badge_scan.csv")
    token = CancelToken()

    def progress(done, total):
        if total and done > total // 2:
            token.cancel()

    with pytest.raises(Cancelled):
        service.run(preview, event.id, progress=progress, cancel=token)
    for model in (ImportBatch, Lead, Person, SourceRow, SlaStamp):
        assert count(ctx, model) == 0, model.__name__


def test_a_missing_event_is_refused_before_writing(ctx):
    service = ImportService(ctx)
    with pytest.raises(NotFoundError):
        service.run(service.preview(DATA / "badge_scan.csv"), 999)
    assert count(ctx, ImportBatch) == 0


def test_a_mapping_without_email_or_phone_is_refused(ctx, make_event):
    event = make_event()
    service = ImportService(ctx)
    preview = service.preview(DATA / "badge_scan.csv", mapping={"Email": None, "Phone": None})
    with pytest.raises(ValidationError, match="email or phone"):
        service.run(preview, event.id)


def test_a_mapping_naming_unknown_columns_is_refused(ctx):
    with pytest.raises(ValidationError, match="'Fax'"):
        ImportService(ctx).preview(DATA / "badge_scan.csv", mapping={"Fax": "phone"})


def test_an_unreadable_file_is_a_read_error_and_writes_nothing(ctx, make_event, tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a workbook")
    with pytest.raises(ReadError, match=r"broken\.xlsx"):
        ImportService(ctx).preview(broken)
    assert count(ctx, ImportBatch) == 0


def test_a_saved_mapping_is_applied_when_the_same_headers_return(ctx, make_event, tmp_path):
    event = make_event()
    service = ImportService(ctx)
    preview = service.preview(DATA / "second_show.csv").with_mapping({"Rating": None})
    service.run(preview, event.id, save_mapping_as="Expo scanner")

    copy = tmp_path / "next_show.csv"
    copy.write_text(
        "First Name,Last Name,Email,Company,Title,Country,Phone,Rating,Notes\n"
        "Mary,Jackson,mary@example.com,NACA,Engineer,US,,Hot,\n",
        encoding="utf-8",
    )
    again = service.preview(copy)
    assert again.template == "Expo scanner"
    assert {m.source: m.target for m in again.mappings}["Rating"] is None
    assert any("Expo scanner" in note for note in again.notes)


def test_a_drifted_saved_mapping_is_reported_not_applied(ctx, make_event, tmp_path):
    event = make_event()
    service = ImportService(ctx)
    service.run(service.preview(DATA / "second_show.csv"), event.id, save_mapping_as="Expo")
    drifted = tmp_path / "drifted.csv"
    drifted.write_text(
        "First Name,Last Name,Email,Company,Title,Country,Mobile,Rating,Notes\n"
        "Mary,Jackson,mary@example.com,NACA,Engineer,US,,Hot,\n",
        encoding="utf-8",
    )
    preview = service.preview(drifted)
    assert preview.template is None
    assert preview.drift is not None
    assert "'Phone'" in preview.drift and "'Mobile'" in preview.drift


def test_a_company_schema_sets_the_read_limits(tmp_path, monkeypatch):
    from intake_app.services.context import open_context

    company = tmp_path / "company"
    company.mkdir()
    (company / "import_limits.yaml").write_text(
        "schema_version: 1\nimport_limits:\n  max_cell_chars: 10\n", encoding="utf-8"
    )
    strict = open_context(f"sqlite:///{(tmp_path / 'limits.db').as_posix()}", company)
    try:
        refusal = r"badge_scan\.csv, row 1, column 1: the cell holds 21 characters, more than"
        with pytest.raises(ReadError, match=refusal):
            ImportService(strict).preview(DATA / "badge_scan.csv")
    finally:
        strict.close()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_same_person_written_differently_is_folded_within_the_file(ctx, make_event, tmp_path):
    event = make_event()
    path = write(
        tmp_path, "scans.csv",
        "First Name,Last Name,Email,Company,Phone\n"
        "Robert,Smith,robert.smith@acme.com,Acme Inc,+1 415 555 0101\n"
        "Bob,Smith,ROBERT.SMITH@ACME.COM,ACME Corporation,\n"
        "Jürgen,Müller,j.mueller@initech.de,Initech GmbH,+49 30 901820\n"
        "Juergen,Mueller,juergen@gmail.com,Initech,+49 30 901820\n"
        "John,Smith,john.smith@globex.example,Globex,+1 212 555 0199\n",
    )  # fmt: skip
    service = ImportService(ctx)
    summary = service.run(service.preview(path), event.id)
    assert summary.duplicates_in_file == 2
    assert summary.imported == 3  # Robert, Jürgen, and John Smith: a namesake at another firm
    leads = {lead.values["first_name"]: lead for lead in LeadService(ctx).for_event(event.id)}
    assert set(leads) == {"Robert", "Jürgen", "John"}
    assert leads["Robert"].source_rows == [2, 3]
    assert leads["Jürgen"].source_rows == [4, 5]


def test_a_known_person_at_another_event_is_found_or_queued(ctx, make_event, tmp_path):
    from intake_app.services.duplicates import DuplicateService

    booth = make_event(name="Booth")
    webinar = make_event(name="Webinar", event_type="webcast")
    service = ImportService(ctx)
    first = write(
        tmp_path, "booth.csv",
        "First Name,Last Name,Email,Company,Phone\n"
        "Katherine,Johnson,kj@nasa.example,NASA Langley,+1 757 555 0123\n"
        "Ada,Lovelace,ada@engines.example,Analytical Engines,\n",
    )  # fmt: skip
    service.run(service.preview(first), booth.id)
    second = write(
        tmp_path, "webinar.csv",
        "First Name,Last Name,Email,Company,Phone\n"
        "Kate,Johnson,katherine.j@gmail.com,NASA,+1 757 555 0123\n"
        "Ada,Lovelace,ada.lovelace@home.example,,\n",
    )  # fmt: skip
    summary = service.run(service.preview(second), webinar.id)
    people = {
        lead.values["last_name"]: lead.person_id for lead in LeadService(ctx).for_event(booth.id)
    }
    later = {
        lead.values["last_name"]: lead.person_id for lead in LeadService(ctx).for_event(webinar.id)
    }
    assert later["Johnson"] == people["Johnson"]  # Kate = Katherine, same phone: one person
    assert summary.matched_existing >= 1
    # A name alone, with other contact details, is not enough to be one person.
    assert later["Lovelace"] != people["Lovelace"]
    assert all(
        {pair.first.values["last_name"], pair.second.values["last_name"]} != {"Lovelace"}
        or pair.score < 0.9
        for pair in DuplicateService(ctx).pending()
    )


def test_a_doubtful_pair_goes_to_the_review_queue_and_the_cli(tmp_path, monkeypatch):
    import io
    import json

    from intake_app.cli import main
    from intake_app.core.events import EventInput, parse_when
    from intake_app.services.context import open_context
    from intake_app.services.events import EventService

    company = tmp_path / "company"
    company.mkdir()
    # A stricter company: only a near-certain match merges by itself.
    (company / "dedupe_rules.yaml").write_text(
        "dedupe_rules:\n  auto_merge_threshold: 0.99\n  review_threshold: 0.7\n", "utf-8"
    )
    url = f"sqlite:///{(tmp_path / 'review.db').as_posix()}"
    ctx = open_context(url, company)
    try:
        event = EventService(ctx).create(
            EventInput(name="Expo", event_type="tradeshow", start=parse_when("2025-04-28", "S"))
        )
        path = write(
            tmp_path, "scans.csv",
            "First Name,Last Name,Email,Company\n"
            "Robert,Smith,robert.smith@acme.com,Acme\n"
            "Bob,Smith,bob.smith@gmail.com,Acme\n",
        )  # fmt: skip
        service = ImportService(ctx)
        summary = service.run(service.preview(path), event.id)
        assert (summary.imported, summary.duplicates_in_file) == (2, 0)
    finally:
        ctx.close()
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["--db", url, "--schema", str(company), "duplicates", "--event", str(event.id), "--json"],
        out=out,
        err=err,
    )
    assert code == 0, err.getvalue()
    [pair] = json.loads(out.getvalue())
    assert 0.7 <= pair["score"] < 0.99
    assert "Robert = Bob" in pair["reasons"]
    assert {lead["first_name"] for lead in pair["leads"]} == {"Robert", "Bob"}


def test_matching_against_stored_people_ignores_pairs_within_the_chunk(ctx, make_event, tmp_path):
    from intake_app.core.batch import person_record
    from intake_app.services.imports import _known_persons

    event = make_event()
    service = ImportService(ctx)
    known = write(
        tmp_path, "known.csv",
        "First Name,Last Name,Email,Company\nAda,Lovelace,ada@engines.example,Analytical Engines\n",
    )  # fmt: skip
    service.run(service.preview(known), event.id)
    twins = {"first_name": "Hedy", "last_name": "Lamarr", "email": "hedy@films.example",
             "company": "MGM", "phone": "+13105550100"}  # fmt: skip
    ada = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@engines.example"}
    chunk = [person_record(at, values) for at, values in enumerate((twins, twins, ada))]
    with ctx.db.read() as session:
        sure, doubtful, _keys = _known_persons(session, chunk, ctx.schema.dedupe_rules, set())
        ada_id = session.scalar(select(Person.id).where(Person.email == "ada@engines.example"))
    assert sure == {2: ada_id}  # the twins are a pair of the file, not stored people
    assert all(person_id > 0 for _, person_id, _, _ in doubtful)


def test_a_large_name_block_counts_only_live_people(ctx):
    """61 stored Ada Lovelaces, two of them merged away: 59 live ones fit a block of 60."""
    from intake_app.core.batch import person_record
    from intake_app.core.dedupe import person_keys
    from intake_app.services.imports import _known_persons

    rules = ctx.schema.dedupe_rules
    assert rules.max_block == 60

    def ada(number: int) -> dict[str, object]:
        firm = f"firm{number:03d}"
        columns = {"first_name": "Ada", "last_name": "Lovelace",
                   "email": f"ada{number}@{firm}.example", "company": firm.title()}  # fmt: skip
        return {**columns, **person_keys(person_record(0, columns), rules)}

    with ctx.db.write() as session:
        people = [Person(**ada(number)) for number in range(61)]
        session.add_all(people)
        session.flush()
        people[1].merged_into_id = people[0].id
        people[2].merged_into_id = people[0].id
        target = people[30].id
    incoming = person_record(
        0, {"first_name": "Ada", "last_name": "Lovelace", "email": "ada.l@firm030.example",
            "company": "Firm030"},
    )  # fmt: skip
    with ctx.db.read() as session:
        sure, doubtful, _keys = _known_persons(session, [incoming], rules, set())
    # Same name and company, another address at the same firm: one for review.
    assert (sure, [(at, person) for at, person, _score, _why in doubtful]) == ({}, [(0, target)])

    with ctx.db.write() as session:
        session.get(Person, people[1].id).merged_into_id = None  # 60 live: still fits
        session.add(Person(**ada(61)))  # 61 live: too common a name to compare by
    with ctx.db.read() as session:
        assert _known_persons(session, [incoming], rules, set())[:2] == ({}, [])


# ------------------------------------------------------------------ hostile values


@pytest.mark.parametrize("build", [hostile.formula_csv, hostile.formula_xlsx])
def test_formula_payloads_in_every_column_are_stored_as_text(ctx, make_event, tmp_path, build):
    event = make_event()
    path = build(tmp_path / f"payloads{'.csv' if build is hostile.formula_csv else '.xlsx'}")
    service = ImportService(ctx)
    summary = service.run(service.preview(path), event.id)
    assert (summary.imported, summary.rejected) == (80, 1)  # the all-payload row: no e-mail
    leads = LeadService(ctx).for_event(event.id)
    stored = {value for lead in leads for value in lead.values.values() if isinstance(value, str)}
    text_columns = ("first_name", "last_name", "company", "job_title", "city", "notes")
    payloads = {" ".join(payload.split()) for payload in hostile.FORMULA_PAYLOADS}
    for column in text_columns:
        kept = {lead.values[column] for lead in leads} & payloads
        assert kept == payloads, column  # every payload, in every text column, as text
    assert "Click here" in stored or build is hostile.formula_csv  # a formula's shown value
    with ctx.db.read() as session:
        raw = [row for (row,) in session.execute(select(SourceRow.raw))]
    every = [row for row in raw if set(row.values()) == {hostile.FORMULA_PAYLOADS[0]}]
    assert len(every) == 1  # the rejected row, kept exactly as read


def test_zero_width_characters_do_not_keep_a_lead_from_its_clean_twin(ctx, make_event, tmp_path):
    first, second = make_event(name="Booth"), make_event(name="Webinar", event_type="webcast")
    path = hostile.zero_width_csv(tmp_path / "zero-width.csv")
    service = ImportService(ctx)
    summary = service.run(service.preview(path), first.id)
    assert (summary.imported, summary.duplicates_in_file) == (2, 1)  # Grace's twin folded
    grace = next(lead for lead in LeadService(ctx).for_event(first.id) if lead.source_rows[0] == 2)
    assert grace.source_rows == [2, 3]
    assert {k: grace.values[k] for k in ("first_name", "last_name", "email", "company")} == {
        "first_name": "Grace", "last_name": "Hopper", "email": "grace.hopper@navy.example",
        "company": "Navy Labs",
    }  # fmt: skip
    [ada] = [lead for lead in LeadService(ctx).for_event(first.id) if lead.id != grace.id]
    assert ada.values["company"] == "xxxxx"  # every invisible character between the x's dropped
    # Against the people already stored: the laced twin alone, at another event.
    laced = hostile.write_csv(tmp_path / "laced.csv", [
        hostile.SHORT_HEADERS,
        ["Gr\u200bace", "Hop\u200cper", "gra\u200dce.hop\ufeffper@na\u200bvy.example",
         "Na\u2060vy La\ufeffbs"],
    ])  # fmt: skip
    again = service.run(service.preview(laced), second.id)
    assert again.matched_existing == 1
    [twin] = LeadService(ctx).for_event(second.id)
    assert twin.person_id == grace.person_id


def test_a_look_alike_domain_is_imported_and_flagged(ctx, make_event, tmp_path):
    event = make_event()
    path = hostile.homoglyph_csv(tmp_path / "homoglyphs.csv")
    service = ImportService(ctx)
    summary = service.run(service.preview(path), event.id)
    assert (summary.imported, summary.flagged) == (3, 2)
    codes = {
        lead.values["last_name"]: [issue["code"] for issue in lead.issues]
        for lead in LeadService(ctx).for_event(event.id)
    }
    assert codes == {
        "Pal": ["mixed_script_domain"], "Smith": ["mixed_script_local_part"], "Ivanova": [],
    }  # fmt: skip
