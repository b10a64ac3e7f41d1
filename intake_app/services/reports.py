"""Ops reports from the database: timeliness and SLA compliance, data quality, governance.

Governance: each report has an owner and a review cadence (team settings, kept
in the database); "Mark reviewed" records who and when in the audit log; a
review past its cadence shows on the Dashboard.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from intake_app.core import reports
from intake_app.core.errors import ValidationError
from intake_app.core.lead_values import clean_text
from intake_app.db.base import utcnow
from intake_app.db.models import AuditEntry, ImportBatch, Lead, SourceRow
from intake_app.services import audit
from intake_app.services.context import AppContext
from intake_app.services.settings_store import SettingsStore
from intake_app.services.sla import BoardFilter, SlaService

REPORTS = {
    "timeliness": "Intake timeliness and SLA compliance",
    "quality": "Lead data quality",
}
DEFAULT_CADENCE_DAYS = {"timeliness": 7, "quality": 30}
_FIELDS = (*reports.QUALITY_FIELDS, "engagement_level", "consent")


@dataclass(frozen=True)
class ReportFilter:
    ended_from: date | None = None
    ended_to: date | None = None
    owner: str | None = None
    event_type: str | None = None
    region: str | None = None

    def describe(self) -> str:
        parts = []
        if self.ended_from or self.ended_to:
            start = self.ended_from.isoformat() if self.ended_from else "the start"
            end = self.ended_to.isoformat() if self.ended_to else "today"
            parts.append(f"events ended {start} to {end}")
        else:
            parts.append("all events")
        for label, value in (
            ("owner", self.owner),
            ("type", self.event_type),
            ("region", self.region),
        ):
            if value:
                parts.append(f"{label} {value}")
        return ", ".join(parts)

    def board(self) -> BoardFilter:
        return BoardFilter(
            owner=self.owner,
            event_type=self.event_type,
            region=self.region,
            ended_from=self.ended_from,
            ended_to=self.ended_to,
        )


@dataclass(frozen=True)
class Governance:
    code: str
    title: str
    owner: str | None
    cadence_days: int
    last_reviewed_at: datetime | None
    last_reviewed_by: str | None

    def due_at(self) -> datetime | None:
        if self.last_reviewed_at is None:
            return None
        return self.last_reviewed_at + timedelta(days=self.cadence_days)

    def overdue(self, now: datetime) -> bool:
        due = self.due_at()
        return due is None or now > due

    def describe(self, now: datetime) -> str:
        who = self.owner or "nobody yet"
        if self.last_reviewed_at is None:
            return f"Owner: {who}; every {self.cadence_days} days; never reviewed."
        due = self.due_at()
        assert due is not None
        state = "overdue since" if now > due else "next review by"
        return (
            f"Owner: {who}; every {self.cadence_days} days; last reviewed"
            f" {self.last_reviewed_at:%Y-%m-%d} by {self.last_reviewed_by}; {state} {due:%Y-%m-%d}."
        )


class ReportService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------ timeliness

    def event_facts(
        self, filters: ReportFilter | None = None, now: datetime | None = None
    ) -> list[reports.EventFact]:
        moment = now or utcnow()
        rows = SlaService(self.ctx).board(moment, (filters or ReportFilter()).board())
        return [
            reports.EventFact(
                event_id=row.event.id,
                name=row.event.name,
                event_type=row.event.event_type_label,
                owner=row.event.owner or "",
                region=row.region,
                leads=row.event.lead_count,
                state=row.state,
                escalated=any(stage.escalated for stage in row.state.stages),
            )
            for row in rows
        ]

    def timeliness(
        self,
        filters: ReportFilter | None = None,
        group: str = "owner",
        now: datetime | None = None,
    ) -> reports.Report:
        if group not in reports.GROUPS:
            raise ValidationError(
                f"Cannot group by {group!r}; use one of {', '.join(reports.GROUPS)}.", "group"
            )
        moment = now or utcnow()
        chosen = filters or ReportFilter()
        facts = self.event_facts(chosen, moment)
        return reports.timeliness_report(facts, group, chosen.describe(), moment)

    # ------------------------------------------------------------ quality

    def batch_facts(self, filters: ReportFilter | None = None) -> list[reports.BatchFact]:
        chosen = filters or ReportFilter()
        rows = SlaService(self.ctx).board(utcnow(), chosen.board())
        events = {row.event.id: row.event.name for row in rows}
        if not events:
            return []
        with self.ctx.db.read() as session:
            batches = list(
                session.scalars(
                    select(ImportBatch)
                    .where(
                        ImportBatch.event_id.in_(events),
                        ImportBatch.status == "committed",
                    )
                    .order_by(ImportBatch.id)
                )
            )
            ids = [batch.id for batch in batches]
            values: dict[int, list[dict[str, Any]]] = defaultdict(list)
            flagged: dict[int, int] = defaultdict(int)
            columns = [getattr(Lead, name) for name in _FIELDS]
            for batch_id, issue_count, *fields in session.execute(
                select(Lead.batch_id, Lead.issue_count, *columns).where(
                    Lead.batch_id.in_(ids), Lead.status == "active"
                )
            ):
                values[batch_id].append(dict(zip(_FIELDS, fields, strict=True)))
                if issue_count:
                    flagged[batch_id] += 1
            reasons: dict[int, dict[str, int]] = defaultdict(dict)
            for batch_id, reason, count in session.execute(
                select(SourceRow.batch_id, SourceRow.reject_reason, func.count())
                .where(SourceRow.batch_id.in_(ids), SourceRow.outcome == "rejected")
                .group_by(SourceRow.batch_id, SourceRow.reject_reason)
            ):
                reasons[batch_id][reason or "rejected"] = int(count)
            profile_labels = self._profile_labels()
            return [
                reports.BatchFact(
                    event_id=batch.event_id,
                    event_name=events[batch.event_id],
                    platform=profile_labels.get(batch.detected_profile or "", "(not recognised)"),
                    rows=batch.rows_total,
                    rejected=batch.rejected,
                    rejected_reasons=reasons.get(batch.id, {}),
                    duplicates_in_file=batch.duplicates_in_file,
                    matched_existing=batch.matched_existing,
                    leads=values.get(batch.id, []),
                    flagged=flagged.get(batch.id, 0),
                )
                for batch in batches
            ]

    @staticmethod
    def _profile_labels() -> dict[str, str]:
        from importers.profiles import list_profiles

        return {profile.name: profile.platform for profile in list_profiles()}

    def quality(self, filters: ReportFilter | None = None) -> reports.Report:
        chosen = filters or ReportFilter()
        return reports.quality_report(self.batch_facts(chosen), chosen.describe())

    def build(
        self,
        code: str,
        filters: ReportFilter | None = None,
        group: str = "owner",
        now: datetime | None = None,
    ) -> reports.Report:
        if code == "timeliness":
            return self.timeliness(filters, group, now)
        if code == "quality":
            return self.quality(filters)
        raise ValidationError(f"There is no report {code!r}; use timeliness or quality.")

    # ------------------------------------------------------------ governance

    def governance(self, code: str) -> Governance:
        if code not in REPORTS:
            raise ValidationError(f"There is no report {code!r}; use timeliness or quality.")
        chosen = dict(SettingsStore(self.ctx).get("report_governance").get(code, {}))
        with self.ctx.db.read() as session:
            review = session.execute(
                select(AuditEntry.at, AuditEntry.user)
                .where(
                    AuditEntry.action == "review",
                    AuditEntry.entity == "report",
                    AuditEntry.reason == code,
                )
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                .limit(1)
            ).first()
        return Governance(
            code=code,
            title=REPORTS[code],
            owner=chosen.get("owner") or None,
            cadence_days=int(chosen.get("cadence_days") or DEFAULT_CADENCE_DAYS[code]),
            last_reviewed_at=review[0] if review else None,
            last_reviewed_by=review[1] if review else None,
        )

    def set_governance(self, code: str, owner: str | None, cadence_days: int) -> Governance:
        if code not in REPORTS:
            raise ValidationError(f"There is no report {code!r}; use timeliness or quality.")
        if not 1 <= cadence_days <= 366:
            raise ValidationError("A review cadence is between 1 and 366 days.", "cadence")
        store = SettingsStore(self.ctx)
        data = store.get("report_governance")
        data[code] = {"owner": clean_text(owner or "") or None, "cadence_days": cadence_days}
        store.put("report_governance", data, reason=f"report_governance {code}")
        return self.governance(code)

    def mark_reviewed(self, code: str, note: str | None = None) -> Governance:
        self.governance(code)  # validates the code
        with self.ctx.db.write() as session:
            audit.record(
                session,
                user=self.ctx.user,
                action="review",
                entity="report",
                entity_id=None,
                changes={"reviewed": [None, clean_text(note or "") or "reviewed"]},
                reason=code,
            )
        return self.governance(code)

    def overdue_reviews(self, now: datetime | None = None) -> list[Governance]:
        moment = now or utcnow()
        return [g for code in REPORTS if (g := self.governance(code)).overdue(moment)]
