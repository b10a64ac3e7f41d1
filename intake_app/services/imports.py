"""Importing a lead file into an event: preview, then one all-or-nothing batch.

``preview`` reads the file, finds the lead table, the platform profile and a
mapping (a saved template when the same headers return). ``run`` writes the
batch in one transaction: the batch, a source row for every record (lead or
rejected), persons, leads, the first "list received" SLA stamp and an audit
entry. Cancel or any error rolls everything back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from importers.base import (
    CancelToken,
    ColumnMapping,
    FileFacts,
    LeadTable,
    MappedRecord,
    ProfileMatch,
    ProgressFn,
    ReadLimits,
    no_progress,
)
from importers.mapping import compare_headers, header_signature, map_record
from importers.pipeline import prepare
from importers.profiles import ProfileError, get_profile
from importers.readers import read_file
from intake_app.core.batch import (
    BatchPlan,
    PlannedLead,
    merge_outcomes,
    person_record,
    plan_batch,
)
from intake_app.core.collector import collector_paused
from intake_app.core.dedupe import (
    PersonRecord,
    PreparedRecords,
    find_matches,
    name_order,
)
from intake_app.core.engagement import ListContext
from intake_app.core.errors import NotFoundError, ValidationError
from intake_app.core.issues import Issue
from intake_app.core.lead_values import RecordContext
from intake_app.db.base import utcnow
from intake_app.db.models import (
    DuplicateCandidate,
    Event,
    ImportBatch,
    Lead,
    MappingTemplate,
    Person,
    SourceRow,
)
from intake_app.services import access, audit
from intake_app.services.context import AppContext
from intake_app.services.privacy import erased_from_file, erasure_marks
from intake_app.services.sla import record_stamp
from schemas import CorporateSchema, DedupeRules, EventType

_CHUNK = 1000
_MATCH_CHUNK = 5000  # leads matched against the stored people at once


@dataclass
class ImportPreview:
    """What will be imported, before anything is written."""

    path: Path
    facts: FileFacts
    table: LeadTable
    match: ProfileMatch | None
    matches: list[ProfileMatch]
    mappings: list[ColumnMapping]
    template: str | None = None  # name of the saved mapping that was applied
    drift: str | None = None  # how a similar saved mapping's columns changed
    notes: list[str] = field(default_factory=list)

    @property
    def record_count(self) -> int:
        return len(self.table.records)

    def with_mapping(self, targets: dict[str, str | None]) -> ImportPreview:
        """The same preview with some columns sent elsewhere (source -> target or None)."""
        mappings = [
            replace(m, target=targets[m.source], confidence=1.0) if m.source in targets else m
            for m in self.mappings
        ]
        return replace(self, mappings=mappings, template=None)

    def mapped_records(self) -> Iterator[MappedRecord]:
        for record in self.table.records:
            yield map_record(record, self.mappings)


@dataclass(frozen=True)
class ImportSummary:
    batch_id: int
    event_id: int
    file: str
    profile: str | None
    confidence: float | None
    rows: int
    imported: int
    flagged: int
    rejected: int
    duplicates_in_file: int
    matched_existing: int
    skipped: int
    rejected_reasons: dict[str, int]
    notes: list[str]
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    event_name: str = ""
    # Leads whose address was erased before (flagged ``erased_before``), and file rows
    # erased from an earlier import of this very file (services.privacy).
    erased_before: int = 0
    erased_from_file: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "event_id": self.event_id,
            "file": self.file,
            "profile": self.profile,
            "confidence": None if self.confidence is None else round(self.confidence, 2),
            "rows": self.rows,
            "imported": self.imported,
            "flagged": self.flagged,
            "rejected": self.rejected,
            "duplicates_in_file": self.duplicates_in_file,
            "matched_existing": self.matched_existing,
            "skipped": self.skipped,
            "rejected_reasons": self.rejected_reasons,
            "skipped_reasons": self.skipped_reasons,
            "erased_before": self.erased_before,
            "erased_from_file": self.erased_from_file,
            "notes": self.notes,
        }


def _list_kind(preview: ImportPreview, event_type: EventType | None) -> str | None:
    """What kind of list this is, for the engagement rules.

    The profile's kind, else the event's channel (a webcast's list without a
    known profile is read as a webcast report).
    """
    if preview.match is not None:
        try:
            return get_profile(preview.match.name).kind
        except ProfileError:
            pass
    if event_type is not None:
        return "webcast" if event_type.channel == "online" else "in_person"
    return None


def _session_minutes(preview: ImportPreview, event: Event) -> float | None:
    """The session's length: the report's own figure, else the event's, if under a day."""
    stated = preview.table.session.get("duration_minutes")
    if isinstance(stated, int | float) and stated > 0:
        return float(stated)
    if event.start_has_time and event.end_has_time and event.end_at and event.start_at:
        minutes = (event.end_at - event.start_at).total_seconds() / 60
        if 0 < minutes < 24 * 60:
            return minutes
    return None


