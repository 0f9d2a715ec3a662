"""Personal links become device sessions; a phone can also sign itself out."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, post
from litestar.params import JSONBody

from schema import crew, links
from schema.errors import CallboardError
from server.deps import Db, Now, SessionToken, client_ip, session_cookie, user_agent
from server.ratelimit import count_failure, rate_limited


class SessionIn(msgspec.Struct, forbid_unknown_fields=True):
    token: Annotated[str, msgspec.Meta(max_length=200)]


class SessionOut(msgspec.Struct):
    person: crew.Me


class SessionController(Controller):
    path = "/api/session"
    tags = ["session"]

    @post(
        "/",
        status_code=200,
        sync_to_thread=False,
        # Only failed exchanges count against an address (a unit on one Wi-Fi, see ratelimit).
        guards=[rate_limited("session", failures_only=True)],
        summary="Spend a personal link: start a device session (sets the cookie)",
    )
    def start(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        now: Now,
        session_token: SessionToken,
        data: JSONBody[SessionIn],
    ) -> Response[SessionOut]:
        try:
            person, token = links.exchange_link(
                db,
                data.token,
                user_agent=user_agent(request),
                ip=client_ip(request),
                previous_session=session_token,
                now=now,
            )
        except CallboardError:
            count_failure(request, "session")
            raise
        return Response(
            SessionOut(person=crew.me(db, person)), cookies=[session_cookie(request, token)]
        )

    @delete("/", status_code=204, sync_to_thread=False, summary="Sign this phone out")
    def end(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        session_token: SessionToken,
        now: Now,
    ) -> Response[None]:
        if session_token:
            links.end_session(db, session_token, now=now)
        return Response(None, status_code=204, cookies=[session_cookie(request, "", clear=True)])
