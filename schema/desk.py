"""Small read queries the coordinator's desk needs that no other service offers."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import sqlite_utils

from schema.checkins import LocationBoard


def departments(db: sqlite_utils.Database) -> list[str]:
    rows = db.execute(
        "SELECT DISTINCT department FROM people WHERE department != '' ORDER BY department"
    ).fetchall()
    return [row[0] for row in rows]


def count_people(db: sqlite_utils.Database, *, search: str = "") -> int:
    """How many people `directory.list_people(search=...)` would find without a limit."""
    pattern = f"%{search.strip()}%"
    row = db.execute(
        "SELECT count(*) FROM people WHERE ? = '%%' OR name LIKE ? OR department LIKE ?"
        " OR role LIKE ? OR email LIKE ? OR phone LIKE ?",
        [pattern, *[pattern] * 5],
    ).fetchone()
    return int(row[0])


def tally(board: LocationBoard, local_now: datetime) -> Counter[str]:
    """How many people at a location are expected, arrived, late, missing or unexpected."""
    return Counter(arrival.state(local_now) for arrival in board.arrivals)
