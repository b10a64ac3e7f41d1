"""Fixtures for the headless suite: an isolated environment, a database and an event factory.

Nothing here imports Qt; the GUI suite keeps its own fixtures in ``tests/conftest.py``
and ``tests/gui/``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_app import logs
from intake_app.core.events import EventInput, When, parse_when
from intake_app.services.context import AppContext, open_context
from intake_app.services.events import EventRecord, EventService
from tests.pg_server import PostgresServer
from tests.unit.helpers import sqlite_url

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]

MakeEvent = Callable[..., EventRecord]


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Keep every test away from the real data, config and log folders, database and schema."""
    data_dir = tmp_path / "data"
    config_dir = tmp_path / "config"
    monkeypatch.setenv("INTAKE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("INTAKE_CONFIG_DIR", str(config_dir))
    monkeypatch.setenv("INTAKE_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("INTAKE_USER", "tester")
    monkeypatch.delenv("INTAKE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INTAKE_SCHEMA_DIR", raising=False)
    yield data_dir
    logs.close()  # the next test logs to its own folder


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database engine of the test: every database test runs on both."""
    return str(request.param)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """The SQLite file of the test; a test asking for it is a SQLite-only test."""
    return tmp_path / "intake-test.db"


@pytest.fixture
def db_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file not yet created, or a new PostgreSQL database.

    The PostgreSQL one already carries the app's schema (copied from a migrated
    template), which is what opening an empty one would do, only faster.
    """
    if backend == "sqlite":
        yield sqlite_url(request.getfixturevalue("db_path"))
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    url = server.new_database()
    try:
        yield url
    finally:
        server.drop_database(url)


@pytest.fixture
def ctx(db_url: str) -> Iterator[AppContext]:
    context = open_context(db_url)
    try:
        yield context
    finally:
        context.close()


def _when(value: When | str | None, label: str) -> When | None:
    if value is None or isinstance(value, When):
        return value
    return parse_when(value, label)


@pytest.fixture
def make_event(ctx: AppContext) -> MakeEvent:
    """Create an event through :class:`EventService`; keyword arguments override the defaults.

    ``start`` and ``end`` may be given as text (``"2025-04-28"``) or as a ``When``.
    """

    def make(**overrides: Any) -> EventRecord:
        values: dict[str, Any] = {
            "name": "RSA 2025",
            "event_type": "tradeshow",
            "start": "2025-04-28",
            "end": None,
            "timezone": "America/Los_Angeles",
            "country": "US",
            "owner": "Dana Field",
        }
        values.update(overrides)
        values["start"] = _when(values["start"], "Start")
        values["end"] = _when(values["end"], "End")
        return EventService(ctx).create(EventInput(**values))

    return make
