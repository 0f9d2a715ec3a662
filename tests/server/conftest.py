"""A small production on disk, and a Litestar TestClient over it with a pinned clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from schema import contracts, directory, links, locations, production, schedule
from schema.directory import PersonIn, VendorIn
from schema.locations import LocationIn
from schema.schedule import DayIn
from schema.store.connection import connect
from schema.types import PersonKind
from server.app import create_app
from server.settings import RateLimits

# Tuesday 1 December 2026, 06:00 UTC = 06:00 in London (the production's timezone).
NOW = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n% a contract\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
SHELL = b"<!doctype html><title>Callboard</title><script type=module src=/static/app.js></script>"


class Clock:
    """The server's clock, settable by a test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class World:
    path: Path
    people: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # personal link tokens, unspent
    codes: dict[str, str] = field(default_factory=dict)
    location_ids: dict[str, int] = field(default_factory=dict)
    days: dict[str, int] = field(default_factory=dict)
    contracts: dict[str, int] = field(default_factory=dict)
    notices: dict[str, int] = field(default_factory=dict)


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def build_world(path: Path) -> World:
    db = connect(path)
    world = World(path=path)
    at = NOW - timedelta(days=3)
    production.create(
        db, "Test Picture", timezone="Europe/London", base_url="https://callboard.test", now=at
    )
    vendor = directory.add_vendor(db, VendorIn(name="Lights Ltd"), now=at)
    for key, person in {
        "alice": PersonIn(
            name="Alice Archer",
            department="Camera",
            role="Focus puller",
            email="alice@example.com",
            phone="+44 1234 5678",
        ),
        "bob": PersonIn(name="Bob Baker", kind=PersonKind.CAST, role="Lead"),
        "vic": PersonIn(name="Vic Vendor", kind=PersonKind.VENDOR_CONTACT, vendor_id=vendor.id),
    }.items():
        world.people[key] = directory.add_person(db, person, now=at).id
    stage = locations.add_location(
        db, LocationIn(name="Stage 1", address="1 Studio Way", lat=51.5, lon=-0.1), now=at
    )
    yard = locations.add_location(db, LocationIn(name="Back Yard", address="2 Lot Lane"), now=at)
    world.codes["yard_old"] = yard.code
    yard = locations.rotate_code(db, yard.id, yard.version, now=at)
    world.codes.update(stage=stage.code, yard=yard.code)
    world.location_ids.update(stage=stage.id, yard=yard.id)

    today = schedule.add_day(
        db,
        DayIn(date=NOW.date(), call=time(7), wrap=time(19), location_id=stage.id, scenes="12, 14"),
        now=at,
    )
    tomorrow = schedule.add_day(
        db,
        DayIn(
            date=NOW.date() + timedelta(days=1), call=time(7), wrap=time(19), location_id=yard.id
        ),
        now=at,
    )
    world.days.update(today=today.id, tomorrow=tomorrow.id)
    schedule.call_person(db, today.id, world.people["alice"], notes="bring the long lens", now=at)
    schedule.call_person(db, today.id, world.people["bob"], call=time(8), now=at)
    schedule.call_person(db, tomorrow.id, world.people["alice"], now=at)
    # Moving tomorrow's call writes a change notice for Alice.
    schedule.move_day(db, tomorrow.id, tomorrow.version, call=time(8), now=at)
    world.notices["moved"] = db.execute("SELECT max(id) FROM notices").fetchone()[0]

    for key, kind in {"vic": "vendor agreement", "alice": "crew agreement"}.items():
        contract = contracts.add_contract(db, world.people[key], kind=kind, now=at)
        contracts.attach_document(db, contract.id, f"{key}.pdf", PDF, now=at)
        contracts.mark_sent(db, contract.id, now=at)
        world.contracts[key] = contract.id
    draft = contracts.add_contract(db, world.people["bob"], kind="cast agreement", now=at)
    contracts.attach_document(db, draft.id, "bob.pdf", PDF, now=at)
    world.contracts["bob_draft"] = draft.id

    for key, person_id in world.people.items():
        world.tokens[key] = token_of(links.issue_link(db, person_id, now=at).url)
    db.conn.close()
    return world


@pytest.fixture
def world(tmp_path: Path) -> World:
    return build_world(tmp_path / "production.db")


@pytest.fixture
def static_dir(tmp_path: Path) -> Path:
    static = tmp_path / "static"
    static.mkdir()
    (static / "index.html").write_bytes(SHELL)
    (static / "sw.js").write_text("self.addEventListener('fetch', () => {});\n")
    (static / "manifest.webmanifest").write_text('{"name": "Callboard"}\n')
    (static / "app.js").write_text("export {};\n")
    return static


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


def make_app(world: World, static_dir: Path, clock: Clock, **options: object) -> Litestar:
    # The TestClient's Host (testserver.local) is not the world's base URL: the Host check
    # has its own tests (tests/server/test_host_and_head.py).
    options.setdefault("check_host", False)
    return create_app(str(world.path), static_dir=static_dir, clock=clock, **options)  # type: ignore[arg-type]


@pytest.fixture
def app(world: World, static_dir: Path, clock: Clock) -> Litestar:
    return make_app(
        world,
        static_dir,
        clock,
        rate_limits=RateLimits(session=1000, checkin=1000, upload=1000, calendar=1000),
    )


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app) as test_client:
        yield test_client


class Phone:
    """One phone: its own cookie jar, sharing the app's single running TestClient."""

    def __init__(self, client: TestClient[Litestar]) -> None:
        self.client = client
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self.client.cookies.clear()
        for name, value in self.cookies.items():
            self.client.cookies.set(name, value)
        response = self.client.request(method, url, **kwargs)
        self.cookies = dict(self.client.cookies.items())
        return response

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)


def sign_in(phone: Phone, world: World, who: str) -> None:
    """Spend `who`'s personal link on this phone."""
    response = phone.post("/api/session", json={"token": world.tokens[who]})
    assert response.status_code == 200, response.text


@pytest.fixture
def phones(client: TestClient[Litestar], world: World) -> dict[str, Phone]:
    """One signed-in phone per person, plus `anon`, a phone with no session."""
    found = {who: Phone(client) for who in [*world.people, "anon"]}
    for who in world.people:
        sign_in(found[who], world, who)
    return found
