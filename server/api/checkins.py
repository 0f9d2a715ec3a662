"""The location poster's page: look a code up, and check in (the critical path)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from schema import checkins, locations
from schema.checkins import CheckinAnswer, CheckinRequest
from schema.errors import NotFound
from server.deps import (
    Db,
    client_ip,
    provide_db,
    provide_now,
    provide_session_token,
    session_person,
    user_agent,
)
from server.ratelimit import rate_limited


class LocationOut(msgspec.Struct, kw_only=True):
    name: str
    address: str
    map_url: str
    current: bool


class CheckinController(Controller):
    path = "/api"
    tags = ["check-in"]

    @get(
        "/locations/{code:str}",
        sync_to_thread=False,
        summary="What a poster's code points at (public: the code is printed)",
    )
    def location(self, db: Db, code: FromPath[str]) -> LocationOut:
        found = locations.lookup_code(db, code)
        if found is None:
            raise NotFound("this code is not a Callboard location", code="unknown_code")
        return LocationOut(
            name=found.location.name,
            address=found.location.address,
            map_url=locations.map_url(found.location),
            current=found.current,
        )

    @post(
        "/checkins",
        status_code=200,
        sync_to_thread=False,
        guards=[rate_limited("checkin", per_session=True)],
        summary="Check in at a location; every outcome is a 200 with a reason",
    )
    def check_in(
        self, request: Request[Any, Any, Any], data: JSONBody[CheckinRequest]
    ) -> CheckinAnswer:
        # The hot path takes no Litestar dependencies: with more than one, Litestar resolves
        # them in an anyio task group per request (measured: ~10% of a check-in's time).
        db, now = provide_db(request), provide_now(request)
        # The rate-limit guard has already looked the session up; that lookup is reused.
        person = session_person(request)
        if person is None:  # the closed answer why: no session, revoked, expired
            return checkins.check_in(db, provide_session_token(request), data, now=now)
        return checkins.check_in_person(
            db, person, data, ip=client_ip(request), user_agent=user_agent(request), now=now
        )
