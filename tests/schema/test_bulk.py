"""Bulk scheduling: each plan's effect, one event per person, and previews that write nothing."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
import sqlite_utils

from schema import bulk, identity, schedule
from schema.bulk import BulkKind, Plan
from schema.errors import InvalidInput, NotFound, StaleEdit
from schema.store.connection import connect
from schema.types import Day, Person
from tests.conftest import NOW
from tests.schema import factories


def crew(db: sqlite_utils.Database) -> dict[str, Person]:
    people = [
        ("Gus Grip", "Grip"),
        ("Gail Grip", "Grip"),
        ("Cam Era", "Camera"),
        ("Cat Erer", "Catering"),
    ]
    return {name: factories.person(db, name, department=dept) for name, dept in people}


def counts(db: sqlite_utils.Database) -> tuple[int, int, int]:
    return (
        db.execute("SELECT count(*) FROM events").fetchone()[0],
        db.execute("SELECT count(*) FROM calls").fetchone()[0],
        db.execute("SELECT count(*) FROM notices").fetchone()[0],
    )


def events_of(db: sqlite_utils.Database, kind: str) -> list[tuple[str, int]]:
    return db.execute(
        "SELECT actor, json_extract(data, '$.person_id') FROM events WHERE kind = ? ORDER BY id",
        [kind],
    ).fetchall()


def times(db: sqlite_utils.Database, day: Day) -> dict[str, str]:
    return {
        line.name: f"{line.call.call_at:%H:%M}-{line.call.wrap_at:%H:%M}"
        if line.call.wrap_at
        else f"{line.call.call_at:%H:%M}"
        for line in schedule.calls_for_day(db, day.id)
    }


def test_call_a_department_at_its_own_time_one_event_each_and_no_notice(
    fresh_db: sqlite_utils.Database,
) -> None:
    people = crew(fresh_db)
    day = factories.day(fresh_db)
    done = bulk.apply(
        fresh_db,
        Plan(kind=BulkKind.CALL, day_id=day.id, department="gr", call=time(6, 30)),
        actor="alice",
        now=NOW,
    )
    assert sorted(done.people) == ["Gail Grip", "Gus Grip"]
    assert times(fresh_db, day) == {"Gail Grip": "06:30", "Gus Grip": "06:30"}
    grips = {people["Gus Grip"].id, people["Gail Grip"].id}
    assert sorted(events_of(fresh_db, "call.added")) == sorted(("alice", pid) for pid in grips)
    # Their time was set as they were called: nobody hears "your call moved".
    assert fresh_db.execute("SELECT count(*) FROM notices").fetchone()[0] == 0


def test_calling_a_department_again_skips_who_is_already_called(
    fresh_db: sqlite_utils.Database,
) -> None:
    people = crew(fresh_db)
    day = factories.day(fresh_db)
    schedule.call_person(fresh_db, day.id, people["Gus Grip"].id, now=NOW)
    done = bulk.apply(fresh_db, Plan(kind=BulkKind.CALL, day_id=day.id, department="Grip"))
    assert done.people == ["Gail Grip"] and done.skipped == ["Gus Grip"]


def test_copy_keeps_each_offset_from_the_units_call(fresh_db: sqlite_utils.Database) -> None:
    people = crew(fresh_db)
    monday = factories.day(fresh_db, date(2026, 11, 30), call=time(7, 0))
    tuesday = factories.day(fresh_db, date(2026, 12, 1), call=time(8, 0))
    schedule.call_person(fresh_db, monday.id, people["Gus Grip"].id, call=time(6, 0), now=NOW)
    schedule.call_person(
        fresh_db, monday.id, people["Cam Era"].id, wrap=time(20, 0), notes="B cam", now=NOW
    )
    schedule.call_person(fresh_db, tuesday.id, people["Cat Erer"].id, now=NOW)
    done = bulk.apply(
        fresh_db,
        Plan(kind=BulkKind.COPY, day_id=tuesday.id, from_day_id=monday.id),
        actor="alice",
    )
    assert sorted(done.people) == ["Cam Era", "Gus Grip"]
    assert times(fresh_db, tuesday) == {
        "Gus Grip": "07:00",  # an hour before the unit, as on Monday
        "Cam Era": "08:00-21:00",
        "Cat Erer": "08:00",
    }
    assert schedule.call_of(fresh_db, tuesday.id, people["Cam Era"].id).notes == "B cam"  # type: ignore[union-attr]
    assert len(events_of(fresh_db, "call.added")) == 5  # three on the way in, two copied


def test_copy_needs_another_day(fresh_db: sqlite_utils.Database) -> None:
    day = factories.day(fresh_db)
    with pytest.raises(InvalidInput, match="another day"):
        bulk.apply(fresh_db, Plan(kind=BulkKind.COPY, day_id=day.id, from_day_id=day.id))


def test_shift_moves_each_call_and_tells_each_person(fresh_db: sqlite_utils.Database) -> None:
    people = crew(fresh_db)
    day = factories.day(fresh_db)
    bulk.apply(fresh_db, Plan(kind=BulkKind.CALL, day_id=day.id, department="Grip"))
    schedule.call_person(fresh_db, day.id, people["Cam Era"].id, now=NOW)
    done = bulk.apply(
        fresh_db,
        Plan(kind=BulkKind.SHIFT, day_id=day.id, department="grip", minutes=30),
        actor="bob",
    )
    assert done.title == "Grip on Main unit, Tue 01 Dec: calls 30 minutes later"
    assert times(fresh_db, day) == {"Gail Grip": "07:30", "Gus Grip": "07:30", "Cam Era": "07:00"}
    assert len(events_of(fresh_db, "call.updated")) == 2
    summaries = fresh_db.execute(
        "SELECT n.summary, r.person_id, n.actor FROM notices n"
        " JOIN notice_recipients r ON r.notice_id = n.id"
    ).fetchall()
    assert {(s, pid, a) for s, pid, a in summaries} == {
        ("Main unit, Tue 01 Dec: your call moved from 07:00 to 07:30", people[n].id, "bob")
        for n in ("Gus Grip", "Gail Grip")
    }


def test_shift_refuses_nothing_and_too_much(fresh_db: sqlite_utils.Database) -> None:
    crew(fresh_db)
    day = factories.day(fresh_db)
    bulk.apply(fresh_db, Plan(kind=BulkKind.CALL, day_id=day.id, department="Grip"))
    for minutes in (0, 13 * 60):
        with pytest.raises(InvalidInput) as refused:
            bulk.apply(
                fresh_db,
                Plan(kind=BulkKind.SHIFT, day_id=day.id, department="Grip", minutes=minutes),
            )
        assert refused.value.field == "minutes"


def test_release_a_department(fresh_db: sqlite_utils.Database) -> None:
    crew(fresh_db)
    day = factories.day(fresh_db)
    bulk.apply(fresh_db, Plan(kind=BulkKind.CALL, day_id=day.id, department="Grip"))
    done = bulk.apply(
        fresh_db, Plan(kind=BulkKind.RELEASE, day_id=day.id, department="Grip"), actor="carol"
    )
    assert sorted(done.people) == ["Gail Grip", "Gus Grip"]
    assert times(fresh_db, day) == {}
    assert [a for a, _ in events_of(fresh_db, "call.released")] == ["carol", "carol"]
    with pytest.raises(NotFound, match="nobody in Grip"):
        bulk.apply(fresh_db, Plan(kind=BulkKind.RELEASE, day_id=day.id, department="Grip"))


def test_department_names_resolve_or_say_why_not(fresh_db: sqlite_utils.Database) -> None:
    crew(fresh_db)
    assert bulk.resolve_department(fresh_db, " CAMERA ") == "Camera"
    assert bulk.resolve_department(fresh_db, "g") == "Grip"
    with pytest.raises(InvalidInput, match="could be Camera, Catering"):
        bulk.resolve_department(fresh_db, "ca")
    with pytest.raises(InvalidInput, match="no department called 'Sound'"):
        bulk.resolve_department(fresh_db, "Sound")


def test_preview_reports_notices_and_new_problems_and_writes_nothing(
    fresh_db: sqlite_utils.Database,
) -> None:
    crew(fresh_db)
    day = factories.day(fresh_db)
    bulk.apply(fresh_db, Plan(kind=BulkKind.CALL, day_id=day.id, department="Grip"))
    before = counts(fresh_db)
    shift = bulk.preview(
        fresh_db, Plan(kind=BulkKind.SHIFT, day_id=day.id, department="Grip", minutes=-15)
    )
    assert [(n.summary, sorted(n.recipients)) for n in shift.notices] == [
        ("Main unit, Tue 01 Dec: your call moved from 07:00 to 06:45", ["Gail Grip"]),
        ("Main unit, Tue 01 Dec: your call moved from 07:00 to 06:45", ["Gus Grip"]),
    ]
    assert shift.problems == []  # already uncontracted: nothing new
    call = bulk.preview(fresh_db, Plan(kind=BulkKind.CALL, day_id=day.id, department="Camera"))
    assert call.notices == []
    assert [p.kind for p in call.problems] == ["uncontracted_call"]
    assert "Cam Era" in call.problems[0].message
    assert counts(fresh_db) == before
    assert times(fresh_db, day) == {"Gail Grip": "07:00", "Gus Grip": "07:00"}


def test_a_refused_plan_writes_nothing(fresh_db: sqlite_utils.Database) -> None:
    crew(fresh_db)
    day = factories.day(fresh_db)
    before = counts(fresh_db)
    with pytest.raises(InvalidInput):
        bulk.preview(fresh_db, Plan(kind=BulkKind.CALL, day_id=day.id, department="ca"))
    assert counts(fresh_db) == before


# --- who changed it ------------------------------------------------------------------------------


def test_actor_names_are_checked() -> None:
    assert identity.actor_name("  Jo Bloggs ") == "Jo Bloggs"
    for bad in ("", "x" * 41, "person:3", "tab\there"):
        with pytest.raises(InvalidInput):
            identity.actor_name(bad)
    assert identity.login_name()  # whatever runs the tests has a name, or the fallback


def test_a_stale_edit_names_who_changed_it_and_what_it_now_has(tmp_path: Path) -> None:
    path = tmp_path / "two.db"
    first, second = connect(path), connect(path)
    from schema import production

    production.create(first, "Two desks", now=NOW)
    day = factories.day(first)
    who = factories.person(first, "Ana")
    call = schedule.call_person(first, day.id, who.id, now=NOW)
    schedule.update_call(first, call.id, call.version, call=time(9, 0), actor="bob", now=NOW)
    with pytest.raises(StaleEdit) as refused:
        schedule.update_call(second, call.id, call.version, call=time(10, 0), actor="alice")
    assert refused.value.by == "bob"
    assert str(refused.value) == (
        "this call was changed by someone else since you opened it: bob (call updated);"
        " it now has call_at 09:00; nothing was saved"
    )
    with pytest.raises(StaleEdit, match=r"bob \(call updated\); nothing was deleted"):
        schedule.release_person(second, call.id, call.version, actor="alice")
    assert f"{schedule.call_of(second, day.id, who.id).call_at:%H:%M}" == "09:00"  # type: ignore[union-attr]
