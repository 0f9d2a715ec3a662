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


def tally(board: LocationBoard, local_now: datetime) -> Counter[str]:
    """How many people at a location are expected, arrived, late, missing or unexpected."""
    return Counter(arrival.state(local_now) for arrival in board.arrivals)
