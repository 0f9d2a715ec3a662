"""The crew and vendor server: an app factory in the manner of litestar-fullstack.

`callboard serve` runs `uvicorn.run("server.app:app_from_env", factory=True, ...)`.

Handlers are plain functions with `sync_to_thread=False`: they run inline on the event loop and
call SQLite directly, one connection per thread (server/store.py). DESIGN.md measured inline as
the fastest (a thread hop costs ~40%); measured here, ~730 GET /api/home a second from one
client on 2 cores, and sync_to_thread=True with the dependency-provided connection shares one
connection across worker threads (corrupted transactions under load), so inline it is and
tests/server/test_security.py keeps it so. The one stall is a busy wait while the TUI holds the
write lock; its transactions are short, and past the busy timeout the answer is a 503 to retry.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.connection import ASGIConnection
from litestar.datastructures import CacheControlHeader, State
from litestar.exceptions import NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.static_files import create_static_files_router
from litestar.types import (
    LifeSpanReceive,
    LifeSpanScope,
    LifeSpanSend,
    Message,
    Receive,
    Scope,
    Send,
)

from schema.clock import utcnow
from schema.sending import BackgroundSender
from server import logs
from server.api.checkins import CheckinController
from server.api.checkouts import CheckoutController
from server.api.contracts import ContractController
from server.api.crew import CrewController
from server.api.equipment import EquipmentController
from server.api.pages import PageController
from server.api.paperwork import PaperworkController
from server.api.push import PushController
from server.api.session import SessionController
from server.bodies import strict_json_body
from server.deps import DEPENDENCIES
from server.errors import EXCEPTION_HANDLERS
from server.openapi import DocumentPlugin
from server.ratelimit import RateLimiter
from server.security import BaseUrls, check_unsafe_request, security_headers
from server.settings import DEFAULT_STATIC_DIR, RateLimits, Settings, env_flag, parse_networks
from server.store import ConnectionCache

# JSON bodies are a few hundred bytes; anything much larger is a mistake or an attack.
JSON_BODY_LIMIT = 16 * 1024

log = logging.getLogger("callboard.server")


def create_app(
    db_path: str,
    *,
    trusted_proxies: list[str] = [],  # noqa: B006 - never mutated; the signature callers know
    static_dir: Path | None = None,
    secure_cookies: bool | None = None,
    rate_limits: RateLimits | None = None,
    clock: Callable[[], datetime] = utcnow,
    base_url: str | None = None,
    sender: bool = False,
    push_hosts: tuple[str, ...] = (),
    check_host: bool = True,
) -> Litestar:
    settings = Settings(
        db_path=db_path,
        trusted_proxies=parse_networks(trusted_proxies),
        static_dir=static_dir or DEFAULT_STATIC_DIR,
        secure_cookies=secure_cookies,
        limits=rate_limits or RateLimits(),
        clock=clock,
        base_url=base_url,
        push_hosts=push_hosts,
        check_host=check_host,
    )
    connections = ConnectionCache(db_path)
    connections.migrate()
    logs.install()
    # Sending blocks (SMTP, HTTPS): its own thread and connection, never the event loop.
    outbox = BackgroundSender(db_path) if sender else None
    return CallboardApp(
        route_handlers=[
            SessionController,
            CrewController,
            CheckinController,
            ContractController,
            CheckoutController,
            PageController,
            PushController,
            PaperworkController,
            EquipmentController,
            _static_router(settings.static_dir),
        ],
        dependencies=DEPENDENCIES,
        guards=[check_unsafe_request],
        before_request=strict_json_body,
        exception_handlers=EXCEPTION_HANDLERS,
        before_send=[security_headers(settings)],
        on_startup=[outbox.start] if outbox else [],
        on_shutdown=[outbox.stop, connections.close_all] if outbox else [connections.close_all],
        request_max_body_size=JSON_BODY_LIMIT,
        # Phones on bad signal: the shell, scripts and JSON go gzipped. No response mixes a
        # secret with attacker-chosen text, so compression leaks nothing (BREACH).
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024),
        openapi_config=OpenAPIConfig(
            title="Callboard crew and vendor API",
            version="1",
            path="/api/schema",
            render_plugins=[DocumentPlugin()],
        ),
        state=_state(settings, connections),
    )


def _static_router(directory: Path) -> Router:
    return create_static_files_router(
        path="/static",
        directories=[directory],
        cache_control=CacheControlHeader(no_cache=True),
        include_in_schema=False,
        guards=[plain_file_path],
    )


# Longer than any name a file system takes: the OS would refuse it with an error of its own.
MAX_NAME_BYTES = 255


def plain_file_path(connection: ASGIConnection[Any, Any, Any, Any], _: object) -> None:
    """A file path with a control character (NUL...) or an overlong name is never one of ours:
    a 404 here, rather than the OS's error as a 500."""
    path: str = connection.scope["path"]
    too_long = any(len(part.encode()) > MAX_NAME_BYTES for part in path.split("/"))
    if too_long or any(ord(char) < 32 for char in path):
        raise NotFoundException()


