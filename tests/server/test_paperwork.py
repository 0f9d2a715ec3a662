"""My paperwork, my company's bookings, and declining a contract, through the API."""

from __future__ import annotations

from datetime import time

from schema import bookings, contracts, directory, notices
from schema.bookings import BookingIn
from schema.directory import PersonIn
from schema.store.connection import connect
from schema.types import PersonKind
from tests.server.conftest import NOW, Phone, World


def booking(world: World, at: time = time(6)) -> int:
    db = connect(world.path, migrate_schema=False)
    try:
        vic = directory.get_person(db, world.people["vic"])
        assert vic.vendor_id is not None
        made = bookings.add_booking(
            db,
            BookingIn(vendor_id=vic.vendor_id, day_id=world.days["tomorrow"], at=at, what="Lamps"),
            now=NOW,
        )
        return made.id
    finally:
        db.conn.close()


def test_my_paperwork_says_what_is_left(phones: dict[str, Phone], world: World) -> None:
    alice = phones["alice"].get("/api/paperwork").json()
    # Alice has a crew agreement sent, but the production requires a deal memo of crew.
    assert alice == {
        "required": [
            {
                "kind": "deal memo",
                "done": False,
                "left": "The production has not sent it yet.",
                "contract_id": None,
                "title": None,
                "status": None,
                "expires_on": None,
            }
        ],
        "left": 1,
    }
    [vic] = phones["vic"].get("/api/paperwork").json()["required"]
    assert (vic["kind"], vic["status"], vic["contract_id"]) == (
        "vendor agreement",
        "sent",
        world.contracts["vic"],
    )
    assert vic["left"] == "Read it and confirm you signed it."
    # Bob's deal memo is still a draft: his phone does not learn of it.
    [bob] = phones["bob"].get("/api/paperwork").json()["required"]
    assert (bob["contract_id"], bob["title"], bob["status"]) == (None, None, None)
    assert phones["anon"].get("/api/paperwork").status_code == 401


def test_a_vendor_confirms_their_booking_and_nobody_else_can(
    phones: dict[str, Phone], world: World
) -> None:
    booking_id = booking(world)
    [seen] = phones["vic"].get("/api/bookings").json()
    assert (seen["id"], seen["kind"], seen["what"], seen["confirmed_at"]) == (
        booking_id,
        "delivery",
        "Lamps",
        None,
    )
    assert seen["location"]["name"] == "Back Yard"
    assert phones["alice"].get("/api/bookings").json() == []
    url = f"/api/bookings/{booking_id}/confirm"
    assert phones["alice"].post(url, json={}).status_code == 404
    assert phones["anon"].post(url, json={}).status_code == 401
    assert phones["vic"].post(url).status_code == 415  # a body-less POST is no JSON
    confirmed = phones["vic"].post(url, json={})
    assert confirmed.status_code == 200
    assert confirmed.json()["confirmed_by"] == "Vic Vendor"
    again = phones["vic"].post(url, json={})
    assert again.json()["confirmed_at"] == confirmed.json()["confirmed_at"]
    assert phones["vic"].post("/api/bookings/999/confirm", json={}).status_code == 404


def test_a_confirmation_sent_late_holds_only_for_the_booking_as_the_phone_showed_it(
    phones: dict[str, Phone], world: World
) -> None:
    booking_id = booking(world)
    [shown] = phones["vic"].get("/api/bookings").json()
    url = f"/api/bookings/{booking_id}/confirm"
    queued = {
        "shown": shown["shown"],
        "nonce": "n0nce-from-the-outbox",
        "client_at": "2026-12-01T09:00:00+00:00",
        "queued": True,
    }
    db = connect(world.path, migrate_schema=False)
    try:
        line = bookings.get_booking(db, booking_id)
        later = bookings.as_input(line)
        later.at = time(7)
        bookings.update_booking(db, booking_id, line.version, later, now=NOW)
    finally:
        db.conn.close()
    refused = phones["vic"].post(url, json=queued)
    assert refused.status_code == 409
    assert refused.json()["error"] == "booking_changed"
    assert "look at it again" in refused.json()["message"]
    [moved] = phones["vic"].get("/api/bookings").json()
    assert moved["confirmed_at"] is None and moved["at"].endswith("07:00:00")
    confirmed = phones["vic"].post(url, json={**queued, "shown": moved["shown"]})
    assert confirmed.status_code == 200 and confirmed.json()["confirmed_by"] == "Vic Vendor"
    assert phones["vic"].post(url, json={"sneaky": 1}).status_code == 422


def test_a_colleague_at_the_vendor_sees_the_same_bookings(
    phones: dict[str, Phone], world: World
) -> None:
    booking_id = booking(world)
    db = connect(world.path, migrate_schema=False)
    vic = directory.get_person(db, world.people["vic"])
    colleague = directory.add_person(
        db, PersonIn(name="Val Vendor", kind=PersonKind.VENDOR_CONTACT, vendor_id=vic.vendor_id)
    )
    db.conn.close()
    db = connect(world.path, migrate_schema=False)
    try:
        assert [b.id for b in bookings.for_contact(db, colleague, start=NOW.date())] == [booking_id]
    finally:
        db.conn.close()


def test_declining_with_a_reason(phones: dict[str, Phone], world: World) -> None:
    url = f"/api/contracts/{world.contracts['vic']}/decline"
    empty = phones["vic"].post(url, json={"reason": "   "})
    assert (empty.status_code, empty.json()["field"]) == (422, "reason")
    assert phones["alice"].post(url, json={"reason": "not mine"}).status_code == 404
    declined = phones["vic"].post(url, json={"reason": "Clause 7: the excess is £5,000"})
    assert declined.status_code == 200
    body = declined.json()
    assert (body["status"], body["decline_reason"]) == (
        "declined",
        "Clause 7: the excess is £5,000",
    )
    twice = phones["vic"].post(url, json={"reason": "again"})
    assert (twice.status_code, twice.json()["error"]) == (409, "contract_already")
    sign = phones["vic"].post(
        f"/api/contracts/{world.contracts['vic']}/sign",
        json={"full_name": "Vic Vendor", "agree": True, "sha256": "0" * 64},
    )
    assert sign.status_code == 409
    db = connect(world.path, migrate_schema=False)
    try:
        audit = db.execute(
            "SELECT actor, data FROM events WHERE kind = 'contract.declined'"
        ).fetchone()
        assert audit[0] == f"person:{world.people['vic']}" and "testclient" in audit[1]
        assert contracts.get_contract(db, world.contracts["vic"]).decline_reason
    finally:
        db.conn.close()


def test_a_moved_booking_reaches_the_vendor_as_a_notice(
    phones: dict[str, Phone], world: World
) -> None:
    booking(world)
    db = connect(world.path, migrate_schema=False)
    try:
        from schema import schedule

        day = schedule.get_day(db, world.days["tomorrow"])
        schedule.move_day(db, day.id, day.version, call=time(9), now=NOW)
        assert len(notices.for_person(db, world.people["vic"])) == 1
    finally:
        db.conn.close()
    [notice] = phones["vic"].get("/api/home").json()["notices"]
    assert notice["kind"] == "booking_moved"
    assert "please confirm it again" in notice["summary"]
