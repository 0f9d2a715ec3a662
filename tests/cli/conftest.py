"""A small production file built with the service functions, and a way to run `callboard`."""

from __future__ import annotations

import atexit
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

import pytest
import sqlite_utils

from cli.main import main
from schema import checkins, contracts, directory, locations, production, schedule
from schema.directory import PersonIn, VendorIn
from schema.locations import LocationIn
from schema.schedule import DayIn
from schema.store.connection import connect
from schema.types import PersonKind

BASE = "https://callboard.test"
PDF = b"%PDF-1.4\n% a deal memo\n%%EOF\n"


@dataclass
class Prod:
    """The fixture production: its file and the ids the tests talk about."""

    path: Path
    ada: int  # crew, countersigned, called today, checked in
    ben: int  # crew, no contract, called today (an uncontracted call)
    vera: int  # vendor contact with a sent contract
    stage: int  # the location of today's day
    yard: int  # a second location
    day: int

    def db(self) -> sqlite_utils.Database:
        return connect(self.path)


def build(path: Path) -> Prod:
    db = connect(path)
    production.create(db, "Test Picture", timezone="Europe/London", base_url=BASE)
    today = production.local_now(production.get(db)).date()
    vendor = directory.add_vendor(db, VendorIn(name="Sparks Ltd", service="lighting"))
    ada = directory.add_person(
        db, PersonIn(name="Ada Grip", department="Grip", role="Key grip", email="ada@example.org")
    )
    ben = directory.add_person(db, PersonIn(name="Ben Boom", department="Sound", role="Boom op"))
    vera = directory.add_person(
        db,
        PersonIn(
            name="Vera Volt",
            kind=PersonKind.VENDOR_CONTACT,
            vendor_id=vendor.id,
            email="vera@sparks.example",
        ),
    )
    stage = locations.add_location(
        db, LocationIn(name="Stage 1", address="1 Studio Road, London", lat=51.5, lon=-0.1)
    )
    yard = locations.add_location(db, LocationIn(name="Back Yard", address="Studio Road"))
    day = schedule.add_day(
        db, DayIn(date=today, call=time(0, 1), wrap=time(23, 0), location_id=stage.id)
    )
    schedule.call_person(db, day.id, ada.id)
    schedule.call_person(db, day.id, ben.id)
    _countersigned(db, ada.id, "Ada Grip")
    _sent(db, vera.id)
    _check_in(db, ada.id, stage.code)
    db.conn.close()
    return Prod(
        path=path,
        ada=ada.id,
        ben=ben.id,
        vera=vera.id,
        stage=stage.id,
        yard=yard.id,
        day=day.id,
    )


def _countersigned(db: sqlite_utils.Database, person_id: int, name: str) -> None:
    contract = contracts.add_contract(db, person_id, kind="deal memo")
    contract = contracts.attach_document(db, contract.id, "memo.pdf", PDF)
    contracts.mark_sent(db, contract.id)
    assert contract.document_sha256 is not None
    contracts.sign(
        db,
        contract.id,
        person_id,
        full_name=name,
        shown_sha256=contract.document_sha256,
        agreed=True,
        ip="203.0.113.9",
        user_agent="pytest",
    )
    contracts.countersign(db, contract.id)


def _sent(db: sqlite_utils.Database, person_id: int) -> None:
    contract = contracts.add_contract(db, person_id, kind="vendor agreement")
    contracts.attach_document(db, contract.id, "agreement.pdf", PDF)
    contracts.mark_sent(db, contract.id)


def _check_in(db: sqlite_utils.Database, person_id: int, code: str) -> None:
    person = directory.get_person(db, person_id)
    request = checkins.CheckinRequest(code=code, nonce="fixture-nonce-1")
    checkins.check_in_person(db, person, request, now=datetime.now().astimezone())


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Prod:
    return build(tmp_path_factory.mktemp("template") / "template.db")


@pytest.fixture
def prod(template: Prod, tmp_path: Path) -> Prod:
    """A private copy of the fixture production for one test."""
    path = tmp_path / "prod.db"
    source = connect(template.path)
    target = connect(path, migrate_schema=False)
    source.conn.backup(target.conn)
    source.conn.close()
    target.conn.close()
    return Prod(**{**template.__dict__, "path": path})


@dataclass
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Iterator[Run]:
    """Run `callboard ARGS...` in this process and capture what it printed."""

    def runner(*args: str | Path) -> Result:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code=code, out=captured.out, err=captured.err)

    logger = logging.getLogger("litestar")
    before = list(logger.handlers)
    yield runner
    # `serve` builds the app, and Litestar configures its logger then: a listener thread that
    # writes to the stderr of that moment, this capture, which closes after the test.
    for handler in [h for h in logger.handlers if h not in before]:
        listener = getattr(handler, "listener", None)
        if listener is not None:
            listener.stop()
            atexit.unregister(listener.stop)  # Litestar's own stop at exit would fail now
        logger.removeHandler(handler)


def people_count(path: Path) -> int:
    db = connect(path)
    try:
        return int(db.execute("SELECT count(*) FROM people").fetchone()[0])
    finally:
        db.conn.close()
