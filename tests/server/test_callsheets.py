"""Published call sheets and folded notices, as a phone reads them over HTTP."""

from __future__ import annotations

from datetime import time, timedelta

from schema import callsheets, schedule
from schema.store.connection import connect
from tests.server.conftest import NOW, Phone, World

TOMORROW = (NOW + timedelta(days=1)).date()


def test_tomorrows_published_sheet_is_listed_and_readable(
    phones: dict[str, Phone], world: World
) -> None:
    db = connect(world.path)
    callsheets.publish(db, TOMORROW, now=NOW)
    db.conn.close()
    home = phones["alice"].get("/api/home").json()
    assert home["sheets"] == [
        {
            "date": TOMORROW.isoformat(),
            "unit": "Main",
            "version": 1,
            "published_at": "2026-12-01T06:00:00Z",
        }
    ]
    response = phones["alice"].get(f"/api/callsheets/{TOMORROW.isoformat()}/Main")
    assert response.status_code == 200
    sheet = response.json()
    assert sheet["version"] == 1 and sheet["my_call_at"] == "2026-12-02T08:00:00"
    assert sheet["location"]["name"] == "Back Yard"
    assert "alice@example.com" not in response.text and "+44 1234" not in response.text
    assert "person_id" not in response.text
    # Bob is not called tomorrow: not his sheet to read. Nor a phone without a session.
    assert phones["bob"].get(f"/api/callsheets/{TOMORROW.isoformat()}/Main").status_code == 404
    assert phones["anon"].get(f"/api/callsheets/{TOMORROW.isoformat()}/Main").status_code == 401
    assert phones["alice"].get("/api/callsheets/not-a-date/Main").status_code in (400, 404)


def test_notices_about_one_day_fold_into_one_card(phones: dict[str, Phone], world: World) -> None:
    db = connect(world.path)
    callsheets.publish(db, TOMORROW, now=NOW)
    call = schedule.call_of(db, world.days["tomorrow"], world.people["alice"])
    assert call is not None
    schedule.update_call(db, call.id, call.version, call=time(6), now=NOW)
    callsheets.publish(db, TOMORROW, now=NOW + timedelta(minutes=5))
    db.conn.close()
    home = phones["alice"].get("/api/home").json()
    [card] = [c for c in home["changes"] if c["day_id"] == world.days["tomorrow"]]
    assert [n["summary"] for n in card["notices"]] == [
        "Your call on Wed 2 Dec is now 06:00 (was 08:00)",
        "You are called on Wed 2 Dec at 08:00, Back Yard",
        "Wed 02 Dec: your call is now 08:00 (was 07:00); the Main unit call moved from"
        " 07:00 to 08:00",
    ]
    assert card["current"]["call_at"] == "2026-12-02T06:00:00"
    assert len(home["changes"]) == 1
