"""Service tests run on a real SQLite file built by the migrations (test layer 2)."""

import pytest


@pytest.fixture
def backend() -> str:
    """Services are tested on SQLite only; the storage suite covers PostgreSQL."""
    return "sqlite"
