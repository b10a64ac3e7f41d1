"""Applying the access rules: who the user is, and refusing (and auditing) what they may not do.

On SQLite the app is the only guard: the user is ``INTAKE_USER`` or the OS login,
found in the team directory by their login. Nobody found (or no team at all) is
the single user of their own file, with every right. On PostgreSQL the database
login decides, and the database enforces the same rules itself (roles and
row-level security from migration 0006); the checks here only make its refusals
arrive early and as one clear sentence.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from intake_app.core.access import Actor, admin_refusal, event_refusal
from intake_app.core.errors import NotFoundError, PermissionDeniedError
from intake_app.db.models import DuplicateCandidate, Event, Lead, TeamMember
from intake_app.services import audit
from intake_app.services.context import AppContext


def current_actor(ctx: AppContext) -> Actor:
    with ctx.db.read() as session:
        return actor_in(session, ctx)


def actor_in(session: Session, ctx: AppContext) -> Actor:
    """The user as the database and the team directory know them."""
    if ctx.db.backend == "postgresql":
        login, owner, ops = session.execute(
            text(
                "SELECT current_user, r.rolsuper OR d.datdba = r.oid,"
                " pg_has_role(current_user, 'intake_ops', 'MEMBER')"
                " FROM pg_roles r, pg_database d"
                " WHERE r.rolname = current_user AND d.datname = current_database()"
            )
        ).one()
        member = _member(session, str(login))
        if owner:
            role = "admin"  # a superuser or the database's owner: not bound by the policies
        elif ops:
            role = member.role if member is not None and member.role != "field_marketer" else "ops"
        else:
            role = "field_marketer"  # intake_field, or no role: the database allows less still
        return Actor(str(login), role, member.name if member is not None else None)
    member = _member(session, ctx.user)
    if member is None:
        return Actor(ctx.user, "admin")
    return Actor(ctx.user, member.role, member.name)


def _member(session: Session, login: str) -> TeamMember | None:
    return session.scalar(
        select(TeamMember).where(
            func.lower(TeamMember.login) == login.lower(), TeamMember.active.is_(True)
        )
    )


def require_event(ctx: AppContext, event_id: int, action: str) -> Actor:
    """Refuse ``action`` on the event unless the user may change it.

    Call it before opening the write session: a refusal is audited in a
    transaction of its own.

    Raises:
        NotFoundError: no such event.
        PermissionDeniedError: a field marketer and someone else's event.
    """
    with ctx.db.read() as session:
        if session.get(Event, event_id) is None:
            raise NotFoundError(f"There is no event with id {event_id}.")
    return _require_events(ctx, select(Event.id).where(Event.id == event_id), action)


def _require_events(ctx: AppContext, event_ids: Select[Any], action: str) -> Actor:
    """Refuse ``action`` unless the user may change every event ``event_ids`` selects."""
    with ctx.db.read() as session:
        actor = actor_in(session, ctx)
        if actor.administers:
            return actor
        events = session.execute(
            select(Event.id, Event.name, Event.owner).where(Event.id.in_(event_ids))
        ).all()
    for event_id, name, owner in sorted(events):
        if not actor.may_change_event(owner):
            _refuse(ctx, actor, action, event_refusal(actor, action, name, owner), event_id)
    return actor


def require_event_owner(ctx: AppContext, owner: str | None, action: str = "create events") -> Actor:
    """A field marketer may create (or keep) an event only with themselves as its owner."""
    actor = current_actor(ctx)
    if not actor.may_change_event(owner):
        message = (
            f"{actor.describe()} may {action} with themselves as the owner only;"
            f" set the owner to {actor.name}, or ask marketing ops."
            if actor.name
            else f"{actor.describe()} may not {action}; ask marketing ops."
        )
        _refuse(ctx, actor, action, message, None)
    return actor


def require_admin(ctx: AppContext, action: str) -> Actor:
    """Refuse ``action`` unless the user is marketing ops, a manager or the administrator."""
    actor = current_actor(ctx)
    if not actor.administers:
        _refuse(ctx, actor, action, admin_refusal(actor, action), None)
    return actor


def _refuse(ctx: AppContext, actor: Actor, action: str, message: str, event_id: int | None) -> None:
    with ctx.db.write() as session:
        audit.record(
            session,
            user=ctx.user,
            action="denied",
            entity="event" if event_id is not None else "settings",
            entity_id=event_id,
            event_id=event_id,
            changes={"role": [None, actor.role]},
            reason=action,
        )
    raise PermissionDeniedError(message)


def require_leads(ctx: AppContext, lead_ids: list[int], action: str) -> Actor:
    """Refuse ``action`` unless the user may change the events of all these leads."""
    return _require_events(ctx, select(Lead.event_id).where(Lead.id.in_(lead_ids)), action)


def require_candidate(ctx: AppContext, candidate_id: int | None, action: str) -> Actor:
    """Refuse ``action`` on a duplicate pair unless the user may change both leads' events."""
    if candidate_id is None:
        return require_admin(ctx, action)
    with ctx.db.read() as session:
        candidate = session.get(DuplicateCandidate, candidate_id)
        leads = [] if candidate is None else [candidate.lead_id, candidate.other_lead_id]
    return require_leads(ctx, leads, action)
