"""The review queue of possible duplicates: compare, merge, keep apart, unmerge.

A candidate pairs two leads that may be one person. Merging keeps the first
lead (the one stored earlier) with the value chosen per field, moves the other
lead's file rows onto it and marks the other lead ``merged`` (it stays stored, so
nothing is lost); when the two leads belong to different people, that person is
folded into the surviving one, with all their event memberships. Everything the
merge changed is kept in a :class:`MergeDecision` snapshot, which unmerge puts
back. "Not the same person" is remembered: the pair is never proposed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from intake_app.core.batch import merge_outcomes
from intake_app.core.errors import NotFoundError, ValidationError
from intake_app.db.base import utcnow
from intake_app.db.models import DuplicateCandidate, Event, Lead, MergeDecision, Person, SourceRow
from intake_app.services import access, audit
from intake_app.services.context import AppContext
from intake_app.services.leads import CANONICAL_COLUMNS

# Fields a person chooses between when merging; the rest follow the rules.
COMPARED = (
    "first_name", "last_name", "email", "phone", "mobile_phone", "company", "job_title",
    "job_level", "job_function", "industry", "country", "state", "city", "postal_code",
    "street", "website", "notes",
)  # fmt: skip


@dataclass(frozen=True)
class Side:
    lead_id: int
    person_id: int
    event_id: int
    event_name: str
    values: dict[str, Any]
    source_rows: list[int]


@dataclass(frozen=True)
class CandidateView:
    id: int
    score: float
    reasons: list[str]
    status: str
    first: Side
    second: Side

    def differing(self) -> list[str]:
        """The compared fields whose values differ (empty against a value counts)."""
        return [
            name
            for name in COMPARED
            if (self.first.values.get(name) or "") != (self.second.values.get(name) or "")
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "score": round(self.score, 3),
            "reasons": self.reasons,
            "status": self.status,
            "leads": [
                {
                    "lead_id": side.lead_id,
                    "person_id": side.person_id,
                    "event_id": side.event_id,
                    **{name: side.values.get(name) for name in COMPARED},
                    "source_rows": side.source_rows,
                }
                for side in (self.first, self.second)
            ],
        }


def _side_of(lead: Lead, events: dict[int, str], rows: dict[int, list[int]]) -> Side:
    return Side(
        lead_id=lead.id,
        person_id=lead.person_id,
        event_id=lead.event_id,
        event_name=events.get(lead.event_id, ""),
        values={name: getattr(lead, name) for name in CANONICAL_COLUMNS},
        source_rows=sorted(rows.get(lead.id, [])),
    )


def _lead_state(lead: Lead) -> dict[str, Any]:
    return {
        **{name: audit.plain(getattr(lead, name)) for name in CANONICAL_COLUMNS},
        "person_id": lead.person_id,
        "status": lead.status,
        "issues": list(lead.issues or []),
        "issue_count": lead.issue_count,
    }


class DuplicateService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    # ------------------------------------------------------------ the queue

    def pending(self, event_id: int | None = None, limit: int | None = None) -> list[CandidateView]:
        """Pairs waiting for a decision (of one event's leads, if given), best first.

        Loaded in a handful of queries whatever the queue's length: a large import can
        queue thousands of pairs.
        """
        with self.ctx.db.read() as session:
            statement = select(DuplicateCandidate).where(DuplicateCandidate.status == "pending")
            if event_id is not None:
                statement = statement.where(DuplicateCandidate.event_id == event_id)
            statement = statement.order_by(DuplicateCandidate.score.desc(), DuplicateCandidate.id)
            if limit is not None:
                statement = statement.limit(limit)
            candidates = list(session.scalars(statement))
            ids = {c.lead_id for c in candidates} | {c.other_lead_id for c in candidates}
            leads: dict[int, Lead] = {}
            rows: dict[int, list[int]] = {}
            for start in range(0, len(ids), 500):
                part = sorted(ids)[start : start + 500]
                leads.update(
                    (lead.id, lead)
                    for lead in session.scalars(select(Lead).where(Lead.id.in_(part)))
                )
                for lead_id, numbers in session.execute(
                    select(SourceRow.lead_id, SourceRow.row_numbers).where(
                        SourceRow.lead_id.in_(part)
                    )
                ):
                    rows.setdefault(int(lead_id), []).extend(int(n) for n in numbers)
            names = {
                int(row[0]): str(row[1]) for row in session.execute(select(Event.id, Event.name))
            }
            views = []
            for candidate in candidates:
                first = leads.get(candidate.lead_id)
                second = leads.get(candidate.other_lead_id)
                if first is None or second is None or "merged" in (first.status, second.status):
                    continue
                views.append(
                    CandidateView(
                        id=candidate.id,
                        score=candidate.score,
                        reasons=[str(reason) for reason in candidate.reasons or []],
                        status=candidate.status,
                        first=_side_of(first, names, rows),
                        second=_side_of(second, names, rows),
                    )
                )
            return views

    def count_pending(self) -> int:
        with self.ctx.db.read() as session:
            return int(
                session.scalar(
                    select(func.count(DuplicateCandidate.id)).where(
                        DuplicateCandidate.status == "pending"
                    )
                )
                or 0
            )

    @staticmethod
    def propose(
        session: Session,
        lead_id: int,
        other_lead_id: int,
        score: float,
        reasons: list[str],
        event_id: int | None,
    ) -> bool:
        """Queue a pair unless it was proposed or decided before (in either order)."""
        known = session.scalar(
            select(DuplicateCandidate.id).where(
                or_(
                    (DuplicateCandidate.lead_id == lead_id)
                    & (DuplicateCandidate.other_lead_id == other_lead_id),
                    (DuplicateCandidate.lead_id == other_lead_id)
                    & (DuplicateCandidate.other_lead_id == lead_id),
                )
            )
        )
        if known is not None:
            return False
        first, second = sorted((lead_id, other_lead_id))
        session.add(
            DuplicateCandidate(
                event_id=event_id,
                lead_id=first,
                other_lead_id=second,
                score=score,
                reasons=list(reasons),
            )
        )
        return True

    # ------------------------------------------------------------ decisions

    def keep_apart(self, candidate_id: int) -> None:
        """Not the same person: remembered, never proposed again."""
        access.require_candidate(self.ctx, candidate_id, "decide duplicates of")
        with self.ctx.db.write() as session:
            candidate = self._pending(session, candidate_id)
            candidate.status = "kept_apart"
            candidate.decided_by = self.ctx.user
            candidate.decided_at = utcnow()
            audit.record(
                session,
                user=self.ctx.user,
                action="keep_apart",
                entity="duplicate_candidate",
                entity_id=candidate_id,
                event_id=candidate.event_id,
                changes={"leads": [None, [candidate.lead_id, candidate.other_lead_id]]},
            )

    def merge(self, candidate_id: int, take_second: set[str] | None = None) -> int:
        """Merge the pair into its first lead; return the merge decision's id.

        ``take_second`` names the fields whose value comes from the second lead;
        for the others, a value beats an empty one.

        Raises:
            NotFoundError: no such candidate.
            ValidationError: it was decided already, or a field is not one to choose.
        """
        access.require_candidate(self.ctx, candidate_id, "merge leads of")
        chosen = set(take_second or ())
        unknown = chosen - set(COMPARED)
        if unknown:
            raise ValidationError(f"{', '.join(sorted(unknown))} cannot be chosen when merging.")
        with self.ctx.db.write(exclusive=True) as session:
            candidate = self._pending(session, candidate_id)
            keep = session.get(Lead, candidate.lead_id)
            drop = session.get(Lead, candidate.other_lead_id)
            if keep is None or drop is None:
                raise NotFoundError(f"A lead of candidate {candidate_id} no longer exists.")
            snapshot: dict[str, Any] = {
                "keep": _lead_state(keep),
                "drop": _lead_state(drop),
                "moved_rows": [],
                "moved_leads": [],
                "person": None,
            }
            if keep.event_id == drop.event_id:
                self._merge_leads(session, keep, drop, chosen, snapshot)
            else:
                # Two events: one person with two memberships; chosen values go to the
                # surviving lead's record of the person.
                for name in chosen:
                    setattr(keep, name, getattr(drop, name))
            if keep.person_id != drop.person_id:
                self._merge_persons(session, keep.person_id, drop.person_id, snapshot)
            candidate.status = "merged"
            candidate.decided_by = self.ctx.user
            candidate.decided_at = utcnow()
            decision = MergeDecision(
                candidate_id=candidate.id,
                surviving_person_id=keep.person_id,
                merged_person_id=snapshot["drop"]["person_id"],
                automatic=False,
                score=candidate.score,
                reasons=list(candidate.reasons or []),
                snapshot=snapshot,
                decided_by=self.ctx.user,
            )
            session.add(decision)
            session.flush()
            audit.record(
                session,
                user=self.ctx.user,
                action="merge",
                entity="lead",
                entity_id=keep.id,
                event_id=keep.event_id,
                changes={
                    "merged_lead": [None, drop.id],
                    **{
                        name: [snapshot["keep"][name], audit.plain(getattr(keep, name))]
                        for name in sorted(chosen)
                    },
                },
            )
            return decision.id

    def _merge_leads(
        self, session: Session, keep: Lead, drop: Lead, chosen: set[str], snapshot: dict[str, Any]
    ) -> None:
        for name in COMPARED:
            mine, theirs = getattr(keep, name), getattr(drop, name)
            if name in chosen or (mine in (None, "") and theirs not in (None, "")):
                setattr(keep, name, theirs)
        outcome = {"engagement_level": keep.engagement_level, "consent": keep.consent}
        if keep.engagement_detail:
            outcome["engagement_detail"] = keep.engagement_detail
        other = {"engagement_level": drop.engagement_level, "consent": drop.consent}
        if drop.engagement_detail:
            other["engagement_detail"] = drop.engagement_detail
        merge_outcomes(outcome, other)
        for name, value in outcome.items():
            setattr(keep, name, value)
        kept_fields = {issue.get("field") for issue in keep.issues or []}
        keep.issues = [
            issue
            for issue in [*(keep.issues or []), *(drop.issues or [])]
            if getattr(keep, str(issue.get("field")), None) in (None, "")
            or issue.get("field") in kept_fields
        ]
        keep.issue_count = len(keep.issues)
        rows = list(session.scalars(select(SourceRow).where(SourceRow.lead_id == drop.id)))
        for row in rows:
            row.lead_id = keep.id
        snapshot["moved_rows"] = [row.id for row in rows]
        drop.status = "merged"

    def _merge_persons(
        self, session: Session, keep_id: int, drop_id: int, snapshot: dict[str, Any]
    ) -> None:
        person = session.get(Person, drop_id)
        if person is None:
            return
        moved = []
        for lead in session.scalars(select(Lead).where(Lead.person_id == drop_id)):
            clash = session.scalar(
                select(Lead.id).where(Lead.person_id == keep_id, Lead.event_id == lead.event_id)
            )
            if clash is None:  # the same person at another event: one more membership
                lead.person_id = keep_id
                moved.append(lead.id)
        person.merged_into_id = keep_id
        snapshot["moved_leads"] = moved
        snapshot["person"] = drop_id

    def _pending(self, session: Session, candidate_id: int) -> DuplicateCandidate:
        candidate = session.get(DuplicateCandidate, candidate_id)
        if candidate is None:
            raise NotFoundError(f"There is no duplicate candidate with id {candidate_id}.")
        if candidate.status != "pending":
            raise ValidationError(
                f"Candidate {candidate_id} was decided already ({candidate.status})."
            )
        return candidate

    def merges(self, event_id: int | None = None) -> list[MergeView]:
        """Merges that can be undone, newest first."""
        with self.ctx.db.read() as session:
            statement = (
                select(MergeDecision, DuplicateCandidate.event_id)
                .join(DuplicateCandidate, DuplicateCandidate.id == MergeDecision.candidate_id)
                .where(MergeDecision.undone_at.is_(None))
                .order_by(MergeDecision.id.desc())
            )
            if event_id is not None:
                statement = statement.where(DuplicateCandidate.event_id == event_id)
            return [
                MergeView(
                    id=decision.id,
                    at=decision.decided_at,
                    by=decision.decided_by,
                    automatic=decision.automatic,
                    names=(
                        " ".join(
                            str(decision.snapshot["keep"].get(k) or "")
                            for k in ("first_name", "last_name")
                        ).strip(),
                        " ".join(
                            str(decision.snapshot["drop"].get(k) or "")
                            for k in ("first_name", "last_name")
                        ).strip(),
                    ),
                    event_id=candidate_event,
                )
                for decision, candidate_event in session.execute(statement)
            ]

    def unmerge(self, decision_id: int) -> None:
        """Put both leads (and people) back as they were before the merge."""
        with self.ctx.db.write(exclusive=True) as session:
            decision = session.get(MergeDecision, decision_id)
            if decision is None:
                raise NotFoundError(f"There is no merge with id {decision_id}.")
            if decision.undone_at is not None:
                raise ValidationError(f"Merge {decision_id} was undone already.")
            snapshot = decision.snapshot
            candidate = (
                session.get(DuplicateCandidate, decision.candidate_id)
                if decision.candidate_id is not None
                else None
            )
            keep = session.get(Lead, candidate.lead_id) if candidate else None
            drop = session.get(Lead, candidate.other_lead_id) if candidate else None
            if candidate is None or keep is None or drop is None:
                raise NotFoundError(f"The leads of merge {decision_id} no longer exist.")
            for lead, state in ((keep, snapshot["keep"]), (drop, snapshot["drop"])):
                for name in CANONICAL_COLUMNS:
                    if name == "consent_at":
                        continue
                    setattr(lead, name, state.get(name))
                lead.status = state["status"]
                lead.issues = list(state["issues"])
                lead.issue_count = int(state["issue_count"])
            for row_id in snapshot.get("moved_rows", []):
                row = session.get(SourceRow, row_id)
                if row is not None:
                    row.lead_id = drop.id
            for lead_id in snapshot.get("moved_leads", []):
                moved = session.get(Lead, lead_id)
                if moved is not None:
                    moved.person_id = int(snapshot["drop"]["person_id"])
            if snapshot.get("person") is not None:
                person = session.get(Person, int(snapshot["person"]))
                if person is not None:
                    person.merged_into_id = None
            decision.undone_by = self.ctx.user
            decision.undone_at = utcnow()
            candidate.status = "pending"  # back in the queue, to decide again
            candidate.decided_by = None
            candidate.decided_at = None
            audit.record(
                session,
                user=self.ctx.user,
                action="unmerge",
                entity="lead",
                entity_id=keep.id,
                event_id=keep.event_id,
                changes={"merged_lead": [drop.id, None]},
            )


@dataclass(frozen=True)
class MergeView:
    id: int
    at: Any
    by: str
    automatic: bool
    names: tuple[str, str]
    event_id: int | None
