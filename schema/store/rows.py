"""Row-level helpers shared by the service modules: typed reads and versioned updates."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
import sqlite_utils

from schema.errors import NotFound, StaleEdit

T = TypeVar("T", bound=msgspec.Struct)

# Human names for tables, for messages a coordinator reads.
NOUNS = {
    "people": "person",
    "vendors": "vendor",
    "locations": "location",
    "days": "day",
    "calls": "call",
    "contracts": "contract",
    "documents": "document",
    "production": "production",
}


def to_struct(row: dict[str, Any], kind: type[T]) -> T:
    return msgspec.convert(row, kind, strict=False)


def fetch_one(db: sqlite_utils.Database, kind: type[T], sql: str, params: Any = ()) -> T | None:
    cursor = db.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    columns = [c[0] for c in cursor.description]
    return to_struct(dict(zip(columns, row, strict=True)), kind)


def fetch_all(db: sqlite_utils.Database, kind: type[T], sql: str, params: Any = ()) -> list[T]:
    cursor = db.execute(sql, params)
    columns = [c[0] for c in cursor.description]
    return [to_struct(dict(zip(columns, row, strict=True)), kind) for row in cursor.fetchall()]


def get(db: sqlite_utils.Database, table: str, kind: type[T], row_id: int) -> T:
    found = fetch_one(db, kind, f"SELECT * FROM {table} WHERE id = ?", [row_id])
    if found is None:
        raise NotFound(f"no {NOUNS.get(table, table)} with id {row_id}")
    return found


def insert(db: sqlite_utils.Database, table: str, values: dict[str, Any]) -> int:
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cursor = db.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))
    return int(cursor.lastrowid or 0)


def unchanged(
    db: sqlite_utils.Database,
    table: str,
    row_id: int,
    expected_version: int,
    values: dict[str, Any],
) -> bool:
    """True when the row is still at `expected_version` and already holds `values`.

    Saving such an edit would change nothing, so the service writes nothing: no version bump,
    no event, no notice. A stale version is never 'unchanged': the update then says so.
    """
    cursor = db.execute(
        f"SELECT * FROM {table} WHERE id = ? AND version = ?", [row_id, expected_version]
    )
    row = cursor.fetchone()
    if row is None:
        return False
    current = dict(zip([c[0] for c in cursor.description], row, strict=True))
    return all(current[column] == value for column, value in values.items())


def contains(text: str) -> str:
    """A LIKE pattern for `text` anywhere, its `%` and `_` taken literally: use it with
    `ESCAPE '\\'`, or a search for `_` would match everyone."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def update_versioned(
    db: sqlite_utils.Database,
    table: str,
    row_id: int,
    expected_version: int,
    values: dict[str, Any],
) -> None:
    """Update a row only if nobody changed it since `expected_version` was read.

    The version check is part of the UPDATE itself, so two writers can never both win.
    """
    if not values:
        return
    assignments = ", ".join(f"{column} = ?" for column in values)
    cursor = db.execute(
        f"UPDATE {table} SET {assignments}, version = version + 1 WHERE id = ? AND version = ?",
        [*values.values(), row_id, expected_version],
    )
    if cursor.rowcount == 1:
        return
    noun = NOUNS.get(table, table)
    current = _row(db, table, row_id)
    if current is None:
        raise NotFound(f"no {noun} with id {row_id} (it may have been deleted)")
    raise stale(db, table, current, "nothing was saved", values)


def delete_versioned(
    db: sqlite_utils.Database, table: str, row_id: int, expected_version: int
) -> None:
    cursor = db.execute(
        f"DELETE FROM {table} WHERE id = ? AND version = ?", [row_id, expected_version]
    )
    if cursor.rowcount == 1:
        return
    noun = NOUNS.get(table, table)
    current = _row(db, table, row_id)
    if current is None:
        raise NotFound(f"no {noun} with id {row_id}")
    raise stale(db, table, current, "nothing was deleted")


def _row(db: sqlite_utils.Database, table: str, row_id: int) -> dict[str, Any] | None:
    cursor = db.execute(f"SELECT * FROM {table} WHERE id = ?", [row_id])
    row = cursor.fetchone()
    return None if row is None else dict(zip([c[0] for c in cursor.description], row, strict=True))


def stale(
    db: sqlite_utils.Database,
    table: str,
    current: dict[str, Any],
    outcome: str,
    attempted: dict[str, Any] | None = None,
) -> StaleEdit:
    """The refusal of a stale edit, naming who got there first and what their change left
    (the latest event about the row; for an edit, the fields where theirs differs from yours)."""
    noun = NOUNS.get(table, table)
    latest = latest_change(db, table, current)
    theirs = _differences(current, attempted or {})
    if latest is None:
        message = f"this {noun} was changed by someone else since you opened it"
    else:
        actor, kind, _ = latest
        what = kind.replace(".", " ").replace("_", " ")
        message = f"this {noun} was changed by someone else since you opened it: {actor} ({what})"
    if theirs:
        message += f"; it now has {theirs}"
    return StaleEdit(f"{message}; {outcome}", by=latest[0] if latest else None)


# A row's events: the subject they are recorded under and the family of their kinds. A call's
# events are its day's, told apart by call_id; moving the day's call moves its calls too.
_SUBJECTS = {
    "days": ("day:{id}", "day"),
    "people": ("person:{id}", "person"),
    "vendors": ("vendor:{id}", "vendor"),
    "locations": ("location:{id}", "location"),
    "contracts": ("contract:{id}", "contract"),
    "production": ("production", "production"),
}


def latest_change(
    db: sqlite_utils.Database, table: str, current: dict[str, Any]
) -> tuple[str, str, str] | None:
    """(actor, kind, at) of the latest event that changed this row, if one is recorded."""
    if table == "calls":
        row = db.execute(
            "SELECT actor, kind, at FROM events WHERE subject = ? AND (kind = 'day.updated'"
            " OR (kind LIKE 'call.%' AND json_extract(data, '$.call_id') = ?))"
            " ORDER BY id DESC LIMIT 1",
            [f"day:{current['day_id']}", current["id"]],
        ).fetchone()
    elif table in _SUBJECTS:
        subject, family = _SUBJECTS[table]
        row = db.execute(
            "SELECT actor, kind, at FROM events WHERE subject = ? AND kind LIKE ?"
            " ORDER BY id DESC LIMIT 1",
            [subject.format(id=current.get("id")), f"{family}.%"],
        ).fetchone()
    else:
        row = None
    return (str(row[0]), str(row[1]), str(row[2])) if row else None


def _differences(current: dict[str, Any], attempted: dict[str, Any], most: int = 3) -> str:
    """ "call_at 08:15, notes 'moved for rain'": where the row now differs from your edit."""
    found = [
        f"{column} {_shown(current[column])}"
        for column, value in attempted.items()
        if column in current and current[column] != value
    ]
    return ", ".join(found[:most])


def _shown(value: Any) -> str:
    if value is None or isinstance(value, int | float):
        return "none" if value is None else str(value)
    text = str(value)
    if len(text) == 19 and text[10:11] == "T":  # a stored local time: the time is what moved
        return text[11:16] if text[:10] else text
    return repr(text if len(text) <= 40 else text[:39] + "…")
