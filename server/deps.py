"""Dependencies every controller shares: the database, the device session, the client."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils
from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.di import NamedDependency, Provide

from schema import links
from schema.types import Person
from server import net
from server.errors import NotSignedIn
from server.security import settings_of
from server.settings import SESSION_COOKIE
from server.store import ConnectionCache

# Explicit dependency markers (Litestar 3 drops inference by name).
Db = NamedDependency[sqlite_utils.Database]
Now = NamedDependency[datetime]
SessionToken = NamedDependency[str | None]
CurrentPerson = NamedDependency[Person]

# Browsers cap cookie lifetime at 400 days; a phone should stay signed in for a whole shoot.
SESSION_MAX_AGE = 400 * 24 * 3600


def provide_db(request: Request[Any, Any, Any]) -> sqlite_utils.Database:
    cache: ConnectionCache = request.app.state.connections
    return cache.get()


def provide_now(request: Request[Any, Any, Any]) -> datetime:
    return settings_of(request.scope).clock()


def provide_session_token(request: Request[Any, Any, Any]) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


SIGNED_OUT: dict[links.SessionEnd, str] = {
    # Also a phone's own sign-out: the file does not tell the two apart.
    "session_revoked": "this phone was signed out; ask your coordinator for a new link",
    "session_expired": (
        f"this phone was signed out after {links.SESSION_IDLE_LIMIT.days} days unused;"
        " ask your coordinator for a new link"
    ),
}


# Where a request keeps the person its cookie names, once looked up (see session_person).
_PERSON_KEY = "callboard.person"
_UNSEEN = object()


def session_person(connection: ASGIConnection[Any, Any, Any, Any]) -> Person | None:
    """The person behind this request's cookie, or None: looked up once per request and kept
    in the request's state, so the rate-limit guard and the handler share one lookup."""
    state = connection.scope["state"]
    found = state.get(_PERSON_KEY, _UNSEEN)
    if found is _UNSEEN:
        token = connection.cookies.get(SESSION_COOKIE)
        found = None
        if token:
            cache: ConnectionCache = connection.app.state.connections
            now = settings_of(connection.scope).clock()
            found = links.session_person(cache.get(), token, now=now)
        state[_PERSON_KEY] = found
    return found


def provide_person(
    request: Request[Any, Any, Any], db: Db, session_token: SessionToken, now: Now
) -> Person:
    """The person behind this phone's cookie; 401 says whether they never had one or lost it."""
    if not session_token:
        raise NotSignedIn("open your personal link on this phone first")
    person = session_person(request)
    if person is None:
        ended = links.session_ended(db, session_token, now=now)
        if ended is not None:
            raise NotSignedIn(SIGNED_OUT[ended], code=ended)
        raise NotSignedIn("open your personal link on this phone first")
    return person


def client_ip(request: Request[Any, Any, Any]) -> str:
    return net.client_ip(request.scope, settings_of(request.scope).trusted_proxies)


def user_agent(request: Request[Any, Any, Any]) -> str:
    return request.headers.get("user-agent", "")[:400]


def session_cookie(request: Request[Any, Any, Any], token: str, *, clear: bool = False) -> Cookie:
    settings = settings_of(request.scope)
    secure = bool(settings.secure_cookies) or net.is_https(request.scope, settings.trusted_proxies)
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        path="/",
        httponly=True,
        samesite="lax",
        secure=secure,
        max_age=0 if clear else SESSION_MAX_AGE,
    )


def no_store(response: Response[Any]) -> Response[Any]:
    response.headers["Cache-Control"] = "no-store"
    return response


DEPENDENCIES = {
    "db": Provide(provide_db, sync_to_thread=False),
    "session_token": Provide(provide_session_token, sync_to_thread=False),
    "now": Provide(provide_now, sync_to_thread=False),
}
PERSON = {"person": Provide(provide_person, sync_to_thread=False)}
