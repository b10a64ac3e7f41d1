"""Alembic environment: run by :func:`intake_app.db.session.upgrade` with a live connection."""

from alembic import context

from intake_app.db import models  # noqa: F401 - registers the tables on Base.metadata
from intake_app.db.base import Base
from intake_app.db.session import create_db_engine

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        # Command-line use (`alembic -x url=... upgrade head`) for developers.
        url = context.get_x_argument(as_dictionary=True).get("url")
        if not url:
            raise SystemExit("Pass the database with: alembic -x url=sqlite:///file.db ...")
        engine = create_db_engine(url)
        with engine.connect() as own_connection:
            _run(own_connection)
            own_connection.commit()
        engine.dispose()
    else:
        _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]  # alembic's Connection
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
