"""Who may do what in a shared database: the rules, as plain functions.

Field marketers change their own events and what hangs off them (imports, leads,
merges, stamps, exports); marketing ops and managers change every event, the
company schema, the SLA policies, the team and the shared settings, and erase
people. An ``admin`` is whoever runs a database with no roles set up: the
single-user SQLite file on a laptop, or the owner of a PostgreSQL database.
"""

from __future__ import annotations

from dataclasses import dataclass

FULL_ROLES = frozenset({"admin", "ops", "manager"})
ROLE_LABELS = {
    "admin": "Administrator",
    "ops": "Marketing ops",
    "manager": "Manager",
    "field_marketer": "Field marketer",
}


@dataclass(frozen=True)
class Actor:
    """The person at the keyboard: their login, role and name in the team directory."""

    login: str
    role: str
    name: str | None = None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def administers(self) -> bool:
        return self.role in FULL_ROLES

    def owns(self, event_owner: str | None) -> bool:
        if self.name is None or event_owner is None:
            return False
        return self.name.casefold() == event_owner.strip().casefold()

    def may_change_event(self, event_owner: str | None) -> bool:
        return self.administers or self.owns(event_owner)

    def describe(self) -> str:
        who = self.name or self.login
        return f"{who} ({self.role_label})"


def event_refusal(actor: Actor, action: str, event_name: str, owner: str | None) -> str:
    """The sentence that explains why ``actor`` may not ``action`` the event."""
    whose = f"it belongs to {owner}" if owner else "it has no owner"
    return (
        f"{actor.describe()} may not {action} {event_name!r}: {whose}, and field marketers"
        " change only their own events; ask marketing ops."
    )


def admin_refusal(actor: Actor, action: str) -> str:
    return f"{actor.describe()} may not {action}; only marketing ops and managers may."
