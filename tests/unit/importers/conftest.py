from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from importers.pipeline import Prepared, prepare
from importers.readers import read_file
from schemas import CorporateSchema, load_schema

Load = Callable[..., Prepared]


@pytest.fixture(scope="session")
def schema() -> CorporateSchema:
    return load_schema()


@pytest.fixture
def load(schema: CorporateSchema) -> Load:
    """Read a file and prepare it as the import does: ``load(path, profile="auto")``."""

    def run(path: Path, profile: str | None = "auto") -> Prepared:
        _facts, grids = read_file(path)
        return prepare(grids, schema, profile, file_name=path.name)

    return run
