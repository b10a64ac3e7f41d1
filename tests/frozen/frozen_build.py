"""When the frozen-build tests run, and the PyInstaller build they test.

The build takes minutes, so the tests marked ``frozen`` run on CI (``CI=true``), when
asked for (``INTAKE_FROZEN_TESTS=1``) or when given a folder already built
(``INTAKE_FROZEN_DIST=dist/intake``); otherwise they are left out and the report header
says so. When they are asked for and PyInstaller is missing they fail, as the
PostgreSQL variants do on CI, rather than pass silently.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ENABLE_VARIABLE = "INTAKE_FROZEN_TESTS"
PREBUILT_VARIABLE = "INTAKE_FROZEN_DIST"
BUILD_TIMEOUT = 30 * 60  # seconds; the build takes 2 to 8 minutes on 2 busy cores


def prebuilt_folder() -> str | None:
    """The folder of an existing build to test instead of building one, if given."""
    return os.environ.get(PREBUILT_VARIABLE) or None


def requested() -> bool:
    return (
        os.environ.get("CI") == "true"
        or os.environ.get(ENABLE_VARIABLE) == "1"
        or prebuilt_folder() is not None
    )


def unavailable_reason() -> str | None:
    """Why the folder cannot be built here, or None."""
    if prebuilt_folder() is None and importlib.util.find_spec("PyInstaller") is None:
        return "PyInstaller is not installed; install the test extra"
    return None


def report_header() -> str:
    missing = unavailable_reason()
    if not requested():
        return (
            "frozen build tests: left out (not CI; set"
            f" {ENABLE_VARIABLE}=1 to build with build.spec and smoke-test it)"
        )
    if missing:
        return f"frozen build tests: will fail ({missing})"
    if prebuilt_folder():
        return f"frozen build tests: smoke test of {prebuilt_folder()}"
    return "frozen build tests: build.spec into a temporary folder, then a smoke test"


class FrozenApp:
    """The one-folder build: ``intake`` (console) and ``intake-gui`` (window) side by side."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def executable(self, name: str) -> Path:
        return self.folder / (f"{name}.exe" if os.name == "nt" else name)


def build(scratch: Path) -> FrozenApp | str:
    """Build build.spec below scratch; the app, or why the build failed (its log's end)."""
    log = scratch / "pyinstaller.log"
    command = [
        sys.executable, "-m", "PyInstaller", str(PROJECT_ROOT / "build.spec"), "--noconfirm",
        "--distpath", str(scratch / "dist"), "--workpath", str(scratch / "build"),
    ]  # fmt: skip
    with log.open("w", encoding="utf-8") as output:
        result = subprocess.run(
            command,
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=BUILD_TIMEOUT,
            check=False,
        )
    if result.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:])
        return f"PyInstaller failed with exit code {result.returncode}:\n{tail}"
    return FrozenApp(scratch / "dist" / "intake")
