"""The frozen build under test: built once per session with build.spec, in a temporary folder."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.frozen import frozen_build


@pytest.fixture(scope="session")
def frozen_app() -> Iterator[frozen_build.FrozenApp]:
    """The build of this checkout; or the folder named by INTAKE_FROZEN_DIST, as it is."""
    reason = frozen_build.unavailable_reason()
    if reason is not None:
        pytest.fail(f"The frozen build tests were asked for, but {reason}")
    prebuilt = frozen_build.prebuilt_folder()
    if prebuilt is not None:
        yield frozen_build.FrozenApp(Path(prebuilt).resolve())
        return
    # Not below pytest's basetemp: the folder is some 260 MB, and pytest keeps three runs.
    with tempfile.TemporaryDirectory(prefix="intake-frozen-") as scratch:
        result = frozen_build.build(Path(scratch))
        if isinstance(result, str):
            pytest.fail(result)
        yield result
