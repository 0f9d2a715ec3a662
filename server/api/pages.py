"""The app shell for every page URL, the PWA's root files, the calendar feed and health."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get
from litestar.params import FromPath

from schema import links
from schema.errors import NotFound
from schema.outputs import calendar
from server.deps import Db, Now
from server.errors import error_response
from server.security import settings_of

SHELL_PATHS = [
    "/",
    "/p/{token:str}",
    "/l/{code:str}",
    "/contracts",
    "/contracts/{contract_id:str}",
    "/sheet/{on:str}/{unit:str}",
]
SHELL_PATHS += ["/e/{code:str}", "/s/{code:str}"]  # equipment labels and stage codes


class Health(msgspec.Struct):
    ok: bool


def _file_response(
    request: Request[Any, Any, Any], name: str, media_type: str, headers: dict[str, str]
) -> Response[Any]:
    content = settings_of(request.scope).static_file(name)
    if content is None:
        return error_response(503, "app_missing", f"static/{name} is not installed on this server")
    return Response(content, media_type=media_type, headers=headers)


class PageController(Controller):
    path = "/"
    include_in_schema = False

    @get(SHELL_PATHS, sync_to_thread=False)
    def shell(self, request: Request[Any, Any, Any]) -> Response[Any]:
        # no-cache: the service worker and the browser always revalidate the shell; a URL that
        # carries a personal link's token is kept out of every cache altogether.
        private = request.url.path.startswith("/p/")
        cache = "no-store" if private else "no-cache"
        return _file_response(request, "index.html", MediaType.HTML, {"Cache-Control": cache})

    @get("/sw.js", sync_to_thread=False)
    def service_worker(self, request: Request[Any, Any, Any]) -> Response[Any]:
        return _file_response(
            request,
            "sw.js",
            "text/javascript",
            {"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
        )

    @get("/manifest.webmanifest", sync_to_thread=False)
    def manifest(self, request: Request[Any, Any, Any]) -> Response[Any]:
        return _file_response(
            request,
            "manifest.webmanifest",
            "application/manifest+json",
            {"Cache-Control": "no-cache"},
        )

    @get("/ics/{filename:str}", sync_to_thread=False)
    def ics(self, db: Db, now: Now, filename: FromPath[str]) -> Response[bytes]:
        """Calendar apps keep no cookies: the feed's own revocable token is the key."""
        token = filename.removesuffix(".ics")
        person = links.calendar_person(db, token) if filename.endswith(".ics") else None
        if person is None:
            raise NotFound("this calendar link is unknown or was replaced", code="calendar_unknown")
        return Response(
            calendar.person_calendar(db, person, now=now),
            media_type="text/calendar",
            headers={
                "Cache-Control": "private, no-cache",
                "Content-Disposition": 'inline; filename="callboard.ics"',
            },
        )

    @get("/api/health", sync_to_thread=False, include_in_schema=True, tags=["health"])
    def health(self) -> Health:
        return Health(ok=True)
