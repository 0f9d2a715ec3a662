"""Security headers on every response, and the checks every unsafe request must pass."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders
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


def security_headers(settings: Settings) -> Callable[[Message, Scope], Awaitable[None]]:
    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for name, value in HEADERS.items():
            headers.setdefault(name, value)
        if scope.get("path", "").startswith("/api/"):
            headers.setdefault("cache-control", "no-store")  # personal data: never cached
        if net.is_https(scope, settings.trusted_proxies):
            headers.setdefault("strict-transport-security", "max-age=31536000")

    return before_send


def check_unsafe_request(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    """Guard: cross-site writes are refused, and JSON endpoints take only application/json.

    The JSON content type is itself a CSRF barrier: a cross-site form cannot send it without a
    CORS preflight, which this server never grants.
    """
    if connection.scope.get("method") not in UNSAFE_METHODS:
        return
    if not net.same_origin(connection.scope, settings_of(connection.scope).trusted_proxies):
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
