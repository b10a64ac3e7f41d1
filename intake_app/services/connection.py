"""Choosing the database: try a URL before using it, and remember the choice.

A team shares one PostgreSQL database (``postgresql://login@server/intake``);
the embedded default is a SQLite file in the user's data folder. The choice is
kept in the config folder without any password: libpq finds that in
``~/.pgpass`` or ``PGPASSWORD``, as ``psql`` does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from intake_app.core.errors import DatabaseError
from intake_app.db.session import (
    Database,
    create_db_engine,
    describe_url,
    migration_state,
    parse_url,
)
from intake_app.paths import DATABASE_CHOICE_FILE, user_config_dir
from intake_app.services.access import actor_in
from intake_app.services.context import AppContext


@dataclass(frozen=True)
class ConnectionReport:
    """What a database says about itself when asked."""

    name: str
    server: str
    revision: str | None
    head: str

    @property
    def state(self) -> str:
        if self.revision == self.head:
            return f"schema up to date (revision {self.head})"
        if self.revision is None:
            return "empty: the app creates its tables when it opens it"
        return f"schema at revision {self.revision}: upgraded to {self.head} when opened"

    def describe(self) -> str:
        return f"Connected to {self.name}: {self.server}, {self.state}."


def probe(url: str, password: str | None = None) -> ConnectionReport:
    """Connect to ``url`` without changing anything and say what is there.

    Raises:
        DatabaseError: the URL is wrong, the server cannot be reached, the login is
            refused, or the database was written by a newer version of the app.
    """
    parsed = parse_url(url.strip())
    if password:
        parsed = parsed.set(password=password)
    engine = create_db_engine(parsed)
    try:
        state = migration_state(engine)
        server = Database(engine).server_version()
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        detail = str(orig).strip().splitlines()[0] if orig is not None else str(exc)
        raise DatabaseError(f"Cannot connect to {describe_url(parsed)}: {detail}.") from exc
    finally:
        engine.dispose()
    return ConnectionReport(describe_url(parsed), server, state.current, state.head)


def save_choice(url: str | None) -> None:
    """Remember ``url`` (its password left out) as the database to open; None forgets it."""
    path = user_config_dir() / DATABASE_CHOICE_FILE
    if url is None:
        path.unlink(missing_ok=True)
        return
    parse_url(url.strip())  # refuses what is not a URL
    clean = make_url(url.strip()).set(password=None).render_as_string(hide_password=False)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"url": clean}), encoding="utf-8")
    temporary.replace(path)


@dataclass(frozen=True)
class CurrentDatabase:
    name: str
    backend: str
    server: str
    user: str

    def describe(self) -> str:
        return f"{self.name} ({self.server}); you are {self.user}."


def current(ctx: AppContext) -> CurrentDatabase:
    with ctx.db.read() as session:
        actor = actor_in(session, ctx)
    return CurrentDatabase(
        ctx.db.display_name, ctx.db.backend, ctx.db.server_version(), actor.describe()
    )
