"""Every error leaves as one JSON shape: {"error": code, "message": sentence, "field": name|null}.

Domain errors are mapped to HTTP here and only here; framework errors (bad JSON, wrong types,
unknown routes, oversized bodies) get the same shape so the PWA has one thing to parse.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.types import ExceptionHandlersMap

from schema.errors import (
    CallboardError,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
    StaleEdit,
)
from schema.links import LinkRefused
from server.security import settings_of

log = logging.getLogger("callboard.server")


class ErrorBody(msgspec.Struct):
    error: str
    message: str
    field: str | None = None


class NotSignedIn(CallboardError):
    """No device session on this phone, or one the coordinator revoked."""

    code = "no_session"


class MalformedBody(CallboardError):
    """The body is not JSON at all, or not JSON this server will read."""

    code = "malformed_json"


STATUS_OF: dict[type[CallboardError], int] = {
    MalformedBody: 400,
    NotSignedIn: 401,
    NotFound: 404,
    InvalidInput: 422,
    RuleViolation: 409,
    StaleEdit: 409,
    Forbidden: 403,
}

# A personal link that cannot be spent: gone for good (410) or never existed (404).
LINK_STATUS = {"link_used": 410, "link_revoked": 410, "link_expired": 410, "link_unknown": 404}


def error_response(
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response[ErrorBody]:
    return Response(
        ErrorBody(error=code, message=message, field=field),
        status_code=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
        media_type="application/json",
    )


def domain_error(_: Request[Any, Any, Any], exc: CallboardError) -> Response[ErrorBody]:
    if isinstance(exc, LinkRefused):
        status = LINK_STATUS.get(exc.code, 404)
    else:
        status = next((s for kind, s in STATUS_OF.items() if isinstance(exc, kind)), 400)
    return error_response(status, exc.code, exc.message, exc.field)


def validation_error(_: Request[Any, Any, Any], exc: ValidationException) -> Response[ErrorBody]:
    """Wrong types or missing fields: 422 naming the first offending field (dotted path)."""
    problems = exc.extra if isinstance(exc.extra, list) else []
    first: dict[str, Any] = problems[0] if problems and isinstance(problems[0], dict) else {}
    message = str(first.get("message") or exc.detail)
    field = first.get("key")
    if field == "data":  # msgspec names a missing field only in its message
        field = located(message)[1]
    return error_response(422, "invalid_input", message, field)


# `Expected `bool`, got `int` - at `$.agree``: the dotted path after "at".
_AT = re.compile(r" - at `\$\.?([^`]*)`$")
# `Object missing required field `lat``, `Object contains unknown field `x``.
_FIELD = re.compile(r"field `([^`]*)`")


def located(message: str) -> tuple[str, str | None]:
    """msgspec's message without its JSON path, and the field as a dotted name: `position.lat`
    for `Object missing required field `lat` - at `$.position``."""
    found = _AT.search(message)
    text = message[: found.start()] if found else message
    path = found.group(1).replace("[", ".").replace("]", "") if found else ""
    named = _FIELD.search(text)
    return text, ".".join(part for part in (path, named and named.group(1)) if part) or None


def serialization_error(_: Request[Any, Any, Any], exc: Exception) -> Response[ErrorBody]:
    return error_response(400, "malformed_json", "the request body is not valid JSON")


def http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status == 404:
        # The framework's own 404 detail can name a file on this server: never repeat it.
        return not_found_page(request) or error_response(
            404, "not_found", "there is nothing at this address"
        )
    code = HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    message = (
        exc.detail if isinstance(exc.detail, str) and exc.detail else HTTPStatus(status).phrase
    )
    if status == 400 and "JSON is malformed" in message:
        code, message = "malformed_json", "the request body is not valid JSON"
    return error_response(status, code, message, headers=exc.headers)


def not_found_page(request: Request[Any, Any, Any]) -> Response[bytes] | None:
    """A person who followed a broken link (a truncated /p/, a typo) gets the app, whose router
    says "page not found" in words, with a 404 status; API clients and files keep JSON."""
    path = request.url.path
    wants_page = request.method == "GET" and "text/html" in request.headers.get("accept", "")
    if not wants_page or path.startswith(("/api/", "/static/")):
        return None
    shell = settings_of(request.scope).static_file("index.html")
    if shell is None:
        return None
    return Response(
        shell, status_code=404, media_type=MediaType.HTML, headers={"Cache-Control": "no-store"}
    )


def database_error(
    request: Request[Any, Any, Any], exc: sqlite3.OperationalError
) -> Response[ErrorBody]:
    """Another writer held the lock past the busy timeout: a retry will do (outboxes retry 5xx)."""
    if "locked" not in str(exc) and "busy" not in str(exc):
        return internal_error(request, exc)
    log.warning("database busy on %s %s", request.method, request.url.path)
    return error_response(
        503,
        "busy",
        "the production file is busy; trying again shortly",
        headers={"Retry-After": "2"},
    )


def internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[ErrorBody]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "something went wrong on the server; try again")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    CallboardError: domain_error,
    ValidationException: validation_error,
    SerializationException: serialization_error,
    HTTPException: http_error,
    sqlite3.OperationalError: database_error,
    Exception: internal_error,
}
