"""The real server in a subprocess, a production file the tests fill in, and a phone browser.

The server runs once per test session (uvicorn on a free port, CALLBOARD_DB pointing at a temp
file). Tests add the people, calls and contracts they need through the schema's service
functions, on their own connection to the same WAL file, while the server is running.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from schema import contracts, directory, links, locations, notices, production, schedule
from schema.directory import PersonIn, VendorIn
from schema.locations import LocationIn
from schema.schedule import DayIn
from schema.store.connection import connect, write
from schema.types import NoticeKind, PersonKind
from tests.browser_setup import find_chromium
from tests.live_server import free_port, serving

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "out" / "screenshots"


def _zone_near_noon() -> str:
    """A production timezone where it is about midday now, so that calls at 00:01 (late) and
    23:58 (on time) hold whatever hour the suite runs at."""
    offset = 12 - datetime.now(UTC).hour  # -11 .. +12 hours from UTC
    return f"Etc/GMT{-offset:+d}"  # POSIX-style names invert the sign: Etc/GMT-5 is UTC+5


ZONE = _zone_near_noon()
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
    "timezone_id": ZONE,
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STAGE = (51.5007, -0.1246)


@dataclass
class Production:
    """The running server and the production behind it."""

    base: str
    db_path: Path
    stage_id: int = 0
    stage_code: str = ""
    harbour_id: int = 0
    harbour_code: str = ""
    day_id: int = 0
    harbour_day_id: int = 0
    _db: sqlite_utils.Database | None = field(default=None, repr=False)

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = connect(self.db_path)
        return self._db

    def today(self) -> date:
        return datetime.now(ZoneInfo(ZONE)).date()

    def crew(
        self,
        name: str,
        *,
        call: clock_time | None = None,
        day_id: int | None = None,
        department: str = "Camera",
        role: str = "Focus puller",
    ) -> tuple[int, str]:
        """Add a crew member called today (at `call`), return (person id, personal link URL)."""
        person = directory.add_person(
            self.db, PersonIn(name=name, department=department, role=role)
        )
        if call is not None:
            schedule.call_person(self.db, day_id or self.day_id, person.id, call=call)
        return person.id, links.issue_link(self.db, person.id).url

    def session_for(self, person_id: int) -> str:
        """Spend a fresh link in-process (no rate-limited HTTP call) and return the session."""
        url = links.issue_link(self.db, person_id).url
        _, token = links.exchange_link(self.db, url.rsplit("/", 1)[1], user_agent="fixture")
        return token

    def notice(self, person_id: int, summary: str) -> int:
        with write(self.db):
            return notices.create(
                self.db,
                day_id=self.day_id,
                kind=NoticeKind.CALL_CHANGED,
                summary=summary,
                person_ids=[person_id],
                actor="coordinator",
                now=datetime.now().astimezone(),
            )

    def count(self, sql: str, params: list[object]) -> int:
        return int(self.db.execute(sql, params).fetchone()[0])


def _seed(db_path: Path, base: str) -> Production:
    db = connect(db_path)
    production.create(db, "The Long Night", timezone=ZONE, base_url=base)
    stage = locations.add_location(
        db,
        LocationIn(
            name="Stage 4, Riverside Studios",
            address="101 Queen Caroline St, London W6 9BN",
            lat=STAGE[0],
            lon=STAGE[1],
            radius_m=300,
        ),
    )
    harbour = locations.add_location(
        db, LocationIn(name="Harbour Road", address="Harbour Rd, Tilbury RM18 7NR")
    )
    today = datetime.now(ZoneInfo(ZONE)).date()
    day = schedule.add_day(
        db,
        DayIn(
            date=today,
            call=clock_time(0, 1),
            wrap=clock_time(23, 59),
            unit="Main",
            location_id=stage.id,
            scenes="12, 14, 15A",
            notes="Night exteriors after lunch: bring warm layers.",
        ),
    )
    harbour_day = schedule.add_day(
        db,
        DayIn(
            date=today,
            call=clock_time(0, 1),
            wrap=clock_time(23, 59),
            unit="Second",
            location_id=harbour.id,
        ),
    )
    db.conn.close()
    return Production(
        base=base,
        db_path=db_path,
        stage_id=stage.id,
        stage_code=stage.code,
        harbour_id=harbour.id,
        harbour_code=harbour.code,
        day_id=day.id,
        harbour_day_id=harbour_day.id,
    )


@pytest.fixture(scope="session")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Production]:
    port = free_port()
    db_path = tmp_path_factory.mktemp("browser") / "production.db"
    seeded = _seed(db_path, f"http://127.0.0.1:{port}")
    with (db_path.parent / "server.log").open("wb") as log, serving(db_path, port=port, log=log):
        try:
            yield seeded
        finally:
            if seeded._db is not None:
                seeded._db.conn.close()


# Package scope, not session: sync Playwright keeps an event loop running in this thread while
# it is open, which would break every asyncio test collected after the browser tests.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    executable = find_chromium()
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `python -m tests.browser_setup`")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _watched(context: BrowserContext) -> Iterator[BrowserContext]:
    """Fail the test on any script error or Content-Security-Policy violation in its pages."""
    problems: list[str] = []

    def watch(page: Page) -> None:
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"console: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )

    context.on("page", watch)
    context.set_default_timeout(10_000)
    yield context
    context.close()
    assert problems == []


@pytest.fixture
def phone(browser: Browser, prod: Production) -> Iterator[BrowserContext]:
    """A fresh phone (browser context): no cookies, no service worker, no saved data."""
    yield from _watched(browser.new_context(base_url=prod.base, **PHONE))


@pytest.fixture
def dark_phone(browser: Browser, prod: Production) -> Iterator[BrowserContext]:
    yield from _watched(browser.new_context(base_url=prod.base, color_scheme="dark", **PHONE))


def signed_in(context: BrowserContext, prod: Production, person_id: int) -> None:
    """Give a phone a session cookie without spending a link through the rate-limited API."""
    context.add_cookies(
        [
            {
                "name": "callboard_session",
                "value": prod.session_for(person_id),
                "url": prod.base,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => window.scrollTo(0, 0)")  # keep the sticky header at the top
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def vendor_contract(prod: Production, name: str) -> tuple[int, int, str]:
    """A vendor contact with one sent contract: (person id, contract id, document sha256)."""
    # One vendor of a name (issue 8): the tests' contacts share it.
    vendor = directory.vendor_named(prod.db, "Brightline Lighting Ltd") or directory.add_vendor(
        prod.db, VendorIn(name="Brightline Lighting Ltd", service="Lamps")
    )
    person = directory.add_person(
        prod.db, PersonIn(name=name, kind=PersonKind.VENDOR_CONTACT, vendor_id=vendor.id)
    )
    contract = contracts.add_contract(
        prod.db, person.id, kind="hire", title="Lighting package hire, weeks 1-6"
    )
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    contract = contracts.attach_document(prod.db, contract.id, "brightline-hire.pdf", pdf)
    contracts.mark_sent(prod.db, contract.id)
    assert contract.document_sha256 is not None
    return person.id, contract.id, contract.document_sha256


@pytest.fixture
def phone_without_worker(browser: Browser, prod: Production) -> Iterator[BrowserContext]:
    """A phone whose service worker never runs: the page alone must flush its outbox."""
    yield from _watched(browser.new_context(base_url=prod.base, service_workers="block", **PHONE))
