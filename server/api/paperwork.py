"""My paperwork (each required document and what is left) and my company's bookings."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.params import JSONBody

from schema import crew
from server.api.fields import Id
from server.deps import PERSON, CurrentPerson, Db, Now


class PaperworkController(Controller):
    path = "/api"
    tags = ["paperwork"]
    dependencies = PERSON

    @get(
        "/paperwork",
        sync_to_thread=False,
        summary="The documents the production requires of me, their state, what is left",
    )
    def mine(self, db: Db, person: CurrentPerson, now: Now) -> crew.PaperworkView:
        return crew.my_paperwork(db, person, now=now)

    @get(
        "/bookings",
        sync_to_thread=False,
        summary="My company's deliveries, pick-ups and services from today (vendor contacts)",
    )
    def bookings(self, db: Db, person: CurrentPerson, now: Now) -> list[crew.BookingView]:
        return crew.my_bookings(db, person, now=now)

    @post(
        "/bookings/{booking_id:int}/confirm",
        status_code=200,
        sync_to_thread=False,
        summary="Confirm one of my company's bookings as I saw it (idempotent)",
    )
    def confirm(
        self,
        db: Db,
        person: CurrentPerson,
        now: Now,
        booking_id: Id,
        data: JSONBody[crew.ConfirmRequest],
    ) -> crew.BookingView:
        return crew.confirm_booking(db, booking_id, person, data, now=now)
