"""What a crew member's phone reads and acknowledges: who am I, home, notices, calendar."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from schema import callsheets, crew, delivery, links, notices
from server.api.fields import Id, Moment, Nonce
from server.bodies import RequestBody
from server.deps import PERSON, CurrentPerson, Db, Now
from server.ratelimit import rate_limited
from server.security import settings_of


class MeOut(msgspec.Struct):
    person: crew.Me
    production: crew.ProductionInfo


class AckIn(RequestBody):
    nonce: Nonce
    client_at: Moment | None = None
    queued: bool = False


class AckOut(msgspec.Struct):
    notice_id: int
    acknowledged_at: datetime


class CalendarOut(msgspec.Struct):
    url: str


class CrewController(Controller):
    path = "/api"
    tags = ["crew"]
    dependencies = PERSON

    @get("/me", sync_to_thread=False, summary="The person this phone belongs to")
    def me(self, db: Db, person: CurrentPerson) -> MeOut:
        return MeOut(person=crew.me(db, person), production=crew.production_info(db))

    @get("/home", sync_to_thread=False, summary="Notices, my next calls, today's call sheets")
    def home(self, db: Db, person: CurrentPerson, now: Now) -> crew.Home:
        found = crew.home(db, person, now=now)
        # The phone has now fetched these: what was sent about them is "opened".
        refs = ["invite", *(f"notice:{n.id}" for n in found.notices)]
        delivery.mark_opened(db, person.id, refs, now=now)
        return found

    @get(
        "/callsheets/{on:date}/{unit:str}",
        sync_to_thread=False,
        summary="A published call sheet of a day I am called on (no one's contact details)",
    )
    def callsheet(
        self, db: Db, person: CurrentPerson, on: FromPath[date], unit: FromPath[str]
    ) -> callsheets.CrewSheet:
        return callsheets.sheet_for_person(db, person.id, on, unit[:40])

    @post(
        "/notices/{notice_id:int}/ack",
        status_code=200,
        sync_to_thread=False,
        summary="Acknowledge a change notice (idempotent)",
    )
    def acknowledge(
        self,
        db: Db,
        person: CurrentPerson,
        now: Now,
        notice_id: FromPath[Id],
        data: JSONBody[AckIn],
    ) -> AckOut:
        at = notices.acknowledge(
            db,
            person.id,
            notice_id,
            nonce=data.nonce,
            client_at=data.client_at,
            replayed=data.queued,
            now=now,
        )
        return AckOut(notice_id=notice_id, acknowledged_at=at)

    @post(
        "/calendar",
        status_code=200,
        sync_to_thread=False,
        # Each call mints a token: a few per phone per window (its own allowance, so a busy
        # office Wi-Fi opening links cannot starve it).
        guards=[rate_limited("calendar", per_session=True)],
        summary="A new calendar subscription URL (the previous one stops working)",
    )
    def calendar(
        self, request: Request[Any, Any, Any], db: Db, person: CurrentPerson, now: Now
    ) -> CalendarOut:
        base_url = settings_of(request.scope).base_url
        feed = links.issue_calendar_feed(db, person.id, base_url=base_url, now=now)
        return CalendarOut(url=feed.url)
