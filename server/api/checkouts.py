"""Check-out (wrap) from the location poster: the check-in's twin, answered the same way."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.params import JSONBody

from schema import checkouts
from schema.checkouts import CheckoutAnswer, CheckoutRequest
from server.deps import Db, Now, SessionToken, client_ip, user_agent
from server.ratelimit import rate_limited


class CheckoutController(Controller):
    path = "/api"
    tags = ["check-in"]

    @post(
        "/checkouts",
        status_code=200,
        sync_to_thread=False,
        # One allowance with check-ins: the same phone scanning the same poster.
        guards=[rate_limited("checkin", per_session=True)],
        summary="Check out (wrap) at a location; every outcome is a 200 with a reason",
    )
    def check_out(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        session_token: SessionToken,
        now: Now,
        data: JSONBody[CheckoutRequest],
    ) -> CheckoutAnswer:
        return checkouts.check_out(
            db,
            session_token,
            data,
            ip=client_ip(request),
            user_agent=user_agent(request),
            now=now,
        )
