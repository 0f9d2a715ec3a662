"""The embedded demo: realistic, deterministic, and carrying the planted problems."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import sqlite_utils

from schema import contracts, demo, problems
from schema.store.connection import connect
from schema.types import ContractStatus, ProblemKind

TODAY = date(2026, 12, 1)
AT = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)


def _build(seed: int = 7) -> tuple[sqlite_utils.Database, demo.DemoSummary]:
    db = connect(":memory:")
    return db, demo.build(db, size="small", seed=seed, today=TODAY, now=AT)


def test_small_demo_is_a_feature_film() -> None:
    db, summary = _build()
    assert 100 <= summary.people <= 140
    assert 6 <= summary.locations <= 8
    assert 25 <= summary.days <= 32
    assert summary.vendors == 12
    assert summary.first_day < TODAY < summary.last_day
    statuses = {c.status for c in contracts.all_contracts(db)}
    assert statuses == set(ContractStatus)


def test_demo_has_the_planted_problems() -> None:
    db, _ = _build()
    kinds = Counter(p.kind for p in problems.find(db))
    assert kinds[ProblemKind.PERSON_DOUBLE_BOOKED] >= 1
    assert kinds[ProblemKind.UNCONTRACTED_CALL] >= 1
    assert kinds[ProblemKind.SHORT_TURNAROUND] >= 1
    assert sum(kinds.values()) <= 10  # a few, not noise


def test_demo_is_deterministic() -> None:
    first, _ = _build(seed=3)
    second, _ = _build(seed=3)
    dump = "SELECT name, department, role FROM people ORDER BY id"
    assert first.execute(dump).fetchall() == second.execute(dump).fetchall()


def test_today_has_arrivals_before_now() -> None:
    db, summary = _build()
    rows = db.execute(
        "SELECT count(*) FROM checkins WHERE received_at >= ?",
        ["2026-12-01T00:00:00"],
    ).fetchone()
    assert rows[0] > 20
    assert summary.checkins > rows[0]
