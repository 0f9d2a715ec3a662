"""Security headers on every response, and the checks every unsafe request must pass."""

from __future__ import annotations

import functools
import ipaddress
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Message, Scope

from server import net
from server.settings import Settings

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    # Personal links carry their token in the URL: never leak it to another site.
    "referrer-policy": "no-referrer",
    "permissions-policy": "geolocation=(self), camera=(self), microphone=(), payment=(), usb=()",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def settings_of(scope: Scope) -> Settings:
    return scope["app"].state.settings


_RAW_HEADERS = [(name.encode(), value.encode()) for name, value in HEADERS.items()]
_NO_STORE = (b"cache-control", b"no-store")
_HSTS = (b"strict-transport-security", b"max-age=31536000")


def security_headers(settings: Settings) -> Callable[[Message, Scope], Awaitable[None]]:
    """Adds each header the response does not set itself. One pass over the raw header list:
    Litestar's MutableScopeHeaders.setdefault rescans the list per header (measured: a third
    of GET /api/health's time for these ten)."""

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = list(message.get("headers", ()))
        present = {name.lower() for name, _ in headers}
        extra = [pair for pair in _RAW_HEADERS if pair[0] not in present]
        if b"cache-control" not in present and scope.get("path", "").startswith("/api/"):
            extra.append(_NO_STORE)  # personal data: never cached
        if b"strict-transport-security" not in present and net.is_https(
            scope, settings.trusted_proxies
        ):
            extra.append(_HSTS)
        message["headers"] = headers + extra

    return before_send


async def check_unsafe_request(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Guard on every route: the Host is ours, cross-site writes are refused, and JSON
    endpoints take only application/json. Async, so it runs on the event loop: a sync guard
    costs a thread hop per request (measured: a third of GET /api/health's throughput).

    The JSON content type is itself a CSRF barrier: a cross-site form cannot send it without a
    CORS preflight, which this server never grants.
    """
    settings = settings_of(connection.scope)
    if settings.check_host:
        _check_host(connection, settings)
    if connection.scope.get("method") not in UNSAFE_METHODS:
        return
    if not net.same_origin(connection.scope, settings.trusted_proxies):
        raise PermissionDeniedException("this request came from another site")
    if handler.opt.get("multipart"):
        return
    # A handler that reads a body takes JSON, always: whether a body is there at all is not
    # for the headers to say (an ASGI server may send neither length nor encoding).
    takes_body = handler.parsed_data_field is not None
    has_body = (
        takes_body
        or connection.headers.get("content-length", "0") != "0"
        or ("transfer-encoding" in connection.headers)
    )
    media_type = connection.headers.get("content-type", "").split(";")[0].strip().lower()
    if has_body and media_type != "application/json":
        raise HTTPException(status_code=415, detail="send the body as application/json")


def _check_host(connection: ASGIConnection[Any, Any, Any, Any], settings: Settings) -> None:
    """DNS rebinding: a page on another site whose name comes to point at this server reaches
    it with that other name as the Host. Once the production has a base URL naming a host,
    only that name is served; an IP address or localhost is always fine (no name to rebind)."""
    expected = base_host(connection, settings)
    if expected is None:
        return
    host = hostname(net.host(connection.scope, settings.trusted_proxies))
    if host != expected and not is_literal_host(host):
        raise HTTPException(status_code=400, detail="this server answers only at its own address")


def base_host(connection: ASGIConnection[Any, Any, Any, Any], settings: Settings) -> str | None:
    """The host name phones are sent to, or None when it is an address (nothing to check)."""
    url = settings.base_url or connection.app.state.base_urls.current()
    return _checked_host(url) if url else None


@functools.lru_cache(maxsize=8)
def _checked_host(url: str) -> str | None:
    expected = hostname(urlsplit(url).netloc)
    return None if not expected or is_literal_host(expected) else expected


def hostname(netloc: str) -> str:
    """ "Example.org:8000" -> "example.org"; "[::1]:80" -> "::1"."""
    netloc = netloc.strip().lower().rsplit("@", 1)[-1]
    if netloc.startswith("["):
        return netloc[1:].split("]", 1)[0]
    return netloc.split(":", 1)[0].rstrip(".")


@functools.lru_cache(maxsize=256)
def is_literal_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class BaseUrls:
    """The production's stored base URL, read at most every few seconds (the coordinator may
    change it while the server runs; a read per request would cost a statement each)."""

    TTL_S = 5.0

    def __init__(self, read: Callable[[], str | None]) -> None:
        self._read = read
        self._value: str | None = None
        self._at = -self.TTL_S

    def current(self) -> str | None:
        now = time.monotonic()
        if now - self._at >= self.TTL_S:
            self._value, self._at = self._read(), now
        return self._value
