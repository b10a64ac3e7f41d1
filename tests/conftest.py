"""Shared test set-up: Qt offscreen, and every test in its own folders with no real user data."""

from __future__ import annotations

import os

# Before any Qt import: no screen on CI or the dev machines.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep databases, settings and logs of a test inside its own temporary folders."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("INTAKE_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("INTAKE_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("INTAKE_USER", "tester")
    monkeypatch.delenv("INTAKE_DATABASE_URL", raising=False)
    monkeypatch.delenv("INTAKE_SCHEMA_DIR", raising=False)
    return home
