"""Home, notices and the calendar feed, as a crew member's phone sees them."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import icalendar
from litestar import Litestar
from litestar.testing import TestClient

from schema import schedule
from schema.store.connection import connect
from tests.server.conftest import NOW, Clock, Phone, World, make_app, sign_in


def test_home(phones: dict[str, Phone], world: World) -> None:
    home = phones["alice"].get("/api/home").json()
    assert [n["id"] for n in home["notices"]] == [world.notices["moved"]]
    assert home["notices"][0]["kind"] == "call_changed"
    assert set(home["notices"][0]) == {"id", "kind", "summary", "created_at"}
    assert [(c["date"], c["call_at"]) for c in home["calls"]] == [
        ("2026-12-01", "2026-12-01T07:00:00"),
        ("2026-12-02", "2026-12-02T08:00:00"),
    ]
    first = home["calls"][0]
    assert first["location"]["name"] == "Stage 1"
    assert first["location"]["address"] == "1 Studio Way"
    assert first["location"]["map_url"].startswith("https://www.openstreetmap.org/")
    assert first["notes"] == "bring the long lens"
    assert first["scenes"] == "12, 14"
    [sheet] = home["today"]
    assert sheet["day_id"] == world.days["today"]
    assert sheet["crew"] == [
        {
            "name": "Alice Archer",
            "department": "Camera",
            "role": "Focus puller",
            "call_at": "2026-12-01T07:00:00",
        },
        {"name": "Bob Baker", "department": "", "role": "Lead", "call_at": "2026-12-01T08:00:00"},
    ]


def test_call_sheet_carries_no_contact_details(phones: dict[str, Phone]) -> None:
    text = phones["bob"].get("/api/home").text
    assert "alice@example.com" not in text and "1234 5678" not in text


def test_home_moves_with_the_day(phones: dict[str, Phone], clock: Clock) -> None:
    clock.now = NOW + timedelta(days=1)
    home = phones["alice"].get("/api/home").json()
    assert [c["date"] for c in home["calls"]] == ["2026-12-02"]
    assert home["today"][0]["location"]["name"] == "Back Yard"
    assert phones["bob"].get("/api/home").json() == {"notices": [], "calls": [], "today": []}


def test_acknowledge_is_idempotent(phones: dict[str, Phone], world: World, clock: Clock) -> None:
    url = f"/api/notices/{world.notices['moved']}/ack"
    first = phones["alice"].post(url, json={"nonce": "ack-nonce-1"})
    assert first.status_code == 200
    assert first.json() == {
        "notice_id": world.notices["moved"],
        "acknowledged_at": "2026-12-01T06:00:00Z",
    }
    clock.advance(minutes=5)
    again = phones["alice"].post(url, json={"nonce": "ack-nonce-2", "queued": True})
    assert again.json() == first.json()
    assert phones["alice"].get("/api/home").json()["notices"] == []
    db = connect(world.path, migrate_schema=False)
    acks = db.execute("SELECT count(*) FROM events WHERE kind = 'notice.acknowledged'").fetchone()
    db.conn.close()
    assert acks == (1,)


def test_queued_acknowledgement_keeps_its_time(
    phones: dict[str, Phone], world: World, clock: Clock
) -> None:
    clock.advance(hours=1)
    response = phones["alice"].post(
        f"/api/notices/{world.notices['moved']}/ack",
        json={"nonce": "ack-offline-1", "client_at": "2026-12-01T06:30:00+00:00", "queued": True},
    )
    assert response.json()["acknowledged_at"] == "2026-12-01T06:30:00Z"


def test_acknowledge_needs_a_session(phones: dict[str, Phone], world: World) -> None:
    response = phones["anon"].post(
        f"/api/notices/{world.notices['moved']}/ack", json={"nonce": "ack-anon-1"}
    )
    assert response.status_code == 401


def test_calendar_feed(phones: dict[str, Phone], client: TestClient[Litestar]) -> None:
    response = phones["alice"].post("/api/calendar")
    assert response.status_code == 200
    url = response.json()["url"]
    assert url.startswith("https://callboard.test/ics/") and url.endswith(".ics")
    client.cookies.clear()  # calendar apps have no cookies
    feed = client.get(url.removeprefix("https://callboard.test"))
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(feed.content)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e["DTSTART"].dt)
    assert len(events) == 2
    first = events[0]
    assert first["DTSTART"].dt.isoformat() == "2026-12-01T07:00:00+00:00"
    assert str(first["DTSTART"].dt.tzinfo) == "Europe/London"
    assert first["DTEND"].dt.hour == 19
    assert str(first["LOCATION"]) == "Stage 1, 1 Studio Way"
    assert "bring the long lens" in str(first["DESCRIPTION"])
    assert calendar.walk("VTIMEZONE")


def test_calendar_feed_stays_current(
    phones: dict[str, Phone], client: TestClient[Litestar], world: World
) -> None:
    path = (
        phones["alice"].post("/api/calendar").json()["url"].removeprefix("https://callboard.test")
    )
    db = connect(world.path, migrate_schema=False)
    day = schedule.get_day(db, world.days["tomorrow"])
    schedule.move_day(db, day.id, day.version, call=time(10), now=NOW)
    db.conn.close()
    client.cookies.clear()
    events = icalendar.Calendar.from_ical(client.get(path).content).walk("VEVENT")
    assert sorted(e["DTSTART"].dt.hour for e in events) == [7, 10]


def test_a_new_calendar_url_retires_the_old(
    phones: dict[str, Phone], client: TestClient[Litestar]
) -> None:
    old = phones["alice"].post("/api/calendar").json()["url"].removeprefix("https://callboard.test")
    new = phones["alice"].post("/api/calendar").json()["url"].removeprefix("https://callboard.test")
    assert old != new
    client.cookies.clear()
    assert client.get(new).status_code == 200
    gone = client.get(old)
    assert gone.status_code == 404
    assert gone.json()["error"] == "calendar_unknown"


def test_unknown_calendar(client: TestClient[Litestar]) -> None:
    assert client.get("/ics/" + "A" * 27 + ".ics").status_code == 404
    assert client.get("/ics/nothing").status_code == 404


def test_calendar_needs_a_session(phones: dict[str, Phone]) -> None:
    assert phones["anon"].post("/api/calendar").status_code == 401


def test_home_says_when_i_checked_in(phones: dict[str, Phone], world: World, clock: Clock) -> None:
    clock.advance(minutes=50)
    phones["alice"].post(
        "/api/checkins",
        json={
            "code": world.codes["stage"],
            "nonce": "nonce-home-1",
            "queued": True,
            "client_at": "2026-12-01T06:42:00Z",
        },
    )
    calls = phones["alice"].get("/api/home").json()["calls"]
    assert [c["checked_in_at"] for c in calls] == ["2026-12-01T06:42:00Z", None]
    assert phones["bob"].get("/api/home").json()["calls"][0]["checked_in_at"] is None


def test_calendar_url_uses_the_served_base_url(
    world: World, static_dir: Path, clock: Clock
) -> None:
    """`callboard serve --base-url` wins over the production's stored address."""
    app = make_app(world, static_dir, clock, base_url="https://call.example.org")
    with TestClient(app) as client:
        phone = Phone(client)
        sign_in(phone, world, "alice")
        url = phone.post("/api/calendar").json()["url"]
    assert url.startswith("https://call.example.org/ics/")
