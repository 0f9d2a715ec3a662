"""A small per-client-IP rate limiter (sliding window in memory) for the guessable endpoints.

Litestar's RateLimitConfig keys on the socket peer; this one keys on the client IP as
server/net.py works it out, so clients behind a trusted proxy are not all one client.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import TooManyRequestsException
from litestar.handlers.base import BaseRouteHandler

from schema.tokens import hash_token, looks_like_token
from server import net
from server.deps import session_person
from server.security import settings_of
from server.settings import SESSION_COOKIE

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


# Clients tracked at once. Past this, idle ones are forgotten and then the least recently seen:
# memory stays bounded, and a flood of new addresses cannot lock out the phones already here.
MAX_CLIENTS = 50_000


class RateLimiter:
    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._hits: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()
        self._swept = 0.0

    def wait(self, group: str, client: str, limit: int, window_s: float) -> float:
        """Without recording anything: 0 if a request is allowed now, else seconds to wait."""
        now = self._clock()
        with self._lock:
            hits = self._hits.get((group, client))
            while hits and hits[0] <= now - window_s:
                hits.popleft()
            if hits is not None and len(hits) >= limit:
                return hits[0] + window_s - now
            return 0.0

    def hit(self, group: str, client: str, limit: int, window_s: float) -> float:
        """Record a request; returns 0 if allowed, else seconds until the next one is."""
        now = self._clock()
        with self._lock:
            key = (group, client)
            if key not in self._hits and len(self._hits) >= MAX_CLIENTS:
                self._make_room(now, window_s)
            hits = self._hits.setdefault(key, deque())
            self._hits.move_to_end(key)
            while hits and hits[0] <= now - window_s:
                hits.popleft()
            if len(hits) >= limit:
                return hits[0] + window_s - now
            hits.append(now)
            return 0.0

    def _make_room(self, now: float, window_s: float) -> None:
        # Sweep at most once a window, so a flood cannot make every request a full scan.
        if now - self._swept >= window_s:
            self._forget_idle(now, window_s)
            self._swept = now
        while len(self._hits) >= MAX_CLIENTS:
            self._hits.popitem(last=False)  # the least recently seen client

    def _forget_idle(self, now: float, window_s: float) -> None:
        """Keep memory bounded when many addresses pass by."""
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - window_s]:
            del self._hits[key]


def rate_limited(group: str, *, per_session: bool = False, failures_only: bool = False) -> Guard:
    """A guard allowing `RateLimits.<group>` requests per client per window.

    The client is its IP, or with `per_session` its device session when it has one: a whole
    unit checking in from one location Wi-Fi shares a single public IP. With `failures_only`
    the guard only looks, and the handler counts a request that failed (`count_failure`): a
    crew opening their links on one office Wi-Fi never locks each other out, while guessing
    links is still limited. The guard is async so it runs on the event loop (a sync guard costs
    a thread hop per request), and the session lookup it makes is the one the handler uses
    (server.deps.session_person).
    """

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        settings = settings_of(connection.scope)
        limiter: RateLimiter = connection.app.state.limiter
        client = _client(connection, per_session=per_session)
        limit, window = getattr(settings.limits, group), settings.limits.window_s
        wait = (limiter.wait if failures_only else limiter.hit)(group, client, limit, window)
        if wait > 0:
            raise TooManyRequestsException(
                detail="too many requests; wait a moment and try again",
                headers={"Retry-After": str(max(1, round(wait)))},
            )

    return guard


def count_failure(connection: ASGIConnection[Any, Any, Any, Any], group: str) -> None:
    """Count a failed request against its client (see `rate_limited(failures_only=True)`)."""
    settings = settings_of(connection.scope)
    limiter: RateLimiter = connection.app.state.limiter
    limit, window = getattr(settings.limits, group), settings.limits.window_s
    limiter.hit(group, _client(connection, per_session=False), limit, window)


def _client(connection: ASGIConnection[Any, Any, Any, Any], *, per_session: bool) -> str:
    session = _real_session(connection) if per_session else None
    if session:
        return f"session:{hash_token(session)}"
    return net.client_ip(connection.scope, settings_of(connection.scope).trusted_proxies)


def _real_session(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The session cookie, only if it is a live session: a made-up cookie must not buy a
    fresh allowance (it counts against the client's IP instead)."""
    token = connection.cookies.get(SESSION_COOKIE)
    if not token or not looks_like_token(token):
        return None
    return token if session_person(connection) is not None else None
