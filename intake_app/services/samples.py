"""Sample data: two fictional events with realistic lead files, to try everything safely.

The files live in ``resources/samples/`` (made by ``scripts/make_samples.py``):
a trade-show badge scan with its repeat scans, nickname and shouted capitals,
and a Zoom webinar attendee report with people who were at the booth too. The
sample events are named "(sample)", described as sample data, and listed in
the ``sample_data`` setting, so that one action removes them with everything
that hangs off them: leads, rows, people met nowhere else, pairs, merges,
stamps, exports and their audit entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, or_, select, update

from intake_app.core.errors import ValidationError
from intake_app.core.events import EventInput, When
from intake_app.db.models import (
    AuditEntry,
    DuplicateCandidate,
    Event,
    ExportedLead,
    ExportRun,
    ImportBatch,
    Lead,
    MergeDecision,
    Person,
    SlaNotification,
    SlaStamp,
    SourceRow,
)
from intake_app.paths import resource
from intake_app.services import access, audit
from intake_app.services.context import AppContext
from intake_app.services.events import EventRecord, EventService
from intake_app.services.imports import ImportService, ImportSummary
from intake_app.services.settings_store import SettingsStore

SETTING = "sample_data"
DESCRIPTION = (
    "Sample data: fictional people, to try the app safely. Remove it in one click with"
    " Help → Remove sample data (or `intake sample remove`)."
)


@dataclass(frozen=True)
class SampleEvent:
    file: str
    name: str
    event_type: str
    timezone: str
    country: str
    ended_days_ago: int
    days: int
    start_time: tuple[int, int] | None = None  # a webcast starts at a time of day
    imported_for_you: bool = False  # the other is left for the user to import


SAMPLES = (
    SampleEvent(
        file="cloud-summit-badge-scans.csv",
        name="Cloud Security Summit 2026 (sample)",
        event_type="tradeshow",
        timezone="America/Los_Angeles",
        country="US",
        ended_days_ago=1,
        days=3,
    ),
    SampleEvent(
        file="zero-trust-webinar-attendees.csv",
        name="Zero Trust in Practice webinar (sample)",
        event_type="webcast",
        timezone="America/New_York",
        country="US",
        ended_days_ago=6,
        days=1,
        start_time=(11, 0),
        imported_for_you=True,
    ),
)


def sample_dir() -> Path:
    return resource("samples")


@dataclass(frozen=True)
class SampleSet:
    """What :meth:`SampleService.create` made."""

    events: list[EventRecord]
    imports: list[ImportSummary]
    to_import: list[tuple[Path, int]]  # files left for the user, with their event's id

    def to_json(self) -> dict[str, object]:
        return {
            "events": [event.to_json() for event in self.events],
            "imported": [summary.file for summary in self.imports],
            "to_import": [{"file": path.name, "event_id": eid} for path, eid in self.to_import],
        }


@dataclass(frozen=True)
class Removal:
    events: int
    leads: int
    persons: int

    def describe(self) -> str:
        return (
            f"Removed the sample data: {self.events} event(s), {self.leads} lead(s) and"
            f" {self.persons} sample person(s)."
        )


class SampleService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def event_ids(self) -> list[int]:
        """The sample events still in the database."""
        wanted = [int(i) for i in SettingsStore(self.ctx).get(SETTING).get("event_ids", [])]
        if not wanted:
            return []
        with self.ctx.db.read() as session:
            return sorted(session.scalars(select(Event.id).where(Event.id.in_(wanted))))

    def loaded(self) -> bool:
        return bool(self.event_ids())

    def create(self, *, import_all: bool = False, today: date | None = None) -> SampleSet:
        """Create the sample events and import the sample file meant to arrive imported.

        ``import_all`` imports every file (the command line); otherwise the badge scan
        is left for the user to import through the wizard.

        Raises:
            ValidationError: the sample data is loaded already.
            PermissionDeniedError: the user may not change the shared settings.
        """
        access.require_admin(self.ctx, "load sample data")
        if self.loaded():
            raise ValidationError(
                "The sample data is loaded already; remove it first to start again."
            )
        today = today or date.today()
        actor = access.current_actor(self.ctx)
        owner = actor.name or actor.login
        events: list[EventRecord] = []
        imports: list[ImportSummary] = []
        to_import: list[tuple[Path, int]] = []
        try:
            for sample in SAMPLES:
                record = self._create_event(sample, today, owner)
                events.append(record)
                # Listed at once, so that remove() below finds it if what follows fails.
                SettingsStore(self.ctx).put(
                    SETTING, {"event_ids": [e.id for e in events]}, reason="sample data"
                )
                path = sample_dir() / sample.file
                if sample.imported_for_you or import_all:
                    importer = ImportService(self.ctx)
                    imports.append(importer.run(importer.preview(path), record.id))
                else:
                    to_import.append((path, record.id))
        except Exception:
            self.remove()  # all the samples or none: no half-loaded sample data
            raise
        return SampleSet(events, imports, to_import)

    def _create_event(self, sample: SampleEvent, today: date, owner: str) -> EventRecord:
        end_day = today - timedelta(days=sample.ended_days_ago)
        start_day = end_day - timedelta(days=sample.days - 1)
        if sample.start_time is None:
            start, end = When.of_date(start_day), When.of_date(end_day)
        else:
            hour, minute = sample.start_time
            begins = datetime(start_day.year, start_day.month, start_day.day, hour, minute)
            start, end = When(begins, True), When(begins + timedelta(hours=1), True)
        return EventService(self.ctx).create(
            EventInput(
                name=sample.name,
                event_type=sample.event_type,
                start=start,
                end=end,
                timezone=sample.timezone,
                country=sample.country,
                owner=owner,
                description=DESCRIPTION,
            )
        )

    def remove(self) -> Removal:
        """Remove the sample events and everything that hangs off them, in one transaction."""
        access.require_admin(self.ctx, "remove sample data")
        ids = self.event_ids()
        if not ids:
            SettingsStore(self.ctx).put(SETTING, {}, reason="sample data")
            return Removal(0, 0, 0)
        with self.ctx.db.write(exclusive=True) as session:
            lead_ids = list(session.scalars(select(Lead.id).where(Lead.event_id.in_(ids))))
            person_ids = set(session.scalars(select(Lead.person_id).where(Lead.event_id.in_(ids))))
            batch_ids = list(
                session.scalars(select(ImportBatch.id).where(ImportBatch.event_id.in_(ids)))
            )
            export_ids = list(
                session.scalars(select(ExportRun.id).where(ExportRun.event_id.in_(ids)))
            )
            session.execute(delete(ExportedLead).where(ExportedLead.export_id.in_(export_ids)))
            session.execute(delete(ExportRun).where(ExportRun.id.in_(export_ids)))
            session.execute(delete(SlaNotification).where(SlaNotification.event_id.in_(ids)))
            session.execute(delete(SlaStamp).where(SlaStamp.event_id.in_(ids)))
            session.execute(
                delete(DuplicateCandidate).where(
                    or_(
                        DuplicateCandidate.event_id.in_(ids),
                        DuplicateCandidate.lead_id.in_(lead_ids),
                        DuplicateCandidate.other_lead_id.in_(lead_ids),
                    )
                )
            )
            session.execute(delete(SourceRow).where(SourceRow.batch_id.in_(batch_ids)))
            session.execute(delete(Lead).where(Lead.id.in_(lead_ids)))
            session.execute(delete(ImportBatch).where(ImportBatch.id.in_(batch_ids)))
            # People met only at the sample events go with them; others stay.
            still_met = set(
                session.scalars(
                    select(Lead.person_id).where(Lead.person_id.in_(person_ids)).distinct()
                )
            )
            gone = sorted(person_ids - still_met)
            merged_away = (
                set(session.scalars(select(Person.id).where(Person.merged_into_id.in_(gone))))
                - still_met
            )
            gone = sorted(set(gone) | merged_away)
            session.execute(
                delete(MergeDecision).where(
                    or_(
                        MergeDecision.surviving_person_id.in_(gone),
                        MergeDecision.merged_person_id.in_(gone),
                    )
                )
            )
            session.execute(
                update(Person).where(Person.merged_into_id.in_(gone)).values(merged_into_id=None)
            )
            session.execute(delete(Person).where(Person.id.in_(gone)))
            session.execute(delete(AuditEntry).where(AuditEntry.event_id.in_(ids)))
            session.execute(delete(Event).where(Event.id.in_(ids)))
            audit.record(
                session,
                user=self.ctx.user,
                action="remove_samples",
                entity="event",
                entity_id=None,
                changes={"events": [len(ids), 0], "leads": [len(lead_ids), 0]},
            )
            removal = Removal(len(ids), len(lead_ids), len(gone))
        SettingsStore(self.ctx).put(SETTING, {}, reason="sample data")
        return removal
