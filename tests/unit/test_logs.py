"""The shared log file: where it is, what a line looks like, rotation, and what stays out."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

import pytest

from intake_app import logs, paths


def _boom() -> RuntimeError:
    try:
        raise RuntimeError("disk on fire at it-sa Nürnberg\nSELECT * FROM leads")
    except RuntimeError as exc:
        return exc


def test_the_log_is_in_the_log_folder_override(tmp_path: Path) -> None:
    assert logs.log_file() == tmp_path / "logs" / "intake.log"
    assert (tmp_path / "logs").is_dir()


def test_without_the_override_the_log_is_in_the_platform_log_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("INTAKE_LOG_DIR")
    asked: list[str] = []

    def user_log_dir(app: str, appauthor: object) -> str:
        asked.append(app)
        return str(tmp_path / "platform-logs")

    monkeypatch.setattr(paths.platformdirs, "user_log_dir", user_log_dir)

    assert logs.log_file() == tmp_path / "platform-logs" / "intake.log"
    assert asked == ["EventLeadIntake"]


def test_an_exception_is_written_with_time_level_logger_and_traceback_in_utf8() -> None:
    written = logs.write_exception(_boom())

    assert written == logs.log_file()
    text = written.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ERROR intake_app\.crash: "
        r"Unexpected error: RuntimeError: disk on fire at it-sa Nürnberg",
        first,
    )
    assert "Traceback (most recent call last):" in text
    assert "in _boom" in text
    assert "SELECT * FROM leads" in text  # what the exception carries, in the file only


def test_an_exception_never_reaches_the_terminal() -> None:
    terminal = io.StringIO()
    handler = logging.StreamHandler(terminal)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        logs.configure(logging.INFO)
        assert logs.write_exception(_boom()) is not None
    finally:
        root.removeHandler(handler)
    assert terminal.getvalue() == ""


def test_configure_sends_warnings_of_every_logger_to_the_file_but_not_info() -> None:
    logs.configure(logging.INFO)
    other = logging.getLogger("intake_app.services.somewhere")
    other.info("routine detail")
    other.warning("the SMTP server refused: 554")
    logs.configure(logging.INFO)  # a second run (the CLI in one process) adds no second handler
    other.warning("once")

    text = logs.log_file().read_text(encoding="utf-8")
    assert "WARNING intake_app.services.somewhere: the SMTP server refused: 554" in text
    assert "routine detail" not in text
    assert text.count("once") == 1


def test_the_file_rotates_at_about_a_megabyte_keeping_five(tmp_path: Path) -> None:
    handler = logs.file_handler()
    assert handler is not None
    assert (handler.maxBytes, handler.backupCount) == (1_000_000, 5)
    logger = logging.getLogger("intake_app.crash")
    chunk = "x" * 100_000
    for _ in range(70):  # about 7 MB
        logger.error(chunk)
    names = sorted(path.name for path in (tmp_path / "logs").iterdir())
    assert names == ["intake.log"] + [f"intake.log.{n}" for n in range(1, 6)]
    assert all(path.stat().st_size <= 1_100_000 for path in (tmp_path / "logs").iterdir())


def test_a_new_log_folder_gets_a_new_file_and_the_old_one_is_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs.configure()
    first = logs.file_handler()
    monkeypatch.setenv("INTAKE_LOG_DIR", str(tmp_path / "elsewhere"))

    second = logs.file_handler()

    assert second is not first
    assert second is not None and first is not None
    assert first.stream is None  # closed
    assert first not in logging.getLogger().handlers
    assert second in logging.getLogger().handlers
    assert logs.write_exception(_boom()) == tmp_path / "elsewhere" / "intake.log"


def test_an_unwritable_log_folder_is_reported_as_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("INTAKE_LOG_DIR", str(blocker / "logs"))

    assert logs.write_exception(_boom()) is None
    logs.configure()  # and logging still works, without the file


def test_the_summary_is_one_line() -> None:
    assert logs.exception_summary(_boom()) == "RuntimeError: disk on fire at it-sa Nürnberg"
    assert logs.exception_summary(KeyError()) == "KeyError"
