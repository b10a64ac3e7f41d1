"""Plan an import batch: which records become leads, which are rejected, which are one person.

Pure: mapped records in, a plan out. Rows of the same person within the file
are folded into one lead by exact e-mail (case-folded); a shared mailbox
(info@, sales@) never folds two rows; a row without an e-mail is folded with
another by the same phone number. Fuzzy matching arrives with the dedupe
capability and replaces this rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from importers.base import CancelToken, MappedRecord, ProgressFn, no_progress
from intake_app.core.dedupe import PersonRecord, auto_clusters, find_matches
from intake_app.core.engagement import RANK
from intake_app.core.issues import Issue
from intake_app.core.lead_values import (
    RecordContext,
    email_key,
    first_pass,
    is_shared_mailbox,
    phone_key,
    screen,
)
from schemas import CorporateSchema


@dataclass(slots=True)
class PlannedLead:
    columns: dict[str, str]
    raw: dict[str, str]
    extra: dict[str, str]  # import targets (minutes attended, rating, ...) by name
    unmapped: dict[str, str]  # source columns no target took, by heading: never dropped
    issues: list[Issue]
    records: list[MappedRecord]
    key: str | None  # the e-mail that identifies the person, if any
    phone_key: str | None = None  # E.164 (or digits) of the phone, the key when no e-mail
    person_id: int | None = None  # set when the batch is written

    @property
    def identity(self) -> tuple[str, str] | None:
        """What identifies the person within and across files: e-mail, else phone."""
        if self.key:
            return ("email", self.key)
        if self.phone_key:
            return ("phone", self.phone_key)
        return None

    @property
    def row_numbers(self) -> list[int]:
        return sorted(number for record in self.records for number in record.row_numbers)

    def absorb(self, other: PlannedLead) -> None:
        """Fold another row of the same person in: a non-empty value beats an empty one."""
        pairs = (
            (other.columns, self.columns),
            (other.extra, self.extra),
            (other.unmapped, self.unmapped),
        )
        for source, target in pairs:
            for name, value in source.items():
                target.setdefault(name, value)
        for name, value in other.raw.items():
            self.raw.setdefault(name, value)
        merge_outcomes(self.columns, other.columns)
        known = set(self.issues)
        self.issues.extend(issue for issue in other.issues if issue not in known)
        self.records.extend(other.records)


def merge_outcomes(kept: dict[str, str], other: dict[str, str]) -> None:
    """Merge a person's rows (DESIGN §4).

    The highest engagement wins; for consent any opt-out wins, else any opt-in.
    """
    rank_other = RANK.get(other.get("engagement_level", ""), 0)
    if rank_other > RANK.get(kept.get("engagement_level", ""), 0):
        kept["engagement_level"] = other["engagement_level"]
        if "engagement_detail" in other:
            kept["engagement_detail"] = other["engagement_detail"]
    consents = {kept.get("consent"), other.get("consent")}
    if "opted_out" in consents:
        kept["consent"] = "opted_out"
    elif "opted_in" in consents:
        kept["consent"] = "opted_in"


@dataclass(frozen=True, slots=True)
class RejectedRecord:
    record: MappedRecord
    reason: str


@dataclass(frozen=True)
class ReviewPair:
    """Two planned leads (indexes into ``BatchPlan.leads``) that may be one person."""

    first: int
    second: int
    score: float
    reasons: tuple[str, ...]


@dataclass
class BatchPlan:
    leads: list[PlannedLead] = field(default_factory=list)
    rejected: list[RejectedRecord] = field(default_factory=list)
    records: int = 0
    duplicates_in_file: int = 0
    review: list[ReviewPair] = field(default_factory=list)

    @property
    def flagged(self) -> int:
        return sum(1 for lead in self.leads if lead.issues)

    def rejected_reasons(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for rejected in self.rejected:
            counts[rejected.reason] = counts.get(rejected.reason, 0) + 1
        return counts


def plan_batch(
    records: Iterable[MappedRecord],
    schema: CorporateSchema,
    *,
    lead_source: str | None = None,
    context: RecordContext | None = None,
    total: int = 0,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> BatchPlan:
    """Turn mapped records into planned leads and rejections."""
    plan = BatchPlan()
    by_key: dict[tuple[str, str], PlannedLead] = {}
    for count, record in enumerate(records, start=1):
        if count % 2000 == 0:
            if cancel is not None:
                cancel.check()
            progress(count, total)
        plan.records += 1
        cleaned = first_pass(record.fields, schema, context)
        reason = screen(cleaned.columns, cleaned.raw)
        if reason is not None:
            plan.rejected.append(RejectedRecord(record, reason))
            continue
        if lead_source and "lead_source" not in cleaned.columns:
            cleaned.columns["lead_source"] = lead_source
        email = cleaned.columns.get("email")
        key = None if is_shared_mailbox(email) else email_key(email)
        lead = PlannedLead(
            columns=cleaned.columns,
            raw=cleaned.raw,
            extra=cleaned.extra,
            unmapped={heading: value for heading, value in record.extra.items() if value},
            issues=list(cleaned.issues),
            records=[record],
            key=key,
            phone_key=phone_key(
                cleaned.columns.get("phone") or cleaned.columns.get("mobile_phone"),
                cleaned.columns.get("country"),
            ),
        )
        identity = lead.identity
        if identity is not None and identity in by_key:
            by_key[identity].absorb(lead)
            plan.duplicates_in_file += 1
            continue
        if identity is not None:
            by_key[identity] = lead
        plan.leads.append(lead)
    plan.review = fold_duplicates(plan, schema)
    progress(plan.records, plan.records)
    return plan


def person_record(key: int, columns: dict[str, str]) -> PersonRecord:
    """What the matcher sees of a lead's normalised values."""
    return PersonRecord(
        key=key,
        first_name=columns.get("first_name"),
        last_name=columns.get("last_name"),
        email=columns.get("email"),
        phone=columns.get("phone"),
        mobile_phone=columns.get("mobile_phone"),
        company=columns.get("company"),
        city=columns.get("city"),
        country=columns.get("country"),
    )


def fold_duplicates(plan: BatchPlan, schema: CorporateSchema) -> list[ReviewPair]:
    """Fold the planned leads that are one person (fuzzy matching), queue the doubtful.

    Pairs at or above the schema's automatic threshold are folded into the first
    lead of their cluster (clusters do not chain and stay small); pairs between
    the review and the automatic threshold are returned for a person to decide.
    """
    rules = schema.dedupe_rules
    if len(plan.leads) < 2:
        return []
    records = [person_record(position, lead.columns) for position, lead in enumerate(plan.leads)]
    matches = find_matches(records, rules=rules)
    if not matches:
        return []
    head_of: dict[int, int] = {}
    for group in auto_clusters(range(len(records)), matches, rules):
        head = group[0]
        for other in group[1:]:
            plan.leads[head].absorb(plan.leads[other])
            plan.duplicates_in_file += 1
            head_of[other] = head
    survivors = [i for i in range(len(plan.leads)) if i not in head_of]
    position = {old: new for new, old in enumerate(survivors)}
    pairs: dict[tuple[int, int], ReviewPair] = {}
    for match in matches:
        a, b = head_of.get(match.a, match.a), head_of.get(match.b, match.b)
        if a == b or match.score < rules.review_threshold:
            continue
        first, second = sorted((position[a], position[b]))
        if (first, second) not in pairs:  # matches come best first
            pairs[(first, second)] = ReviewPair(first, second, match.score, match.reasons)
    plan.leads = [plan.leads[i] for i in survivors]
    return list(pairs.values())
