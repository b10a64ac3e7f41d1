"""Who may do what: the app's checks, on both engines (the user is ``tester``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from intake_app.core.errors import PermissionDeniedError
from intake_app.core.events import EventInput, parse_when
from intake_app.db.models import AuditEntry
from intake_app.services.access import current_actor
from intake_app.services.context import open_context
from intake_app.services.events import EventService
from intake_app.services.imports import ImportService
from intake_app.services.schema_edit import SchemaEditService
from intake_app.services.settings_store import SettingsStore
from intake_app.services.team import TeamService

BADGES = Path(__file__).resolve().parents[2] / "data" / "imports" / "badge_scan.csv"


def event_input(owner: str) -> EventInput:
    return EventInput(
        name=f"{owner}'s booth",
        event_type="tradeshow",
        start=parse_when("2025-04-28", "Start"),
        end=None,
        timezone="America/Los_Angeles",
        country="US",
        owner=owner,
    )


@pytest.fixture
def acting_as(request, ctx, backend):
    """A context for a team member of the given role, acting on the test's database.

    On SQLite they are ``tester`` found in the team by their login; on PostgreSQL a
    new database login with the matching database role, so the database's own
    policies apply as well.
    """
    opened = []

    def act(name: str, role: str):
        if backend == "sqlite":
            TeamService(ctx).save(name, role=role, login="tester")
            return ctx
        server = request.getfixturevalue("pg_server")
        login = f"{name.split()[0].lower()}_{len(opened)}_{id(ctx) % 100000}"
        group = "intake_field" if role == "field_marketer" else "intake_ops"
        server.admin(f"CREATE ROLE {login} LOGIN", f"GRANT {group} TO {login}")
        TeamService(ctx).save(name, role=role, login=login)
        other = open_context(str(ctx.db.url.set(username=login).render_as_string(False)))
        opened.append((other, login))
        return other

    yield act
    for other, login in opened:
        other.close()
        request.getfixturevalue("pg_server").admin(
            f"REASSIGN OWNED BY {login} TO CURRENT_USER",
            f"DROP OWNED BY {login}",
            f"DROP ROLE {login}",
        )


def denials(ctx) -> list[AuditEntry]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "denied")))


def test_without_a_team_the_user_may_do_everything(ctx) -> None:
    actor = current_actor(ctx)
    assert actor.role == "admin" and actor.administers


def test_a_field_marketer_changes_only_their_own_events(ctx, make_event, acting_as) -> None:
    theirs = make_event(name="Sam's show", owner="Sam Other")
    ctx = acting_as("Dana Field", "field_marketer")
    events = EventService(ctx)
    assert current_actor(ctx).describe() == "Dana Field (Field marketer)"

    own = events.create(event_input("Dana Field"))
    events.update(own.id, event_input("Dana Field"))  # their own: fine

    with pytest.raises(PermissionDeniedError, match="belongs to Sam Other"):
        events.update(theirs.id, event_input("Sam Other"))
    with pytest.raises(PermissionDeniedError, match="owner only"):
        events.create(event_input("Sam Other"))
    with pytest.raises(PermissionDeniedError, match="owner only"):
        events.update(own.id, event_input("Sam Other"))  # nor give it away
    with pytest.raises(PermissionDeniedError, match="may not import into"):
        importer = ImportService(ctx)
        importer.run(importer.preview(BADGES), theirs.id)
    assert events.get(theirs.id).lead_count == 0

    # Their own event takes an import.
    importer = ImportService(ctx)
    assert importer.run(importer.preview(BADGES), own.id).imported > 0

    refused = denials(ctx)
    assert [entry.reason for entry in refused] == [
        "edit",
        "create events",
        "edit events",
        "import into",
    ]
    assert {entry.user for entry in refused} == {ctx.user}


def test_only_ops_change_the_team_schema_and_settings(ctx, acting_as) -> None:
    ctx = acting_as("Dana Field", "field_marketer")
    team = TeamService(ctx)
    with pytest.raises(PermissionDeniedError, match="only marketing ops and managers"):
        team.save("Someone New", role="ops")
    with pytest.raises(PermissionDeniedError, match="change the company schema"):
        SchemaEditService(ctx).add_value("job_function", "Alchemy")
    with pytest.raises(PermissionDeniedError, match="change the shared settings"):
        SettingsStore(ctx).put("smtp", {"host": "mail.example"})
    assert [member.name for member in team.list()] == ["Dana Field"]


def test_ops_change_every_event(ctx, make_event, acting_as) -> None:
    theirs = make_event(name="Sam's show", owner="Sam Other")
    ctx = acting_as("Olivia Ops", "ops")
    assert current_actor(ctx).role == "ops"
    EventService(ctx).update(theirs.id, event_input("Someone Else"))
    assert EventService(ctx).get(theirs.id).owner == "Someone Else"
    assert denials(ctx) == []


def test_a_login_belongs_to_one_member(ctx) -> None:
    team = TeamService(ctx)
    team.save("Olivia Ops", role="ops", login="olivia")
    with pytest.raises(Exception, match="is Olivia Ops's already"):
        team.save("Other Person", role="ops", login="Olivia")


def test_only_ops_erase_a_person(ctx, acting_as) -> None:
    from intake_app.services.privacy import PrivacyService

    ctx = acting_as("Dana Field", "field_marketer")
    with pytest.raises(PermissionDeniedError, match="may not erase a person"):
        PrivacyService(ctx).erase_person("ada@example.com")
