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
    if db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [row_id]).fetchone() is None:
        raise NotFound(f"no {noun} with id {row_id} (it may have been deleted)")
    raise StaleEdit(
        f"this {noun} was changed by someone else since you opened it; nothing was saved"
    )


def delete_versioned(
    db: sqlite_utils.Database, table: str, row_id: int, expected_version: int
) -> None:
    cursor = db.execute(
        f"DELETE FROM {table} WHERE id = ? AND version = ?", [row_id, expected_version]
    )
    if cursor.rowcount == 1:
        return
    noun = NOUNS.get(table, table)
    if db.execute(f"SELECT 1 FROM {table} WHERE id = ?", [row_id]).fetchone() is None:
        raise NotFound(f"no {noun} with id {row_id}")
    raise StaleEdit(f"this {noun} was changed by someone else; nothing was deleted")
