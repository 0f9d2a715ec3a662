"""Fixtures shared by every test: a fresh production in memory and a pinned clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlite_utils

from schema import production
from schema.store.connection import connect

# A pinned moment: Tuesday 1 December 2026, 06:00 UTC (06:00 in London).
NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def now() -> datetime:
    return NOW


@pytest.fixture
def fresh_db() -> Iterator[sqlite_utils.Database]:
    """An empty production in memory, in London time, with a fixed base URL."""
    db = connect(":memory:")
    production.create(
        db, "Test Picture", timezone="Europe/London", base_url="https://callboard.test", now=NOW
    )
    yield db
    db.conn.close()
