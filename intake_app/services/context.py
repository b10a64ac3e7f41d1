"""What every use case needs: the open database, the schema in force and the user."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from intake_app.core.identity import current_user
from intake_app.db.session import Database, open_database
from schemas import CorporateSchema, load_schema


@dataclass
class AppContext:
    db: Database
    schema: CorporateSchema
    user: str

    def close(self) -> None:
        self.db.dispose()


def open_context(url: str, schema_dir: Path | str | None = None) -> AppContext:
    """Load the schema and open (and upgrade) the database at ``url``.

    The schema is loaded first so that a broken company schema is reported
    before the database file is touched.
    """
    schema = load_schema(schema_dir)
    db = open_database(url)
    # On a team database the login is who the user is: the database enforces its
    # roles on it, so the audit log names it too.
    return AppContext(db=db, schema=schema, user=db.login() or current_user())
