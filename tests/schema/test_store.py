"""The store: round trips, migrations, events on every write, stale-edit refusal."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import date, datetime, time
from pathlib import Path

import pytest
import sqlite_utils

from schema import directory, locations, production, schedule
from schema.directory import PersonIn
from schema.errors import CallboardError, InvalidInput, NotFound, StaleEdit
from schema.store import events, migrations
from schema.store.connection import connect, write
from schema.types import PersonKind
from tests.conftest import NOW
from tests.schema import factories


def test_person_round_trip(fresh_db: sqlite_utils.Database) -> None:
    vendor = directory.add_vendor(fresh_db, directory.VendorIn(name="Lumen Grip"), now=NOW)
    added = directory.add_person(
        fresh_db,
        PersonIn(
            name="  Bo Eze ",
            kind=PersonKind.VENDOR_CONTACT,
            department="Grip",
            role="Bookings",
            email="bo@lumen.example",
            phone="+44 7700 900123",
            vendor_id=vendor.id,
            notes="prefers text",
        ),
        now=NOW,
    )
    loaded = directory.get_person(fresh_db, added.id)
    assert loaded == added
    assert (loaded.name, loaded.vendor_id, loaded.version) == ("Bo Eze", vendor.id, 1)


def test_day_round_trip_past_midnight(fresh_db: sqlite_utils.Database) -> None:
    night = factories.day(fresh_db, call=time(18, 0), wrap=time(4, 0))
    loaded = schedule.get_day(fresh_db, night.id)
    assert loaded.call_at == datetime(2026, 12, 1, 18, 0)
    assert loaded.wrap_at == datetime(2026, 12, 2, 4, 0)


def test_location_gets_unambiguous_code(fresh_db: sqlite_utils.Database) -> None:
    place = factories.location(fresh_db, lat=51.5, lon=0.1)
    assert len(place.code) == 8
    assert not set(place.code) & set("0O1IL5S2Z8B")
    assert locations.checkin_url("https://callboard.test", place).endswith(f"/l/{place.code}")


def test_every_write_appends_an_event(fresh_db: sqlite_utils.Database) -> None:
    before = events.latest_id(fresh_db)
    who = factories.person(fresh_db)
    place = factories.location(fresh_db)
    shoot = factories.day(fresh_db, location_id=place.id)
    schedule.call_person(fresh_db, shoot.id, who.id, now=NOW)
    kinds = [e.kind for e in events.since(fresh_db, before)]
    assert kinds == ["person.added", "location.added", "day.added", "call.added"]


def test_events_are_append_only(fresh_db: sqlite_utils.Database) -> None:
    factories.person(fresh_db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        fresh_db.execute("UPDATE events SET actor = 'someone else'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        fresh_db.execute("DELETE FROM events")


def test_failed_write_leaves_nothing(fresh_db: sqlite_utils.Database) -> None:
    before = events.latest_id(fresh_db)
    with pytest.raises(InvalidInput) as error:
        directory.add_person(fresh_db, PersonIn(name="Ana", email="not-an-email"), now=NOW)
    assert error.value.field == "email"
    assert directory.list_people(fresh_db) == []
    assert events.latest_id(fresh_db) == before


def test_rollback_inside_nested_write(fresh_db: sqlite_utils.Database) -> None:
    with write(fresh_db):
        factories.person(fresh_db, "Kept")
        with pytest.raises(InvalidInput):
            factories.person(fresh_db, "")
    assert [p.name for p in directory.list_people(fresh_db)] == ["Kept"]


def test_stale_edit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    first, second = connect(path), connect(path)
    production.create(first, "Two desks", now=NOW)
    who = factories.person(first)
    directory.update_person(first, who.id, who.version, PersonIn(name="Ana Silva-Eze"), now=NOW)
    with pytest.raises(StaleEdit, match="changed by someone else"):
        directory.update_person(second, who.id, who.version, PersonIn(name="Ana S."), now=NOW)
    assert directory.get_person(second, who.id).name == "Ana Silva-Eze"


def test_edit_of_deleted_record_is_not_found(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    directory.delete_person(fresh_db, who.id, who.version, now=NOW)
    with pytest.raises(NotFound):
        directory.update_person(fresh_db, who.id, who.version, PersonIn(name="X"), now=NOW)


def _race_edit(path: str, name: str, version: int, results: multiprocessing.Queue) -> None:
    db = connect(path)
    try:
        directory.update_person(db, 1, version, PersonIn(name=name))
        results.put("won")
    except StaleEdit:
        results.put("stale")


def test_two_processes_editing_one_version_one_wins(tmp_path: Path) -> None:
    path = str(tmp_path / "race.db")
    db = connect(path)
    production.create(db, "Race", now=NOW)
    who = factories.person(db)
    results: multiprocessing.Queue = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=_race_edit, args=(path, f"Name {i}", who.version, results))
        for i in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    outcomes = sorted(results.get(timeout=5) for _ in workers)
    assert outcomes == ["stale", "stale", "stale", "won"]
    assert directory.get_person(db, who.id).version == 2


def test_migrates_empty_file_to_latest(tmp_path: Path) -> None:
    db = connect(tmp_path / "new.db")
    assert migrations.current_version(db) == migrations.LATEST
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_upgrades_an_older_file_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = connect(path, migrate_schema=False)
    with write(old):
        migrations.migrate(old, target=1)
    production.create(old, "Old picture", now=NOW)
    factories.person(old, "Kept Person")
    old.conn.close()

    upgraded = connect(path)
    assert migrations.current_version(upgraded) == migrations.LATEST
    assert [p.name for p in directory.list_people(upgraded)] == ["Kept Person"]
    indexes = {
        row[0] for row in upgraded.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    assert {"events_subject", "checkins_person_time"} <= indexes


def test_refuses_a_file_from_a_newer_callboard(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    connect(path).execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    with pytest.raises(CallboardError, match="newer than this Callboard"):
        connect(path)


def test_list_days_counts_called(fresh_db: sqlite_utils.Database) -> None:
    shoot = factories.day(fresh_db)
    for name in ("A", "B", "C"):
        schedule.call_person(fresh_db, shoot.id, factories.person(fresh_db, name).id, now=NOW)
    factories.day(fresh_db, date(2026, 12, 2))
    assert [(s.day.date.day, s.called) for s in schedule.list_days(fresh_db)] == [(1, 3), (2, 0)]


def test_v3_trusts_only_plausible_replayed_times(tmp_path: Path) -> None:
    """Upgrading a v2 file: a replayed check-in's phone time counts only if the code of the
    time would have believed it (within 48 hours back, 2 minutes ahead)."""
    path = tmp_path / "v2.db"
    old = connect(path, migrate_schema=False)
    with write(old):
        migrations.migrate(old, target=2)
    production.create(old, "Old picture", now=NOW)
    who = factories.person(old)
    received = "2026-12-01T09:00:00+00:00"
    rows = [
        ("plausible-01", 1, "2026-12-01T08:30:00+00:00"),
        ("ancient-001", 1, "2025-12-01T08:30:00+00:00"),
        ("future-0001", 1, "2026-12-03T09:00:00+00:00"),
        ("online-0001", 0, "2026-12-01T08:30:00+00:00"),
    ]
    for nonce, replayed, client_at in rows:
        old.execute(
            "INSERT INTO checkins (person_id, code, nonce, result, received_at, client_at,"
            " replayed) VALUES (?, 'X', ?, 'unknown_code', ?, ?, ?)",
            [who.id, nonce, received, client_at, replayed],
        )
    old.conn.close()
    upgraded = connect(path)
    happened = dict(upgraded.execute("SELECT nonce, happened_at FROM checkins").fetchall())
    assert happened == {
        "plausible-01": "2026-12-01T08:30:00+00:00",
        "ancient-001": received,
        "future-0001": received,
        "online-0001": received,
    }


def test_every_bad_field_is_reported_at_once(fresh_db: sqlite_utils.Database) -> None:
    with pytest.raises(InvalidInput) as error:
        directory.add_person(
            fresh_db, PersonIn(name=" ", email="nope", phone="call me maybe"), now=NOW
        )
    assert set(error.value.errors) == {"name", "email", "phone"}
    assert error.value.field == "name"  # the first, for fronts that show one
    assert directory.list_people(fresh_db) == []


def test_count_people_matches_the_search(fresh_db: sqlite_utils.Database) -> None:
    for name, department in (("Ana Silva", "Camera"), ("Bo Eze", "Camera"), ("Cy Ray", "Sound")):
        factories.person(fresh_db, name, department=department)
    for search in ("", "camera", "ray", "nobody"):
        found = directory.list_people(fresh_db, search=search, limit=1)
        total = directory.count_people(fresh_db, search=search)
        assert total == len(directory.list_people(fresh_db, search=search))
        assert len(found) == min(1, total)
    assert directory.count_people(fresh_db, search="camera") == 2
