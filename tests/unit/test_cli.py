from __future__ import annotations

import io
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from intake_app import __version__
from intake_app.cli import main
from intake_app.services.events import EventService

ACCEPTANCE_ADD = [
    "event", "add", "--name", "RSA 2025", "--type", "tradeshow",
    "--start", "2025-04-28", "--end", "2025-05-01", "--json",
]  # fmt: skip


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code = code
        self.out = out
        self.err = err

    def json(self) -> Any:
        return json.loads(self.out)


def run(*argv: str) -> Result:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def db_arg(db_url: str) -> list[str]:
    """``--db`` of the test's database: the CLI tests run on SQLite and PostgreSQL."""
    return ["--db", db_url.replace("postgresql+psycopg://", "postgresql://")]


def add_event(db_arg: list[str], *extra: str) -> dict[str, Any]:
    result = run(*db_arg, *ACCEPTANCE_ADD, *extra)
    assert result.code == 0, result.err
    event: dict[str, Any] = result.json()
    return event


def assert_refused(result: Result, *fragments: str) -> None:
    """Exit 1, one sentence on stderr, no traceback, nothing on stdout."""
    assert result.code == 1
    assert result.out == ""
    assert result.err.startswith("intake: ")
    assert result.err.endswith("\n")
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in result.err


# ----------------------------------------------------------------- success


def test_acceptance_example_adds_an_event(db_arg: list[str], tmp_path: Path, backend: str) -> None:
    result = run(*db_arg, *ACCEPTANCE_ADD)

    assert result.code == 0
    assert result.err == ""
    event = result.json()
    assert isinstance(event["id"], int)
    assert event["name"] == "RSA 2025"
    assert event["type"] == "tradeshow"
    assert event["start"] == "2025-04-28"
    assert event["end"] == "2025-05-01"
    assert event["sla_policy"] == "in-person"
    assert event["created_by"] == "tester"
    assert backend != "sqlite" or (tmp_path / "intake-test.db").exists()


def test_list_json_lists_the_added_event(db_arg: list[str]) -> None:
    added = add_event(db_arg)

    result = run(*db_arg, "event", "list", "--json")

    assert result.code == 0
    assert result.json() == [added]


def test_json_is_also_accepted_before_the_command(db_arg: list[str]) -> None:
    added = add_event(db_arg)

    result = run(*db_arg, "--json", "event", "list")

    assert result.code == 0
    assert [event["id"] for event in result.json()] == [added["id"]]


def test_text_output(db_arg: list[str]) -> None:
    added = run(*db_arg, *ACCEPTANCE_ADD[:-1], "--country", "Germany", "--owner", "Dana")
    listed = run(*db_arg, "event", "list")

    assert added.code == 0
    assert added.out.startswith("Created event 1: RSA 2025\n")
    assert "Germany (DE)" in added.out
    assert listed.code == 0
    header, row = listed.out.splitlines()
    assert header.split()[:3] == ["ID", "Name", "Type"]
    assert row.split()[:4] == ["1", "RSA", "2025", "tradeshow"]


def test_list_of_an_empty_database_says_so(db_arg: list[str]) -> None:
    assert run(*db_arg, "event", "list", "--json").json() == []
    assert "No events yet" in run(*db_arg, "event", "list").out


def test_list_filters(db_arg: list[str]) -> None:
    add_event(db_arg)
    webinar = run(
        *db_arg, "event", "add", "--name", "Launch", "--type", "webcast",
        "--start", "2025-06-03T16:00", "--json",
    ).json()  # fmt: skip

    by_type = run(*db_arg, "event", "list", "--type", "webcast", "--json").json()
    by_text = run(*db_arg, "event", "list", "--search", "launch", "--json").json()

    assert [event["id"] for event in by_type] == [webinar["id"]]
    assert [event["id"] for event in by_text] == [webinar["id"]]
    assert webinar["start"] == "2025-06-03T16:00"


def test_show_prints_one_event(db_arg: list[str]) -> None:
    added = add_event(db_arg)

    as_json = run(*db_arg, "event", "show", str(added["id"]), "--json")
    as_text = run(*db_arg, "event", "show", str(added["id"]))

    assert as_json.code == 0
    assert as_json.json() == added
    assert as_text.code == 0
    assert "Tradeshow (tradeshow)" in as_text.out
    assert "2025-05-01" in as_text.out


