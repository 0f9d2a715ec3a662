"""Call sheets: built from the schedule, published as versions, each change told in own terms."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import msgspec
import pytest
import sqlite_utils

from schema import callsheets, notices, schedule
from schema.callsheets import Contact, DayDetails
from schema.errors import InvalidInput, RuleViolation
from schema.store import events
from schema.types import NoticeKind, PersonKind
from tests.conftest import NOW
from tests.schema import factories

THU = date(2026, 12, 3)
LATER = NOW + timedelta(hours=3)


@pytest.fixture
def thursday(fresh_db: sqlite_utils.Database) -> dict[str, int]:
    """Thu 3 Dec at Harbour Mill: a gaffer at 05:00, a DP at 06:00, an actor at 08:00."""
    mill = factories.location(
        fresh_db,
        "Harbour Mill",
        address="1 Mill Lane",
        lat=51.5074,
        lon=-0.1278,
        parking="Car park B, Mill Lane",
        base_camp="Yard behind the mill",
        hospital="Royal London Hospital, Whitechapel Rd",
    )
    quay = factories.location(fresh_db, "Blackwall Quay", address="Quay Rd")
    shoot = factories.day(fresh_db, THU, call=time(6, 0), location_id=mill.id)
    factories.day(fresh_db, date(2026, 12, 4), call=time(7, 0), location_id=quay.id)
    gaffer = factories.person(
        fresh_db, "Gus Hale", department="Electric", role="Gaffer", phone="+44 7700 900001"
    )
    dp = factories.person(
        fresh_db, "Dee Park", department="Camera", role="DP", email="dee@example.org"
    )
    actor = factories.person(fresh_db, "Ava Stone", kind=PersonKind.CAST, role="Mara")
    schedule.call_person(fresh_db, shoot.id, gaffer.id, call=time(5, 0), now=NOW)
    schedule.call_person(fresh_db, shoot.id, dp.id, now=NOW)
    schedule.call_person(fresh_db, shoot.id, actor.id, call=time(8, 0), now=NOW)
    return {
        "day": shoot.id,
        "mill": mill.id,
        "quay": quay.id,
        "gaffer": gaffer.id,
        "dp": dp.id,
        "actor": actor.id,
    }


def _call_id(db: sqlite_utils.Database, day_id: int, person_id: int) -> tuple[int, int]:
    call = schedule.call_of(db, day_id, person_id)
    assert call is not None
    return call.id, call.version


def test_draft_holds_everything_a_sheet_needs(
    fresh_db: sqlite_utils.Database, thursday: dict[str, int]
) -> None:
    settings = callsheets.settings(fresh_db)
    callsheets.update_settings(
        fresh_db,
        settings.version,
        contacts=[Contact(label="Production office", phone="+44 20 7946 0000")],
        walkies={"Camera": "3", "Electric": "4"},
        safety="Hi-vis on the quay at all times.",
        now=NOW,
    )
    callsheets.set_day_details(
        fresh_db,
        thursday["day"],
        DayDetails(meals="Breakfast 05:30 · Lunch 12:30", safety_notes="Working near water."),
        now=NOW,
    )
    sheet = callsheets.draft(fresh_db, THU)
    assert (sheet.production, sheet.unit, sheet.day_number, sheet.day_count) == (
        "Test Picture",
        "Main",
        1,
        2,
    )
    assert sheet.call_at == datetime(2026, 12, 3, 6, 0)
    assert sheet.location is not None
    assert sheet.location.parking == "Car park B, Mill Lane"
    assert sheet.location.hospital.startswith("Royal London")
    assert sheet.location.sunrise and sheet.location.sunset
    assert sheet.meals == "Breakfast 05:30 · Lunch 12:30"
    assert sheet.safety_notes == "Working near water.\nHi-vis on the quay at all times."
    assert [d.name for d in sheet.departments] == ["Cast", "Camera", "Electric"]
    assert [d.walkie for d in sheet.departments] == ["", "3", "4"]
    assert sheet.departments[2].people[0].call_at == datetime(2026, 12, 3, 5, 0)
    assert sheet.contacts == [Contact(label="Production office", phone="+44 20 7946 0000")]
    assert sheet.advance is not None and sheet.advance.location == "Blackwall Quay"


def test_sunrise_and_sunset_match_the_almanac() -> None:
    # London (51.5074 N, 0.1278 W) on 21 June 2026: sunrise 04:43, sunset 21:21 BST
    # (HM Nautical Almanac Office / timeanddate.com tables).
    assert callsheets.sun_times(51.5074, -0.1278, date(2026, 6, 21), "Europe/London") == (
        "04:43",
        "21:21",
    )
    # Polar night at Longyearbyen in December: the sun neither rises nor sets.
    assert callsheets.sun_times(78.22, 15.65, date(2026, 12, 21), "Arctic/Longyearbyen") == (
        None,
        None,
    )


def test_first_publish_tells_everyone_called(
    fresh_db: sqlite_utils.Database, thursday: dict[str, int]
) -> None:
    version, changes = callsheets.publish(fresh_db, THU, now=NOW)
    assert version.number == 1
    texts = {c.person_id: c.text for c in changes}
    assert texts[thursday["gaffer"]] == "You are called on Thu 3 Dec at 05:00, Harbour Mill"
    assert texts[thursday["actor"]] == "You are called on Thu 3 Dec at 08:00, Harbour Mill"
    assert {c.kind for c in changes} == {NoticeKind.CALLED}
    [event] = [e for e in events.since(fresh_db, 0) if e.kind == "callsheet.published"]
    assert event.data["version_id"] == version.id
    assert event.data["affected"] == 3


def test_second_version_tells_only_the_affected_each_in_their_terms(
    fresh_db: sqlite_utils.Database, thursday: dict[str, int]
) -> None:
    callsheets.publish(fresh_db, THU, now=NOW)
    before = len(notices.list_all(fresh_db))
    # After publication, edits wait in the draft: nobody is told yet.
    call_id, version = _call_id(fresh_db, thursday["day"], thursday["gaffer"])
    schedule.update_call(fresh_db, call_id, version, call=time(4, 0), now=NOW)
    call_id, version = _call_id(fresh_db, thursday["day"], thursday["actor"])
    schedule.release_person(fresh_db, call_id, version, now=NOW)
    newcomer = factories.person(fresh_db, "Nia Bloom", department="Sound", role="Boom")
    schedule.call_person(fresh_db, thursday["day"], newcomer.id, call=time(6, 30), now=NOW)
    assert len(notices.list_all(fresh_db)) == before

    preview = callsheets.preview(fresh_db, THU)
    assert preview.number == 2
    version2, changes = callsheets.publish(fresh_db, THU, now=LATER)
    assert version2.number == 2
    assert [(c.name, c.kind, c.text) for c in changes] == [
        ("Ava Stone", NoticeKind.RELEASED, "Thu 3 Dec: you are no longer called"),
        ("Gus Hale", NoticeKind.CALL_CHANGED, "Your call on Thu 3 Dec is now 04:00 (was 05:00)"),
        ("Nia Bloom", NoticeKind.CALLED, "You are called on Thu 3 Dec at 06:30, Harbour Mill"),
    ]
    assert [c.person_id for c in changes] == [p.person_id for p in preview.changes]
    # The DP was not touched: no notice for them in this version.
    dp_notices = [n.summary for n, _ in notices.for_person(fresh_db, thursday["dp"])]
    assert dp_notices == ["You are called on Thu 3 Dec at 06:00, Harbour Mill"]
    gaffer = [n.summary for n, _ in notices.for_person(fresh_db, thursday["gaffer"])]
    assert gaffer[0] == "Your call on Thu 3 Dec is now 04:00 (was 05:00)"


def test_a_moved_location_is_one_notice_to_everyone_still_called(
    fresh_db: sqlite_utils.Database, thursday: dict[str, int]
) -> None:
    callsheets.publish(fresh_db, THU, now=NOW)
    day = schedule.get_day(fresh_db, thursday["day"])
    schedule.move_day(fresh_db, day.id, day.version, location_id=thursday["quay"], now=NOW)
    version, changes = callsheets.publish(fresh_db, THU, now=LATER)
    assert {c.text for c in changes} == {
        "Thu 3 Dec: you are now at Blackwall Quay (was Harbour Mill)"
    }
    assert len(changes) == 3
    moved = [s for s in notices.list_all(fresh_db) if s.notice.kind == NoticeKind.LOCATION_CHANGED]
    assert [(s.recipients, s.notice.summary) for s in moved] == [
        (3, "Thu 3 Dec: you are now at Blackwall Quay (was Harbour Mill)")
    ]
    delivery = callsheets.affected(fresh_db, version.id)
    assert {d.person_id for d in delivery} == {
        thursday["gaffer"],
        thursday["dp"],
        thursday["actor"],
    }
    assert delivery[0].text == "Thu 3 Dec: you are now at Blackwall Quay (was Harbour Mill)."


def test_affected_gives_one_message_per_person(
    fresh_db: sqlite_utils.Database, thursday: dict[str, int]
) -> None:
    callsheets.publish(fresh_db, THU, now=NOW)
    call_id, version = _call_id(fresh_db, thursday["day"], thursday["gaffer"])
    schedule.update_call(fresh_db, call_id, version, call=time(4, 30), now=NOW)
    day = schedule.get_day(fresh_db, thursday["day"])
    schedule.move_day(fresh_db, day.id, day.version, location_id=thursday["quay"], now=NOW)
    version2, _ = callsheets.publish(fresh_db, THU, now=LATER)
    gaffer = next(
        d for d in callsheets.affected(fresh_db, version2.id) if d.person_id == thursday["gaffer"]
    )
    assert gaffer.kinds == [NoticeKind.CALL_CHANGED, NoticeKind.LOCATION_CHANGED]
    assert gaffer.text == (
        "Your call on Thu 3 Dec is now 04:30 (was 05:00). "
        "Thu 3 Dec: you are now at Blackwall Quay (was Harbour Mill)."
    )


def test_publishing_nothing_new_is_refused(
    fresh_db: sqlite_utils.Database, thursday: dict[str, int]
) -> None:
    callsheets.publish(fresh_db, THU, now=NOW)
    with pytest.raises(RuleViolation, match="nothing changed since version 1"):
        callsheets.publish(fresh_db, THU, now=LATER)
    assert callsheets.preview(fresh_db, THU).unchanged


def test_before_first_publish_a_day_call_move_tells_each_their_own_call(
    fresh_db: sqlite_utils.Database, thursday: dict[str, int]
) -> None:
    day = schedule.get_day(fresh_db, thursday["day"])
    schedule.move_day(fresh_db, day.id, day.version, call=time(7, 0), now=NOW)
    gaffer = [n.summary for n, _ in notices.for_person(fresh_db, thursday["gaffer"])]
    assert gaffer == [
        "Thu 03 Dec: your call is now 06:00 (was 05:00); the Main unit call moved from"
        " 06:00 to 07:00"
    ]
    actor = [n.summary for n, _ in notices.for_person(fresh_db, thursday["actor"])]
    assert actor[0].startswith("Thu 03 Dec: your call is now 09:00 (was 08:00)")


def test_crew_view_never_carries_contact_details(
    fresh_db: sqlite_utils.Database, thursday: dict[str, int]
) -> None:
    callsheets.publish(fresh_db, THU, now=NOW)
    seen = callsheets.sheet_for_person(fresh_db, thursday["dp"], THU, "Main")
    text = msgspec.json.encode(seen).decode()
    assert "Gus Hale" in text and "Ava Stone" in text
    for secret in ("+44 7700 900001", "dee@example.org", "person_id"):
        assert secret not in text
    assert seen.my_call_at == datetime(2026, 12, 3, 6, 0)
    assert [p.me for d in seen.departments for p in d.people if p.name == "Dee Park"] == [True]
    # The frozen version holds no contact details either.
    row = fresh_db.execute("SELECT sheet FROM callsheet_versions").fetchone()[0]
    assert "7700" not in row and "dee@example.org" not in row


def test_a_production_can_hide_cast_names_from_crew(
    fresh_db: sqlite_utils.Database, thursday: dict[str, int]
) -> None:
    callsheets.publish(fresh_db, THU, now=NOW)
    settings = callsheets.settings(fresh_db)
    callsheets.update_settings(fresh_db, settings.version, hide_cast_names=True, now=NOW)
    crew_view = msgspec.json.encode(
        callsheets.sheet_for_person(fresh_db, thursday["dp"], THU, "Main")
    ).decode()
    assert "Ava Stone" not in crew_view and "Cast member" in crew_view
    # The actor still sees their own name.
    own = callsheets.sheet_for_person(fresh_db, thursday["actor"], THU, "Main")
    assert [p.name for p in own.departments[0].people] == ["Ava Stone"]


def test_only_people_on_the_day_may_read_its_sheet(
    fresh_db: sqlite_utils.Database, thursday: dict[str, int]
) -> None:
    from schema.errors import NotFound

    stranger = factories.person(fresh_db, "Sol Ray")
    with pytest.raises(NotFound):
        callsheets.sheet_for_person(fresh_db, thursday["dp"], THU, "Main")  # not published
    callsheets.publish(fresh_db, THU, now=NOW)
    with pytest.raises(NotFound):
        callsheets.sheet_for_person(fresh_db, stranger.id, THU, "Main")
    refs = callsheets.sheets_for_person(fresh_db, thursday["dp"], start=date(2026, 12, 1))
    assert [(r.date, r.unit, r.version) for r in refs] == [(THU, "Main", 1)]


def test_contacts_need_a_number(fresh_db: sqlite_utils.Database) -> None:
    from schema.errors import InvalidInput

    settings = callsheets.settings(fresh_db)
    with pytest.raises(InvalidInput, match="give a phone number or an email"):
        callsheets.update_settings(
            fresh_db, settings.version, contacts=[Contact(label="Office")], now=NOW
        )


def test_sheet_settings_read_back_as_the_desk_types_them(fresh_db: sqlite_utils.Database) -> None:
    typed = "Production office=+44 20 7946 0000; Unit base=base@picture.test"
    contacts = callsheets.contacts_from_line(typed)
    walkies = callsheets.walkies_from_line("Camera=2; Grip=3")
    version = callsheets.settings(fresh_db).version
    found = callsheets.update_settings(
        fresh_db, version, contacts=contacts, walkies=walkies, now=NOW
    )
    assert callsheets.contacts_line(found.contacts) == typed
    assert callsheets.walkies_line(found.walkies) == "Camera=2; Grip=3"
    for bad in ({"Grip; Electric": "3"}, {"Grip": "3=4"}):
        with pytest.raises(InvalidInput, match="neither ';' nor '='") as refused:
            callsheets.update_settings(fresh_db, found.version, walkies=bad, now=NOW)
        assert refused.value.field == "walkies"
    with pytest.raises(InvalidInput, match="takes LABEL=NUMBER"):
        callsheets.contact_of("Production office")
    assert callsheets.settings(fresh_db).walkies == {"Camera": "2", "Grip": "3"}
