"""The sample data: loaded for trying, removed without a trace of it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from intake_app.core.errors import ValidationError
from intake_app.db import models
from intake_app.services.duplicates import DuplicateService
from intake_app.services.events import EventService
from intake_app.services.exports import ExportService
from intake_app.services.imports import ImportService
from intake_app.services.samples import SampleService, sample_dir

TABLES = (
    models.Event, models.ImportBatch, models.SourceRow, models.Person, models.Lead,
    models.DuplicateCandidate, models.MergeDecision, models.SlaStamp, models.SlaNotification,
    models.ExportRun, models.ExportedLead,
)  # fmt: skip


def counts(ctx) -> dict[str, int]:
    with ctx.db.read() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)))
            for model in TABLES
        }


def test_the_sample_files_are_fictional() -> None:
    files = sorted(path.name for path in sample_dir().glob("*.csv"))
    assert files == ["cloud-summit-badge-scans.csv", "zero-trust-webinar-attendees.csv"]
    for path in sample_dir().glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            for word in line.replace(",", " ").split():
                if "@" in word:
                    assert word.split("@")[1].endswith((".example.com", ".example.org")), word


def test_samples_arrive_marked_with_one_file_left_to_import(ctx) -> None:
    made = SampleService(ctx).create(today=date(2026, 12, 1))
    names = [event.name for event in made.events]
    assert names == [
        "Cloud Security Summit 2026 (sample)",
        "Zero Trust in Practice webinar (sample)",
    ]
    assert all("Sample data" in (event.description or "") for event in made.events)
    summit, webinar = made.events
    assert (summit.start.value.date(), summit.end.value.date()) == (
        date(2026, 11, 28),
        date(2026, 11, 30),
    )
    assert [summary.file for summary in made.imports] == ["zero-trust-webinar-attendees.csv"]
    assert made.imports[0].imported == 17
    assert made.to_import == [(sample_dir() / "cloud-summit-badge-scans.csv", summit.id)]
    assert SampleService(ctx).event_ids() == [summit.id, webinar.id]
    with pytest.raises(ValidationError, match="loaded already"):
        SampleService(ctx).create()


def test_removing_the_samples_leaves_the_database_as_it_was(ctx, make_event, tmp_path) -> None:
    own = make_event(name="Our real show")
    importer = ImportService(ctx)
    data = sample_dir().parent.parent / "tests" / "data" / "imports" / "badge_scan.csv"
    importer.run(importer.preview(data), own.id)
    before = counts(ctx)

    made = SampleService(ctx).create(import_all=True)
    summit = made.events[0]
    assert made.imports[0].duplicates_in_file == 2  # the repeat scan and the shouting twin
    pairs = DuplicateService(ctx).pending(summit.id)
    assert pairs, "Robert and Bob Noyce are offered for review"
    DuplicateService(ctx).merge(pairs[0].id)
    exports = ExportService(ctx)
    exports.write(exports.preview(summit.id, "marketo"), tmp_path / "summit.csv")
    assert counts(ctx) != before

    removal = SampleService(ctx).remove()
    assert removal.events == 2 and removal.leads > 40
    assert counts(ctx) == before
    assert [event.name for event in EventService(ctx).list()] == ["Our real show"]
    assert SampleService(ctx).event_ids() == []
    SampleService(ctx).create()  # and may be loaded again


def test_a_sample_file_that_fails_leaves_no_sample_data(ctx, monkeypatch, tmp_path) -> None:
    from importers.base import ReadError

    before = counts(ctx)
    monkeypatch.setattr("intake_app.services.samples.sample_dir", lambda: tmp_path / "gone")

    with pytest.raises(ReadError):
        SampleService(ctx).create()

    assert counts(ctx) == before
    assert SampleService(ctx).event_ids() == []