def test_edit_changes_only_what_is_given(db_arg: list[str]) -> None:
    added = add_event(db_arg)

    result = run(*db_arg, "event", "edit", str(added["id"]), "--owner", "Rob Stone", "--json")

    assert result.code == 0
    edited = result.json()
    assert edited["owner"] == "Rob Stone"
    unchanged = {"name", "type", "start", "end", "timezone", "sla_policy", "created_by"}
    assert {key: edited[key] for key in unchanged} == {key: added[key] for key in unchanged}
    shown = run(*db_arg, "event", "show", str(added["id"]), "--json").json()
    assert shown["owner"] == "Rob Stone"


def test_delete_removes_the_event(db_arg: list[str]) -> None:
    added = add_event(db_arg)

    result = run(*db_arg, "event", "delete", str(added["id"]))

    assert result.code == 0
    assert result.out == f"Deleted event {added['id']}: RSA 2025\n"
    assert run(*db_arg, "event", "list", "--json").json() == []


def test_database_url_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "from-env.db"
    monkeypatch.setenv("INTAKE_DATABASE_URL", f"sqlite:///{path.as_posix()}")

    added = run(*ACCEPTANCE_ADD)

    assert added.code == 0
    assert path.exists()
    listed = run("--db", f"sqlite:///{path.as_posix()}", "event", "list", "--json").json()
    assert [event["id"] for event in listed] == [added.json()["id"]]