def read_limits(schema: CorporateSchema) -> ReadLimits:
    """The readers' limits from the schema's ``import_limits`` (a company may change them)."""
    limits = schema.import_limits
    mib = 1024 * 1024
    return ReadLimits(
        max_file_bytes=int(limits.max_file_mb * mib),
        max_field_chars=limits.max_cell_chars,
        max_rows=limits.max_rows,
        max_columns=limits.max_columns,
        max_cells=limits.max_cells,
        max_uncompressed_bytes=int(limits.max_unpacked_mb * mib),
        max_compression_ratio=limits.max_compression_ratio,
    )


def _check_mapping(mappings: list[ColumnMapping], targets: set[str]) -> None:
    seen: dict[str, str] = {}
    for mapping in mappings:
        if mapping.target is None:
            continue
        if mapping.target not in targets:
            raise ValidationError(
                f"Column {mapping.source!r} is mapped to {mapping.target!r}, which is not a field."
            )
        if mapping.target in seen:
            raise ValidationError(
                f"Columns {seen[mapping.target]!r} and {mapping.source!r} are both mapped to"
                f" {mapping.target!r}; map one of them elsewhere."
            )
        seen[mapping.target] = mapping.source
    if not {"email", "phone", "mobile_phone"} & set(seen):
        raise ValidationError(
            "No column is mapped to email or phone, so no row could become a lead."
        )


