"""Shared test set-up: Qt offscreen, and every test in its own folders with no real user data."""

from __future__ import annotations

import os

# Before any Qt import: no screen on CI or the dev machines.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from intake_app import logs
from tests import pg_server as pg
from tests.frozen import frozen_build


def pytest_report_header(config: pytest.Config) -> list[str]:
    reason = pg.unavailable_reason()
    if reason is None:
        database = "database tests: SQLite and PostgreSQL (a throwaway server)"
    else:
        database = f"database tests: SQLite only ({reason})"
    return [database, frozen_build.report_header()]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run PostgreSQL variants where they make sense and where a server can be started.

    A test asking for ``db_path``, or marked ``sqlite_only``, inspects SQLite
    itself: it has no PostgreSQL variant. Without PostgreSQL installed the variants are left out,
    except on CI (``CI=true``), where they fail instead of passing silently.
    The ``frozen`` tests (a PyInstaller build) run only when asked for: see
    ``tests/frozen/frozen_build.py``.
    """
    missing = pg.unavailable_reason()
    build_frozen = frozen_build.requested()
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        on_postgres = item.get_closest_marker("postgresql") is not None
        sqlite_only = "db_path" in getattr(item, "fixturenames", ()) or bool(
            item.get_closest_marker("sqlite_only")
        )
        postgres_left_out = on_postgres and (
            sqlite_only or (missing and os.environ.get("CI") != "true")
        )
        frozen_left_out = item.get_closest_marker("frozen") is not None and not build_frozen
        if postgres_left_out or frozen_left_out:
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.PostgresServer]:
    """One PostgreSQL server for the session, started on first use."""
    reason = pg.unavailable_reason()
    if reason is not None:
        pytest.fail(f"CI needs PostgreSQL for the database tests: {reason}")
    server = pg.PostgresServer()
    server.start()
    try:
        server.prepare_template()
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep databases, settings and logs of a test inside its own temporary folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("INTAKE_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("INTAKE_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("INTAKE_LOG_DIR", str(home / "logs"))
    monkeypatch.setenv("INTAKE_USER", "tester")
    monkeypatch.delenv("INTAKE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INTAKE_SCHEMA_DIR", raising=False)
    yield home
    logs.close()  # the next test logs to its own folder


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Any]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_inbox() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on loopback, started for the test."""
    inbox = Inbox()
    with socket.socket() as probe:  # a free port: the controller checks it can connect
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
