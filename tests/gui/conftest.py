from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from intake_app.core.events import EventInput, parse_when
from intake_app.gui.prompts import Prompts
from intake_app.services.context import AppContext, open_context
from intake_app.services.events import EventRecord, EventService


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread():
    """As the app does (MainThreadGarbageCollector): no collection on worker threads."""
    gc.collect()
    gc.disable()
    yield
    gc.collect()
    gc.enable()


class ScriptedPrompts(Prompts):
    """Answers confirmations from a script and records every message instead of showing it."""

    def __init__(self) -> None:
        self.answers: list[bool] = []
        self.asked: list[str] = []
        self.errors: list[str] = []
        self.infos: list[str] = []

    def confirm(self, parent: Any, title: str, text: str, action: str) -> bool:
        self.asked.append(text)
        return self.answers.pop(0)

    def error(self, parent: Any, title: str, text: str) -> None:
        self.errors.append(text)

    def info(self, parent: Any, title: str, text: str) -> None:
        self.infos.append(text)


@pytest.fixture
def prompts() -> ScriptedPrompts:
    return ScriptedPrompts()


@pytest.fixture
def ctx(tmp_path) -> Iterator[AppContext]:
    context = open_context(f"sqlite:///{(tmp_path / 'gui.db').as_posix()}")
    yield context
    context.close()


@pytest.fixture
def make_event(ctx: AppContext) -> Callable[..., EventRecord]:
    def make(**overrides: Any) -> EventRecord:
        values: dict[str, Any] = {
            "name": "RSA 2025",
            "event_type": "tradeshow",
            "start": parse_when("2025-04-28", "Start"),
            "end": parse_when("2025-05-01", "End"),
            "timezone": "America/Los_Angeles",
            "country": "US",
            "owner": "Dana Whitfield",
        }
        for key in ("start", "end"):
            if isinstance(overrides.get(key), str):
                overrides[key] = parse_when(overrides[key], key)
        values.update(overrides)
        return EventService(ctx).create(EventInput(**values))

    return make


@pytest.fixture
def window(qtbot, ctx, prompts):
    """The main window on the test database, shown; its background work ended afterwards."""
    from intake_app.gui.main_window import MainWindow

    win = MainWindow(ctx, prompts)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.shutdown_pages()
