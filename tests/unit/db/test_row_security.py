"""On PostgreSQL the database itself enforces the roles, even for SQL that skips the app."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from intake_app.core.errors import PermissionDeniedError
from intake_app.services.context import open_context
from intake_app.services.events import EventService
from intake_app.services.team import TeamService

pytestmark = pytest.mark.postgresql
_numbers = itertools.count(1)


@pytest.fixture
def shared(pg_server) -> Iterator[dict]:
    """A team database: the owner set up two events and two logins, Alice and Olivia."""
    url = pg_server.new_database()
    n = next(_numbers)
    alice, olivia = f"alice_{n}", f"olivia_{n}"
    pg_server.admin(
        f"CREATE ROLE {alice} LOGIN",
        f"GRANT intake_field TO {alice}",
        f"CREATE ROLE {olivia} LOGIN",
        f"GRANT intake_ops TO {olivia}",
    )
    owner = open_context(url)
    TeamService(owner).save("Alice Field", role="field_marketer", login=alice)
    TeamService(owner).save("Olivia Ops", role="ops", login=olivia)
    with owner.db.write() as session:
        for name, who in (("Alice's booth", "Alice Field"), ("Bob's booth", "Bob Other")):
            session.execute(
                text(
                    "INSERT INTO events (name, event_type, start_at, start_has_time, end_at,"
                    " end_has_time, timezone, owner, sla_policy, created_at, created_by,"
                    " updated_at) VALUES (:name, 'tradeshow', '2025-04-28', false,"
                    " '2025-04-28', false, 'UTC', :owner, 'tradeshow', now(), 'owner', now())"
                ),
                {"name": name, "owner": who},
            )
    owner.close()
    engines: list[Engine] = []

    def engine_for(login: str) -> Engine:
        engine = create_engine(url.replace("://tester@", f"://{login}@"))
        engines.append(engine)
        return engine

    yield {"url": url, "alice": alice, "olivia": olivia, "engine": engine_for}
    for engine in engines:
        engine.dispose()
    pg_server.drop_database(url)
    for login in (alice, olivia):
        pg_server.admin(f"DROP OWNED BY {login}", f"DROP ROLE {login}")


def event_id(engine: Engine, name: str) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(text("SELECT id FROM events WHERE name = :n"), {"n": name}))


def run(engine: Engine, sql: str, **params) -> int:
    with engine.begin() as conn:
        return conn.execute(text(sql), params).rowcount


def test_a_field_marketer_reads_all_but_changes_only_their_own(shared) -> None:
    alice = shared["engine"](shared["alice"])
    bob_event = event_id(alice, "Bob's booth")  # reading other people's events is fine
    alice_event = event_id(alice, "Alice's booth")

    assert run(alice, "UPDATE events SET name = 'Taken' WHERE id = :id", id=bob_event) == 0
    assert run(alice, "DELETE FROM events WHERE id = :id", id=bob_event) == 0
    assert run(alice, "UPDATE events SET description = 'Mine' WHERE id = :id", id=alice_event) == 1
    with pytest.raises(DBAPIError, match="row-level security"):  # nor hand theirs away
        run(alice, "UPDATE events SET owner = 'Bob Other' WHERE id = :id", id=alice_event)
    with pytest.raises(DBAPIError, match="row-level security"):
        run(
            alice,
            "INSERT INTO sla_stamps (event_id, kind, at, by_user, source, created_at)"
            " VALUES (:id, 'received', now(), 'alice', 'app', now())",
            id=bob_event,
        )


def test_a_field_marketer_cannot_change_the_team_settings_or_audit_log(shared) -> None:
    alice = shared["engine"](shared["alice"])
    for sql in (
        "UPDATE team_members SET role = 'ops'",
        "DELETE FROM app_settings",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET reason = 'rewritten'",
        "DELETE FROM alembic_version",
    ):
        with pytest.raises(DBAPIError, match="permission denied"):
            run(alice, sql)
    run(  # but may add to the audit log
        alice,
        'INSERT INTO audit_log (at, "user", action, entity, changes) VALUES'
        " (now(), 'alice', 'note', 'event', '{}')",
    )


def test_ops_change_every_event(shared) -> None:
    olivia = shared["engine"](shared["olivia"])
    bob_event = event_id(olivia, "Bob's booth")
    assert (
        run(olivia, "UPDATE events SET description = 'Checked' WHERE id = :id", id=bob_event) == 1
    )


def test_the_app_turns_the_databases_refusal_into_a_sentence(shared) -> None:
    alice_url = shared["url"].replace("://tester@", f"://{shared['alice']}@")
    ctx = open_context(alice_url)
    try:
        assert ctx.user == shared["alice"]
        refused = pytest.raises(PermissionDeniedError, match="The database refused: permission")
        with refused, ctx.db.write() as session:
            session.execute(text("DELETE FROM audit_log"))
        bob_event = event_id(ctx.db.engine, "Bob's booth")
        with pytest.raises(PermissionDeniedError, match="belongs to Bob Other"):
            EventService(ctx).delete(bob_event)
    finally:
        ctx.close()


def test_the_roles_migration_goes_down_and_up_again(pg_server) -> None:
    from alembic import command

    from intake_app.db.session import _alembic_config, create_db_engine

    url = pg_server.new_database()
    engine = create_db_engine(url)
    try:
        with engine.connect() as conn:
            command.downgrade(_alembic_config(conn), "-1")
            conn.commit()
            assert conn.scalar(text("SELECT count(*) FROM pg_policies")) == 0
            command.upgrade(_alembic_config(conn), "head")
            conn.commit()
            assert conn.scalar(text("SELECT count(*) FROM pg_policies")) == 8 * 5
    finally:
        engine.dispose()
        pg_server.drop_database(url)
