"""An online backup: a consistent copy of a production file while the server keeps writing.

SQLite's backup API copies every page in one step under a read transaction, so the copy is one
moment of the database; in WAL mode that read blocks no writer. The copy goes to a temporary file
beside the destination, is checked, made self-contained (no -wal file) and then linked into place,
which fails rather than overwrite a file that appeared meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

import msgspec

from schema.errors import CallboardError, NotFound
from schema.store.connection import BUSY_TIMEOUT_MS


class BackupResult(msgspec.Struct, kw_only=True):
    path: str
    bytes: int
    events: int


def backup(source: str | Path, dest: str | Path) -> BackupResult:
    """Copy the production file `source` to `dest`, which must not exist yet."""
    src, target = Path(source), Path(dest)
    if not src.is_file():
        raise NotFound(f"no production file at {src}")
    if target.exists() or target.is_symlink():
        raise CallboardError(f"{target} already exists; choose a new name", code="exists")
    if not target.parent.is_dir():
        raise NotFound(f"folder {target.parent} does not exist")
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    try:
        events = _copy(src, temp)
        _link_into_place(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return BackupResult(path=str(target), bytes=target.stat().st_size, events=events)


def _copy(src: Path, temp: Path) -> int:
    """Back `src` up into `temp` and check the copy; returns the copy's number of events."""
    source = sqlite3.connect(str(src), timeout=BUSY_TIMEOUT_MS / 1000)
    copy = sqlite3.connect(str(temp), isolation_level=None)
    try:
        with contextlib.closing(source), contextlib.closing(copy):
            source.backup(copy, pages=-1)
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = copy.execute("PRAGMA quick_check").fetchone()[0]
            if problems != "ok":
                raise CallboardError(f"the copy failed its check: {problems}", code="backup")
            return _event_count(copy)
    except sqlite3.DatabaseError as error:
        raise CallboardError(f"cannot back up {src}: {error}", code="backup") from None


def _event_count(copy: sqlite3.Connection) -> int:
    try:
        return int(copy.execute("SELECT count(*) FROM events").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # a file from before the first migration: still a faithful copy


def _link_into_place(temp: Path, target: Path) -> None:
    try:
        os.link(temp, target)
    except FileExistsError:
        raise CallboardError(f"{target} already exists; choose a new name", code="exists") from None
    except OSError:
        # A filesystem without hard links: fall back to a check and a rename.
        if target.exists():
            raise CallboardError(
                f"{target} already exists; choose a new name", code="exists"
            ) from None
        temp.replace(target)
