"""The team the SLA names: field marketers, ops owners and the managers escalated to."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intake_app.core.errors import NotFoundError, ValidationError
from intake_app.core.lead_values import clean_text
from intake_app.db.models import TeamMember
from intake_app.services import access, audit
from intake_app.services.context import AppContext

ROLES = {"field_marketer": "Field marketer", "ops": "Marketing ops", "manager": "Manager"}


@dataclass(frozen=True)
class MemberRecord:
    id: int
    name: str
    email: str | None
    role: str
    manager: str | None
    active: bool
    login: str | None = None

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "role": self.role,
            "manager": self.manager,
            "active": self.active,
            "login": self.login,
        }


def _email(text: str | None) -> str | None:
    value = clean_text(text or "")
    if not value:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(f"{value!r} is not an e-mail address: {exc}", "email") from exc


class TeamService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def list(self, role: str | None = None, active_only: bool = False) -> list[MemberRecord]:
        with self.ctx.db.read() as session:
            members = list(session.scalars(select(TeamMember).order_by(TeamMember.name)))
            names = {member.id: member.name for member in members}
            return [
                MemberRecord(
                    member.id,
                    member.name,
                    member.email,
                    member.role,
                    names.get(member.manager_id) if member.manager_id else None,
                    member.active,
                    member.login,
                )
                for member in members
                if (role is None or member.role == role) and (member.active or not active_only)
            ]

    def find(self, name: str | None) -> MemberRecord | None:
        """The team member called ``name`` (case and spacing aside), if any."""
        wanted = clean_text(name or "").casefold()
        if not wanted:
            return None
        return next((m for m in self.list() if m.name.casefold() == wanted), None)

    def save(
        self,
        name: str,
        *,
        role: str,
        email: str | None = None,
        manager: str | None = None,
        active: bool = True,
        member_id: int | None = None,
        login: str | None = None,
    ) -> MemberRecord:
        """Add a member, or change the one with ``member_id``.

        ``login`` is who they are to the app (``INTAKE_USER``, the OS login or the
        PostgreSQL login): with it, their role decides what they may change.
        """
        access.require_admin(self.ctx, "change the team")
        clean = clean_text(name)
        if not clean:
            raise ValidationError("A team member needs a name.", "name")
        if role not in ROLES:
            raise ValidationError(f"{role!r} is not a role; use one of {', '.join(ROLES)}.", "role")
        address = _email(email)
        user_login = clean_text(login or "") or None
        if user_login is not None and (" " in user_login or len(user_login) > 63):
            raise ValidationError(
                f"{user_login!r} is not a login: one word, at most 63 characters.", "login"
            )
        with self.ctx.db.write() as session:
            clash = session.scalar(
                select(TeamMember).where(func.lower(TeamMember.name) == clean.lower())
            )
            if clash is not None and clash.id != member_id:
                raise ValidationError(f"The team already has someone called {clash.name}.", "name")
            if user_login is not None:
                taken = session.scalar(
                    select(TeamMember).where(func.lower(TeamMember.login) == user_login.lower())
                )
                if taken is not None and taken.id != member_id:
                    raise ValidationError(
                        f"The login {user_login} is {taken.name}'s already.", "login"
                    )
            manager_id = self._manager_id(session, manager, clean)
            if member_id is None:
                member = TeamMember(name=clean)
                session.add(member)
                before: dict[str, object] = {}
            else:
                found = session.get(TeamMember, member_id)
                if found is None:
                    raise NotFoundError(f"There is no team member with id {member_id}.")
                member = found
                before = _snapshot(member)
            member.name = clean
            member.role = role
            member.email = address
            member.manager_id = manager_id
            member.active = active
            member.login = user_login
            session.flush()
            audit.record(
                session,
                user=self.ctx.user,
                action="create" if member_id is None else "update",
                entity="team_member",
                entity_id=member.id,
                changes=audit.diff(before, _snapshot(member)),
            )
            manager_name = clean_text(manager or "") or None
            return MemberRecord(
                member.id,
                member.name,
                member.email,
                member.role,
                manager_name,
                member.active,
                member.login,
            )

    def remove(self, member_id: int) -> None:
        access.require_admin(self.ctx, "change the team")
        with self.ctx.db.write() as session:
            member = session.get(TeamMember, member_id)
            if member is None:
                raise NotFoundError(f"There is no team member with id {member_id}.")
            audit.record(
                session,
                user=self.ctx.user,
                action="delete",
                entity="team_member",
                entity_id=member.id,
                changes=audit.diff(_snapshot(member), {}),
            )
            session.delete(member)

    def manager_of(self, name: str | None) -> MemberRecord | None:
        member = self.find(name)
        if member is None or member.manager is None:
            return None
        return self.find(member.manager)

    @staticmethod
    def _manager_id(session: Session, manager: str | None, own_name: str) -> int | None:
        wanted = clean_text(manager or "")
        if not wanted:
            return None
        if wanted.casefold() == own_name.casefold():
            raise ValidationError("Nobody is their own manager.", "manager")
        found = session.scalar(
            select(TeamMember).where(func.lower(TeamMember.name) == wanted.lower())
        )
        if found is None:
            raise ValidationError(
                f"Add {wanted} to the team before naming them a manager.", "manager"
            )
        return found.id


def _snapshot(member: TeamMember) -> dict[str, object]:
    return {
        "name": member.name,
        "email": member.email,
        "role": member.role,
        "manager_id": member.manager_id,
        "active": member.active,
        "login": member.login,
    }