class ImportService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------ preview

    def preview(
        self,
        path: Path,
        *,
        profile: str | None = "auto",
        mapping: dict[str, str | None] | None = None,
        limits: ReadLimits | None = None,
        progress: ProgressFn = no_progress,
        cancel: CancelToken | None = None,
    ) -> ImportPreview:
        """Read ``path`` and propose how it maps, without writing anything.

        Args:
            path: the lead file.
            profile: a profile name, or "auto" to detect it.
            mapping: source heading -> target (or None to keep as extra); overrides
                the profile, a saved template and the automatic mapping.
            limits: read limits (defaults protect against hostile files).
            progress: called with (done, total) while reading.
            cancel: checked while reading.
        """
        with collector_paused():
            facts, grids = read_file(path, limits or read_limits(self.ctx.schema), progress, cancel)
            prepared = prepare(grids, self.ctx.schema, profile, file_name=path.name)
            del grids
        table = prepared.table
        result = ImportPreview(
            path=path,
            facts=facts,
            table=table,
            match=prepared.match,
            matches=list(prepared.matches),
            mappings=list(prepared.mappings),
            notes=list(table.notes),
        )
        if mapping is not None:
            unknown = sorted(set(mapping) - set(table.headers))
            if unknown:
                raise ValidationError(
                    f"The mapping names column(s) {', '.join(map(repr, unknown))} that"
                    f" {path.name} does not have."
                )
            return result.with_mapping(mapping)
        return self._apply_template(result)

    def _apply_template(self, preview: ImportPreview) -> ImportPreview:
        headers = preview.table.headers
        signature = header_signature(headers)
        with self.ctx.db.read() as session:
            exact = session.scalars(
                select(MappingTemplate)
                .where(MappingTemplate.header_signature == signature)
                .order_by(MappingTemplate.updated_at.desc())
            ).first()
            if exact is not None:
                targets = {source: exact.mapping.get(source) for source in headers}
                applied = preview.with_mapping(targets)
                applied.template = exact.name
                applied.notes.append(f"Applied the saved mapping “{exact.name}”.")
                return applied
            templates = list(session.scalars(select(MappingTemplate)))
        best: tuple[float, MappingTemplate] | None = None
        for template in templates:
            saved = [str(h) for h in template.headers]
            shared = len(set(saved) & set(headers)) / max(len(set(saved) | set(headers)), 1)
            if shared >= 0.6 and (best is None or shared > best[0]):
                best = (shared, template)
        if best is not None:
            drift = compare_headers([str(h) for h in best[1].headers], headers)
            parts = []
            if drift.missing:
                parts.append("missing " + ", ".join(map(repr, drift.missing)))
            if drift.added:
                parts.append("new " + ", ".join(map(repr, drift.added)))
            preview.drift = (
                f"The saved mapping “{best[1].name}” does not fit exactly: the columns"
                f" changed ({'; '.join(parts)}). It was not applied; check the mapping."
            )
            preview.notes.append(preview.drift)
        return preview

    # ------------------------------------------------------------ templates

    def save_template(self, name: str, preview: ImportPreview) -> None:
        """Save (or replace) the preview's mapping under ``name``."""
        clean = " ".join(name.split())
        if not clean:
            raise ValidationError("A saved mapping needs a name.")
        mapping = {m.source: m.target for m in preview.mappings}
        headers = preview.table.headers
        with self.ctx.db.write() as session:
            template = session.scalars(
                select(MappingTemplate).where(MappingTemplate.name == clean)
            ).first()
            if template is None:
                template = MappingTemplate(name=clean, created_by=self.ctx.user)
                session.add(template)
            template.header_signature = header_signature(headers)
            template.headers = list(headers)
            template.mapping = mapping
            template.profile = preview.match.name if preview.match else None
            session.flush()
            audit.record(
                session,
                user=self.ctx.user,
                action="save",
                entity="mapping_template",
                entity_id=template.id,
                changes={"name": [None, clean], "mapping": [None, mapping]},
            )

    # ------------------------------------------------------------ run

    def previous_batch(self, event_id: int, sha256: str) -> ImportBatch | None:
        with self.ctx.db.read() as session:
            return _previous_batch(session, event_id, sha256)

    @staticmethod
    def _refuse_a_second_import(name: str, earlier: ImportBatch | None) -> None:
        if earlier is not None:
            raise ValidationError(
                f"{name} was already imported into event {earlier.event_id} on"
                f" {earlier.imported_at:%Y-%m-%d %H:%M} UTC (batch {earlier.id});"
                " import it again with --force."
            )

    def run(
        self,
        preview: ImportPreview,
        event_id: int,
        *,
        force: bool = False,
        save_mapping_as: str | None = None,
        progress: ProgressFn = no_progress,
        cancel: CancelToken | None = None,
    ) -> ImportSummary:
        """Write the batch; all or nothing.

        Raises:
            NotFoundError: no such event.
            ValidationError: the mapping cannot make leads, or the file was imported
                into this event before (unless ``force``).
            Cancelled: ``cancel`` was set; nothing was written.
        """
        access.require_event(self.ctx, event_id, "import into")
        _check_mapping(preview.mappings, set(self.ctx.schema.target_names()))
        with self.ctx.db.read() as session:
            event = session.get(Event, event_id)
            if event is None:
                raise NotFoundError(f"There is no event with id {event_id}.")
            event_type = self.ctx.schema.event_type(event.event_type)
            event_name = event.name
            context = RecordContext(
                default_country=event.country,
                list=ListContext(_list_kind(preview, event_type), _session_minutes(preview, event)),
            )
        if not force:
            self._refuse_a_second_import(
                preview.path.name, self.previous_batch(event_id, preview.facts.sha256)
            )

        total = preview.record_count
        with collector_paused():
            plan = plan_batch(
                preview.mapped_records(),
                self.ctx.schema,
                lead_source=event_type.lead_source if event_type else None,
                context=context,
                total=total,
                progress=lambda done, _t: progress(done, total * 2),
                cancel=cancel,
            )
            with self.ctx.db.write(exclusive=True) as session:
                if not force:  # again: another program may have imported it meanwhile
                    self._refuse_a_second_import(
                        preview.path.name, _previous_batch(session, event_id, preview.facts.sha256)
                    )
                summary = self._write(session, preview, event_id, plan, progress, cancel, total)
        summary = replace(summary, event_name=event_name)
        if save_mapping_as:
            self.save_template(save_mapping_as, preview)
        return summary

    def _write(
        self,
        session: Session,
        preview: ImportPreview,
        event_id: int,
        plan: BatchPlan,
        progress: ProgressFn,
        cancel: CancelToken | None,
        total: int,
    ) -> ImportSummary:
        match = preview.match
        notes = list(preview.notes)
        erased_before, erased_rows = self._flag_erased(session, plan, preview, notes)
        batch = ImportBatch(
            event_id=event_id,
            file_name=preview.path.name,
            file_sha256=preview.facts.sha256,
            file_size=preview.facts.size,
            detected_profile=match.name if match else None,
            mapping={m.source: m.target for m in preview.mappings},
            read_options={
                "format": preview.facts.format,
                "encoding": preview.facts.encoding,
                "delimiter": preview.facts.delimiter,
                "sheet": preview.table.sheet,
                "header_row": preview.table.header_row,
                "template": preview.template,
                "session": preview.table.session,
            },
            rows_total=plan.records,
            imported=len(plan.leads),
            flagged=plan.flagged,
            rejected=len(plan.rejected),
            duplicates_in_file=plan.duplicates_in_file,
            imported_by=self.ctx.user,
        )
        session.add(batch)
        session.flush()

        matched = self._write_leads(
            session, batch, plan, preview.table.sheet, progress, cancel, total
        )
        batch.matched_existing = matched
        for position in range(0, len(plan.rejected), _CHUNK):
            chunk = plan.rejected[position : position + _CHUNK]
            session.execute(
                insert(_table(SourceRow)),
                [
                    {
                        "batch_id": batch.id,
                        "sheet": preview.table.sheet,
                        "section": item.record.section,
                        "row_numbers": list(item.record.row_numbers),
                        "raw": {**item.record.fields, **item.record.extra},
                        "outcome": "rejected",
                        "reject_reason": item.reason,
                    }
                    for item in chunk
                ],
            )

        # The first import into an event starts nothing but tells the SLA the list arrived.
        record_stamp(
            session, event_id, "received", user=self.ctx.user, note=f"import of {preview.path.name}"
        )
        counts = {
            "rows": plan.records,
            "imported": len(plan.leads),
            "flagged": plan.flagged,
            "rejected": len(plan.rejected),
            "duplicates_in_file": plan.duplicates_in_file,
            "matched_existing": matched,
        }
        audit.record(
            session,
            user=self.ctx.user,
            action="import",
            entity="import_batch",
            entity_id=batch.id,
            event_id=event_id,
            changes={
                "file": [None, preview.path.name],
                **{k: [None, v] for k, v in counts.items()},
            },
        )
        if cancel is not None:
            cancel.check()
        progress(total * 2, total * 2)
        return ImportSummary(
            batch_id=batch.id,
            event_id=event_id,
            file=preview.path.name,
            profile=match.name if match else None,
            confidence=match.confidence if match else None,
            rows=plan.records,
            imported=len(plan.leads),
            flagged=plan.flagged,
            rejected=len(plan.rejected),
            duplicates_in_file=plan.duplicates_in_file,
            matched_existing=matched,
            skipped=len(preview.table.skipped),
            skipped_reasons=dict(Counter(item.reason for item in preview.table.skipped)),
            rejected_reasons=plan.rejected_reasons(),
            notes=notes,
            erased_before=erased_before,
            erased_from_file=erased_rows,
        )

    @staticmethod
    def _flag_erased(
        session: Session, plan: BatchPlan, preview: ImportPreview, notes: list[str]
    ) -> tuple[int, int]:
        """Flag the leads whose address was erased before; note a file that had people erased.

        Nobody comes back silently: such a lead is imported (a new registration may
        be a new consent) with an ``erased_before`` issue on its e-mail, so it shows
        under *Only with issues* and in the import's counts.
        """
        marks = erasure_marks(session)
        flagged = 0
        for lead in plan.leads:
            when = marks.erased_at(lead.columns.get("email"))
            if when is None:
                continue
            lead.issues.append(
                Issue(
                    "email",
                    "erased_before",
                    "warning",
                    f"This address was erased on {when:%Y-%m-%d}. Use it only if the person"
                    " gave it again since (a new registration); otherwise erase it again.",
                )
            )
            flagged += 1
        if flagged:
            notes.append(
                f"{flagged} lead(s) have an address that was erased before; they are flagged"
                " “erased before”: check them before using them."
            )
        erased_rows = erased_from_file(session, marks, preview.facts.sha256)
        if erased_rows:
            notes.append(
                f"This file was imported before and {erased_rows} of its row(s) were erased"
                " since at a person's request; importing it again brings them back."
            )
        return flagged, erased_rows

    def _write_leads(
        self,
        session: Session,
        batch: ImportBatch,
        plan: BatchPlan,
        sheet: str | None,
        progress: ProgressFn,
        cancel: CancelToken | None,
        total: int,
    ) -> int:
        """Insert persons, leads and source rows in chunks; return how many were known people.

        Each lead is matched against the stored people (fuzzy, by the schema's dedupe
        rules): a sure match joins that person, a doubtful one is queued for review
        together with the pairs the file itself raised.
        """
        rules = self.ctx.schema.dedupe_rules
        matched = 0
        lead_ids: dict[int, int] = {}  # id(planned lead) -> stored lead id
        # Who is known already: matched against the people stored before this batch, all
        # of them before the first insert (the file's own pairs are the plan's business).
        known: dict[int, int] = {}  # position in plan.leads -> person id
        doubtful: list[tuple[PlannedLead, int, float, tuple[str, ...]]] = []
        taken: set[int] = set()  # stored people given to a lead of this batch already
        block_sizes: dict[tuple[str, str], int] = {}
        stored_keys: dict[int, dict[str, str | None]] = {}  # position -> a new person's keys
        # In name order, so that a name's stored people are fetched for one chunk, not many.
        records = [person_record(at, lead.columns) for at, lead in enumerate(plan.leads)]
        names = [name_order(record, rules) for record in records]
        order = sorted(range(len(records)), key=names.__getitem__)
        for position in range(0, len(order), _MATCH_CHUNK):
            if cancel is not None:
                cancel.check()
            part = [records[at] for at in order[position : position + _MATCH_CHUNK]]
            sure, review, keys = _known_persons(session, part, rules, taken, block_sizes)
            known.update(sure)
            stored_keys.update(keys)
            doubtful.extend(
                (plan.leads[at], person, score, why) for at, person, score, why in review
            )
        for position in range(0, len(plan.leads), _CHUNK):
            if cancel is not None:
                cancel.check()
            chunk = plan.leads[position : position + _CHUNK]
            persons = {
                at: known[position + at] for at in range(len(chunk)) if position + at in known
            }
            existing_leads: dict[int, Lead] = {}
            if persons:
                for lead_row in session.scalars(
                    select(Lead).where(
                        Lead.event_id == batch.event_id,
                        Lead.person_id.in_(persons.values()),
                        Lead.status != "merged",
                    )
                ):
                    existing_leads[lead_row.person_id] = lead_row

            new_people = [
                (position + at, lead) for at, lead in enumerate(chunk) if at not in persons
            ]
            matched += len(chunk) - len(new_people)
            now = utcnow()
            if new_people:
                ids = _insert_with_ids(
                    session,
                    Person,
                    [_person_values(x, stored_keys.pop(at), now) for at, x in new_people],
                )
                for (_at, lead), person_id in zip(new_people, ids, strict=True):
                    lead.person_id = person_id
            for at, person_id in persons.items():
                chunk[at].person_id = person_id

            pairs: list[tuple[PlannedLead, int]] = []
            fresh: list[PlannedLead] = []
            for lead in chunk:
                stored = existing_leads.get(lead.person_id or 0)
                if stored is None:
                    fresh.append(lead)
                else:
                    _merge_into(stored, lead)
                    pairs.append((lead, stored.id))
            if fresh:
                new_ids = _insert_with_ids(
                    session, Lead, [_lead_values(x, batch, now) for x in fresh]
                )
                pairs.extend(zip(fresh, new_ids, strict=True))
            lead_ids.update((id(lead), lead_id) for lead, lead_id in pairs)
            session.execute(
                insert(_table(SourceRow)),
                [
                    {
                        "batch_id": batch.id,
                        "lead_id": lead_id,
                        "sheet": sheet,
                        "section": record.section,
                        "row_numbers": list(record.row_numbers),
                        "raw": {**record.fields, **record.extra},
                        "outcome": "lead",
                    }
                    for lead, lead_id in pairs
                    for record in lead.records
                ],
            )
            progress(total + position + len(chunk), total * 2)
        self._queue_review(session, batch, plan, lead_ids, doubtful)
        return matched

    @staticmethod
    def _queue_review(
        session: Session,
        batch: ImportBatch,
        plan: BatchPlan,
        lead_ids: dict[int, int],
        doubtful: list[tuple[PlannedLead, int, float, tuple[str, ...]]],
    ) -> None:
        """Put the doubtful pairs in the Duplicates queue (each pair once, ever), in bulk."""
        # (first lead id, second lead id) -> (score, reasons, event id), first < second.
        pairs: dict[tuple[int, int], tuple[float, list[str], int | None]] = {}

        def add(
            a: int | None, b: int | None, score: float, why: list[str], event: int | None
        ) -> None:
            if a is None or b is None or a == b:
                return
            key = (min(a, b), max(a, b))
            pairs.setdefault(key, (score, why, event))

        for pair in plan.review:
            add(
                lead_ids.get(id(plan.leads[pair.first])),
                lead_ids.get(id(plan.leads[pair.second])),
                pair.score,
                list(pair.reasons),
                batch.event_id,
            )
        # The stored person's most recent lead stands for them in the queue.
        latest: dict[int, tuple[int, int]] = {}  # person id -> (lead id, event id)
        people = sorted({person_id for _lead, person_id, _s, _r in doubtful})
        for start in range(0, len(people), 500):
            part = people[start : start + 500]
            newest = (
                select(Lead.person_id, func.max(Lead.id).label("lead_id"))
                .where(Lead.person_id.in_(part), Lead.status != "merged")
                .group_by(Lead.person_id)
                .subquery()
            )
            for person_id, lead_id, event_id in session.execute(
                select(newest.c.person_id, Lead.id, Lead.event_id).join(
                    Lead, Lead.id == newest.c.lead_id
                )
            ):
                latest[person_id] = (lead_id, event_id)
        for lead, person_id, score, reasons in doubtful:
            theirs = latest.get(person_id)
            if theirs is None:
                continue
            event_id = batch.event_id if theirs[1] == batch.event_id else None
            add(lead_ids.get(id(lead)), theirs[0], score, list(reasons), event_id)
        if not pairs:
            return
        # Pairs proposed or decided before (in either order) are not proposed again.
        known: set[tuple[int, int]] = set()
        involved = sorted({lead for pair in pairs for lead in pair})
        for start in range(0, len(involved), 500):
            part = involved[start : start + 500]
            for a, b in session.execute(
                select(DuplicateCandidate.lead_id, DuplicateCandidate.other_lead_id).where(
                    DuplicateCandidate.lead_id.in_(part)
                    | DuplicateCandidate.other_lead_id.in_(part)
                )
            ):
                known.add((min(a, b), max(a, b)))
        now = utcnow()
        rows = [
            {
                "event_id": event_id,
                "lead_id": first,
                "other_lead_id": second,
                "score": score,
                "reasons": reasons,
                "status": "pending",
                "created_at": now,
            }
            for (first, second), (score, reasons, event_id) in pairs.items()
            if (first, second) not in known
        ]
        if rows:
            session.execute(insert(_table(DuplicateCandidate)), rows)