def _state(settings: Settings, connections: ConnectionCache) -> State:
    return State(
        {
            "settings": settings,
            "connections": connections,
            "limiter": RateLimiter(),
            "base_urls": BaseUrls(lambda: _stored_base_url(connections)),
        }
    )


def _stored_base_url(connections: ConnectionCache) -> str | None:
    row = connections.get().execute("SELECT base_url FROM production WHERE id = 1").fetchone()
    return str(row[0]) if row else None


class CallboardApp(Litestar):
    """Litestar, answering HEAD wherever GET answers (monitors, link previewers and curl -I
    ask with HEAD): the GET runs and its body is dropped, its headers kept. OPTIONS lists every
    method a path takes (Litestar's own answer can miss one when two controllers' handlers
    share a path), HEAD included where GET is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._allow: dict[str, bytes] = {}
        for route in self.routes:
            methods: set[str] = set(getattr(route, "methods", ()))
            if "GET" in methods:
                methods.add("HEAD")
            self._allow[route.path] = ", ".join(sorted(methods)).encode()

    async def __call__(
        self,
        scope: Scope | LifeSpanScope,
        receive: Receive | LifeSpanReceive,
        send: Send | LifeSpanSend,
    ) -> None:
        if scope["type"] != "http" or scope["method"] not in ("HEAD", "OPTIONS"):
            await super().__call__(scope, receive, send)
            return
        send = cast("Send", send)
        if scope["method"] == "OPTIONS":
            await super().__call__(scope, receive, self._allowing(scope, send))
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # a streamed body: wait for its last part, then end with nothing
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await super().__call__({**scope, "method": "GET"}, receive, headers_only)

    def _allowing(self, scope: Scope, send: Send) -> Send:
        async def with_allow(message: Message) -> None:
            if message["type"] == "http.response.start":
                handler = scope.get("route_handler")
                paths = getattr(handler, "paths", ()) if handler is not None else ()
                allow = next((self._allow[p] for p in paths if p in self._allow), None)
                if allow is not None:
                    headers = [(k, v) for k, v in message.get("headers", []) if k != b"allow"]
                    message = {**message, "headers": [*headers, (b"allow", allow)]}
            await send(message)

        return with_allow


def app_from_env() -> Litestar:
    """Zero-argument factory for uvicorn: CALLBOARD_DB, CALLBOARD_TRUSTED_PROXIES, ..."""
    db_path = os.environ.get("CALLBOARD_DB", "demo.db")
    proxies = os.environ.get("CALLBOARD_TRUSTED_PROXIES", "").split(",")
    return create_app(
        db_path,
        trusted_proxies=[p for p in proxies if p.strip()],
        secure_cookies=env_flag("CALLBOARD_SECURE_COOKIES"),
        base_url=os.environ.get("CALLBOARD_BASE_URL") or None,
        sender=bool(env_flag("CALLBOARD_SEND")),
    )