def test_db_option_wins_over_the_environment(
    db_arg: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    env_path = tmp_path / "from-env.db"
    monkeypatch.setenv("INTAKE_DATABASE_URL", f"sqlite:///{env_path.as_posix()}")

    assert run(*db_arg, *ACCEPTANCE_ADD).code == 0

    assert backend != "sqlite" or (tmp_path / "intake-test.db").exists()
    assert not env_path.exists()


def test_default_database_is_in_the_data_folder(isolated_env: Path) -> None:
    assert run(*ACCEPTANCE_ADD).code == 0

    assert (isolated_env / "intake.db").exists()


def test_company_schema_from_the_environment(
    db_arg: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = tmp_path / "company"
    company.mkdir()
    (company / "event_types.yaml").write_text(
        "event_types:\n"
        "  - {code: roadshow, label: Roadshow, channel: in_person,"
        " lead_source: Field Event, sla_policy: in-person}\n",
        encoding="utf-8",
    )
    add_roadshow = [*ACCEPTANCE_ADD]
    add_roadshow[add_roadshow.index("tradeshow")] = "roadshow"

    assert run(*db_arg, *add_roadshow).code == 1
    monkeypatch.setenv("INTAKE_SCHEMA_DIR", str(company))
    result = run(*db_arg, *add_roadshow)

    assert result.code == 0, result.err
    assert result.json()["type"] == "roadshow"


# ----------------------------------------------------------------- refused (exit 1)


def test_unknown_type_is_refused_and_nothing_is_written(db_arg: list[str]) -> None:
    argv = [*ACCEPTANCE_ADD]
    argv[argv.index("tradeshow")] = "expo"

    result = run(*db_arg, *argv)

    assert_refused(result, "'expo'", "tradeshow, conference")
    assert run(*db_arg, "event", "list", "--json").json() == []


@pytest.mark.parametrize(("option", "value"), [("--start", "2025-02-30"), ("--end", "soon")])
def test_bad_date_is_refused(db_arg: list[str], option: str, value: str) -> None:
    argv = [*ACCEPTANCE_ADD]
    argv[argv.index(option) + 1] = value

    result = run(*db_arg, *argv)

    assert_refused(result, repr(value))
    assert run(*db_arg, "event", "list", "--json").json() == []


def test_end_before_start_is_refused(db_arg: list[str]) -> None:
    argv = [*ACCEPTANCE_ADD]
    argv[argv.index("--end") + 1] = "2025-04-01"

    assert_refused(run(*db_arg, *argv), "ends before it starts")


@pytest.mark.parametrize("action", [["show"], ["edit", "--owner", "X"], ["delete"]])
def test_missing_event_id_is_refused(db_arg: list[str], action: list[str]) -> None:
    add_event(db_arg)

    result = run(*db_arg, "event", action[0], "42", *action[1:])

    assert_refused(result, "no event with id 42")


def test_broken_company_schema_is_refused_before_the_database_is_touched(
    tmp_path: Path, db_arg: list[str]
) -> None:
    company = tmp_path / "company"
    company.mkdir()
    (company / "picklists.yaml").write_text("picklists: [unclosed\n", encoding="utf-8")

    result = run(*db_arg, "--schema", str(company), *ACCEPTANCE_ADD)

    assert_refused(result, str(company / "picklists.yaml"), "not valid YAML")
    assert not (tmp_path / "x.db").exists()


def test_missing_company_schema_folder_is_refused(tmp_path: Path, db_arg: list[str]) -> None:
    result = run(*db_arg, "--schema", str(tmp_path / "nowhere"), "event", "list")

    assert_refused(result, "nowhere", "does not exist")


def test_unusable_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(b"this is not a database" * 50)

    result = run("--db", f"sqlite:///{path.as_posix()}", "event", "list")

    assert_refused(result, str(path))


@pytest.mark.sqlite_only  # about the CLI's error handling, not the database
def test_unexpected_error_is_one_sentence_and_logged(
    db_arg: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire\nSELECT * FROM secrets")

    monkeypatch.setattr(EventService, "list", explode)

    result = run(*db_arg, "event", "list")

    assert_refused(result, "unexpected error (RuntimeError: disk on fire)", "intake.log")
    assert "SELECT" not in result.err
    # In the log folder (INTAKE_LOG_DIR, set by the autouse fixture), with level and logger.
    log_file = tmp_path / "logs" / "intake.log"
    assert f"details are in {log_file}." in result.err
    log = log_file.read_text(encoding="utf-8")
    assert "Traceback" in log
    assert "SELECT * FROM secrets" in log
    assert " ERROR intake_app.crash: Unexpected error: RuntimeError: disk on fire" in log
    # The traceback must not reach the root logger, whose handler writes to stderr. (pytest
    # attaches caplog to non-propagating loggers too, so caplog cannot tell; see test_logs.py.)
    assert not logging.getLogger("intake_app.crash").propagate
    assert "Traceback" not in result.err


# ----------------------------------------------------------------- usage (exit 2)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["event", "add", "--name", "RSA 2025"],
            "intake event add: the following arguments are required: --type, --start",
        ),
        (
            ["event", "add", "--type", "tradeshow", "--start", "2025-04-28"],
            "intake event add: the following arguments are required: --name",
        ),
        (["event", "show"], "intake event show: the following arguments are required: ID"),
        (["event", "show", "one"], "intake event show: argument ID: invalid int value: 'one'"),
        (["event", "frobnicate"], "intake event: argument ACTION: invalid choice: 'frobnicate'"),
        (["--no-such-option", "event", "list"], "intake: unrecognized arguments: --no-such-option"),
    ],
)
def test_bad_usage_exits_2(
    db_arg: list[str],
    argv: list[str],
    message: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    result = run(*db_arg, *argv)

    assert result.code == 2
    assert result.out == ""
    stderr = capsys.readouterr().err  # argparse writes usage errors to sys.stderr
    assert stderr.startswith("usage: intake")
    assert stderr.splitlines()[-1].startswith(message)
    assert "Traceback" not in stderr
    assert not (tmp_path / "x.db").exists()  # bad usage opens no database


def test_no_command_exits_2_with_help() -> None:
    result = run()

    assert result.code == 2
    assert result.out == ""
    assert "usage: intake" in result.err
    assert "event" in result.err


def test_event_without_action_exits_2_with_help() -> None:
    result = run("event")

    assert result.code == 2
    assert "add" in result.err
    assert "list" in result.err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    result = run("--version")

    assert result.code == 0
    assert capsys.readouterr().out == f"intake {__version__}\n"


# ----------------------------------------------------------------- installed script


def test_installed_console_script(tmp_path: Path) -> None:
    script = shutil.which("intake", path=str(Path(sys.executable).parent))
    assert script is not None, "the intake console script is not installed next to python"
    url = f"sqlite:///{(tmp_path / 'x.db').as_posix()}"
    env = dict(os.environ)  # already isolated by the autouse fixture

    def call(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [script, *argv], capture_output=True, text=True, env=env, timeout=60, check=False
        )

    version = call("--version")
    added = call("--db", url, *ACCEPTANCE_ADD)
    listed = call("--db", url, "event", "list", "--json")

    assert (version.returncode, version.stdout) == (0, f"intake {__version__}\n")
    assert added.returncode == 0, added.stderr
    event = json.loads(added.stdout)
    assert isinstance(event["id"], int)
    assert (event["type"], event["start"]) == ("tradeshow", "2025-04-28")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == [event]


def test_a_database_folder_that_cannot_be_made_is_a_clear_refusal(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["--db", f"sqlite:///{(blocker / 'x.db').as_posix()}", "event", "list"], out, err)
    assert code == 1
    assert err.getvalue().startswith("intake: Cannot create the folder")
    assert "unexpected" not in err.getvalue()
