"""SQLAlchemy models, sessions and Alembic migrations. No Qt here."""
