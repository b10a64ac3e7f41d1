"""The layer contracts and the style rules are part of the suite, not just of pre-commit."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN_DIR = Path(sys.executable).parent


def tool(name: str) -> str:
    path = shutil.which(name, path=str(BIN_DIR))
    if path is None:
        pytest.fail(f"{name} is not installed next to {sys.executable}; install the test extra")
    return path


def run_tool(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool(argv[0]), *argv[1:]],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_project_root_is_found() -> None:
    assert (PROJECT_ROOT / "pyproject.toml").is_file()
    assert (PROJECT_ROOT / "intake_app" / "cli" / "__init__.py").is_file()


def test_import_contracts_hold() -> None:
    result = run_tool("lint-imports", "--no-logo")

    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_check_passes() -> None:
    result = run_tool("ruff", "check", "--no-cache", ".")

    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = run_tool("ruff", "format", "--no-cache", "--check", ".")

    assert result.returncode == 0, result.stdout + result.stderr