def _previous_batch(session: Session, event_id: int, sha256: str) -> ImportBatch | None:
    return session.scalars(
        select(ImportBatch)
        .where(ImportBatch.event_id == event_id, ImportBatch.file_sha256 == sha256)
        .where(ImportBatch.status == "committed")
        .order_by(ImportBatch.imported_at)
    ).first()


def _table(model: type[Any]) -> Table:
    """A model's table, for inserts at SQL Core level (no ORM unit of work)."""
    return cast(Table, model.__table__)


def _insert_with_ids(
    session: Session, model: type[Person] | type[Lead], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert many rows at SQL Core level and return their ids in the rows' order.

    On SQLite the write transaction holds the database lock (``BEGIN IMMEDIATE``),
    so the ids can be given out from the current maximum and the rows sent in one
    ``executemany``; asking SQLite for ordered ``RETURNING`` instead costs one
    statement per row. Other databases return the ids of a multi-row insert in order.
    """
    table = _table(model)
    if session.get_bind().dialect.name == "sqlite":
        start = int(session.scalar(select(func.max(table.c.id))) or 0)
        ids = list(range(start + 1, start + 1 + len(rows)))
        for row, new_id in zip(rows, ids, strict=True):
            row["id"] = new_id
        for group in _by_columns(table, rows).values():
            session.execute(insert(table), [row for _at, row in group])
        return ids
    ids = [0] * len(rows)
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    for group in _by_columns(table, rows).values():
        result = session.execute(statement, [row for _at, row in group])
        for (at, _row), row_id in zip(group, result.scalars(), strict=True):
            ids[at] = int(row_id)
    return ids


def _by_columns(
    table: Table, rows: list[dict[str, Any]]
) -> dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]]:
    """Rows grouped by their set of columns, with their positions.

    One ``executemany`` per group: rows that leave a column out get its default.
    A column without a default, or with a plain value as default, is filled in
    first (NULL, or that value), so rows that differ only in the fields their
    list had go in one group, not dozens.
    """
    named = set().union(*rows) if rows else set()
    fill: dict[str, Any] = {}
    for name in named:
        column = table.c[name]
        if column.server_default is not None:
            continue
        if column.default is None:
            fill[name] = None
        elif column.default.is_scalar:
            fill[name] = column.default.arg  # type: ignore[attr-defined]
    everything = tuple(sorted(named))
    groups: dict[tuple[str, ...], list[tuple[int, dict[str, Any]]]] = {}
    for at, row in enumerate(rows):
        if len(row) < len(named):
            for name, value in fill.items():
                row.setdefault(name, value)
        columns = everything if len(row) == len(named) else tuple(sorted(row))
        groups.setdefault(columns, []).append((at, row))
    return groups


_MATCH_COLUMNS = (
    Person.id,
    Person.first_name,
    Person.last_name,
    Person.email,
    Person.phone_key,
    Person.company,
    Person.merged_into_id,
    Person.erased_at,
)


def _block_counts(
    session: Session, column: Any, keys: list[str], most: int
) -> Iterator[tuple[tuple[str, str], int]]:
    """How many live stored people share each key (keys nobody has are left out).

    Counted from the key's index alone; only a key over ``most`` there is counted
    again without the merged and erased people, which are few.
    """
    kind = column.key.removesuffix("_key")
    counts: dict[str, int] = dict(
        session.execute(select(column, func.count()).where(column.in_(keys)).group_by(column)).all()
    )
    large = [key for key, count in counts.items() if count > most]
    if large:
        counts.update(
            session.execute(
                select(column, func.count())
                .where(
                    column.in_(large), Person.merged_into_id.is_(None), Person.erased_at.is_(None)
                )
                .group_by(column)
            ).all()
        )
    for key, count in counts.items():
        yield (kind, key), int(count)


def _known_persons(
    session: Session,
    chunk: list[PersonRecord],
    rules: DedupeRules,
    taken: set[int],
    block_sizes: dict[tuple[str, str], int] | None = None,
) -> tuple[
    dict[int, int],
    list[tuple[int, int, float, tuple[str, ...]]],
    dict[int, dict[str, str | None]],
]:
    """Match a chunk of leads against the stored people.

    ``block_sizes`` remembers, across the chunks of one import, how many stored
    people share each key: a common name is counted once, not once per chunk.

    Returns:
        ``{record key: person id}`` for the sure matches (a person goes to one lead
        of the batch at most), and ``(record key, person id, score, reasons)`` for
        the doubtful ones; record keys are the leads' positions in the plan, >= 0.
        Last, ``{record key: person keys}`` for the records without a sure match:
        what their new person will store, from the same folding.
    """
    if block_sizes is None:
        block_sizes = {}
    records = PreparedRecords(chunk, rules)
    wanted = records.lookup_keys(("email", "phone", "name"))
    columns = {"email": Person.email_key, "phone": Person.phone_key, "name": Person.name_key}
    against: dict[int, PersonRecord] = {}
    for kind, keys in wanted.items():
        column = columns[kind]
        ordered = sorted(keys)
        for start in range(0, len(ordered), 500):
            part = ordered[start : start + 500]
            # A key shared by more stored people than a block may hold (John Smith, a
            # switchboard) says nothing the matcher would use: skip it, fetch the rest.
            unknown = [key for key in part if (kind, key) not in block_sizes]
            if unknown:
                block_sizes.update(((kind, key), 0) for key in unknown)
                block_sizes.update(_block_counts(session, column, unknown, rules.max_block))
            part = [key for key in part if 0 < block_sizes[(kind, key)] <= rules.max_block]
            if not part:
                continue
            # The people of these blocks, by the key's index: the live test is made here,
            # not in SQL, where SQLite would rather walk the (nearly all empty)
            # merged_into_id index over the whole table.
            for row in session.execute(select(*_MATCH_COLUMNS).where(column.in_(part))):
                person_id, first, last, email, phone, company, merged, erased = row
                if merged is None and erased is None and person_id not in against:
                    against[person_id] = PersonRecord(
                        key=-person_id,
                        first_name=first,
                        last_name=last,
                        email=email,
                        phone=phone,
                        company=company,
                    )
    if not against:
        return {}, [], dict(records.person_keys())
    sure: dict[int, int] = {}
    doubtful: list[tuple[int, int, float, tuple[str, ...]]] = []
    for match in find_matches(records, list(against.values()), rules=rules, across_only=True):
        at, person_id = (match.a, -match.b) if match.a >= 0 else (match.b, -match.a)
        if at in sure:
            continue
        if match.score >= rules.auto_merge_threshold and person_id not in taken:
            sure[at] = person_id
            taken.add(person_id)
        else:
            doubtful.append((at, person_id, match.score, match.reasons))
    doubtful = [item for item in doubtful if item[0] not in sure]
    return sure, doubtful, {at: keys for at, keys in records.person_keys() if at not in sure}


def _person_values(lead: PlannedLead, keys: dict[str, str | None], now: datetime) -> dict[str, Any]:
    columns = lead.columns
    return {
        "first_name": columns.get("first_name"),
        "last_name": columns.get("last_name"),
        "email": columns.get("email"),
        "company": columns.get("company"),
        **keys,
        "created_at": now,
        "updated_at": now,
    }


def _lead_values(lead: PlannedLead, batch: ImportBatch, now: datetime) -> dict[str, Any]:
    extra: dict[str, Any] = dict(lead.extra)
    if lead.unmapped:
        extra["unmapped_columns"] = lead.unmapped
    return {
        **lead.columns,
        "event_id": batch.event_id,
        "person_id": lead.person_id,
        "batch_id": batch.id,
        "extra_fields": extra,
        "raw_fields": lead.raw,
        "issues": [issue.to_dict() for issue in lead.issues],
        "issue_count": len(lead.issues),
        "created_at": now,
        "updated_at": now,
    }


def _merge_into(stored: Lead, lead: PlannedLead) -> None:
    """A second list for the same event: fill what the stored lead lacks, keep what it has.

    The highest engagement and any opt-out win (DESIGN §4).
    """
    outcome = {"engagement_level": stored.engagement_level, "consent": stored.consent}
    if stored.engagement_detail:
        outcome["engagement_detail"] = stored.engagement_detail
    if stored.engagement_level in (None, "", "Unknown"):
        outcome.pop("engagement_level")
    merge_outcomes(outcome, lead.columns)
    for name, value in lead.columns.items():
        if getattr(stored, name, None) in (None, ""):
            setattr(stored, name, value)
    for name, value in outcome.items():
        setattr(stored, name, value)
    stored.raw_fields = {**lead.raw, **(stored.raw_fields or {})}
    extra = dict(stored.extra_fields or {})
    for name, value in lead.extra.items():
        extra.setdefault(name, value)
    stored.extra_fields = extra
    known = {tuple(sorted(issue.items())) for issue in stored.issues or []}
    stored.issues = list(stored.issues or []) + [
        issue.to_dict()
        for issue in lead.issues
        if tuple(sorted(issue.to_dict().items())) not in known
    ]
    stored.issue_count = len(stored.issues)
