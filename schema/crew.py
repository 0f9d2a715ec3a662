"""Crew-facing read models: what one person's phone may see, and nothing more.

Every function takes the person (from their device session) and reads only rows bound to them,
except the call sheet, which lists colleagues by name, department, role and call time only:
never contact details or ids.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
import sqlite_utils

from schema import bookings, callsheets, contracts, locations, notices, paperwork, schedule
from schema.clock import utcnow
from schema.production import get as get_production
from schema.production import local_now
from schema.store.connection import read
from schema.store.rows import fetch_one
from schema.types import (
    ARRIVED_RESULTS,
    Call,
    Contract,
    ContractStatus,
    Day,
    Location,
    NoticeKind,
    Person,
    PersonKind,
)

MAX_CALLS = 30


class Me(msgspec.Struct, kw_only=True):
    id: int
    name: str
    kind: PersonKind
    department: str
    role: str
    vendor_name: str | None


class ProductionInfo(msgspec.Struct, kw_only=True):
    name: str
    timezone: str


class LocationView(msgspec.Struct, kw_only=True):
    id: int
    name: str
    address: str
    map_url: str
    lat: float | None = None  # for the phone's own map app (geo: / Apple Maps links)
    lon: float | None = None


class NoticeView(msgspec.Struct, kw_only=True):
    id: int
    kind: NoticeKind
    summary: str
    created_at: datetime


class DayView(msgspec.Struct, kw_only=True):
    """What every view of a call shows about its day (subclass fields follow these in JSON)."""

    day_id: int
    date: date
    unit: str
    call_at: datetime
    wrap_at: datetime
    location: LocationView | None
    scenes: str


class CallView(DayView, kw_only=True):
    notes: str
    checked_in_at: datetime | None = None  # my first arrival for this call, when there is one


class CrewLine(msgspec.Struct, kw_only=True):
    name: str
    department: str
    role: str
    call_at: datetime


class CallSheet(DayView, kw_only=True):
    crew: list[CrewLine]


class DayChanges(msgspec.Struct, kw_only=True):
    """Unacknowledged notices about one day, folded: the day as it stands now, with every
    change since the person last looked (newest first) and one acknowledgement for all."""

    day_id: int | None
    date: date | None
    notices: list[NoticeView]
    current: CallView | None  # my call that day as it stands; None once released or cancelled


class Home(msgspec.Struct, kw_only=True, omit_defaults=True):
    notices: list[NoticeView]
    calls: list[CallView]
    today: list[CallSheet]
    changes: list[DayChanges] = []
    sheets: list[callsheets.SheetRef] = []


class DocumentInfo(msgspec.Struct, kw_only=True):
    filename: str
    size: int
    sha256: str
    content_type: str


class ContractView(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A contract as its party sees it; expiry and decline appear only when there are any."""

    id: int
    kind: str
    title: str
    status: ContractStatus
    document: DocumentInfo | None
    signed_at: datetime | None
    signed_name: str | None
    countersigned_at: datetime | None
    has_signed_copy: bool
    expires_on: date | None = None
    declined_at: datetime | None = None
    decline_reason: str | None = None


class PaperView(msgspec.Struct, kw_only=True):
    """One document the production requires of me, and where it stands."""

    kind: str
    done: bool
    left: str | None  # what is left to do, in words; None when done
    contract_id: int | None  # open it from here (never a draft: drafts are not mine to see)
    title: str | None
    status: ContractStatus | None
    expires_on: date | None


class PaperworkView(msgspec.Struct, kw_only=True):
    required: list[PaperView]
    left: int  # how many required documents are not done


class BookingView(msgspec.Struct, kw_only=True):
    id: int
    kind: str
    what: str
    at: datetime
    unit: str
    location: LocationView | None
    notes: str
    confirmed_at: datetime | None
    confirmed_by: str | None
    shown: str  # echoed by a confirmation (bookings.shown_as)


# --- who am I -----------------------------------------------------------------------------------


def me(db: sqlite_utils.Database, person: Person) -> Me:
    vendor_name = None
    if person.vendor_id is not None:
        row = db.execute("SELECT name FROM vendors WHERE id = ?", [person.vendor_id]).fetchone()
        vendor_name = row[0] if row else None
    return Me(
        id=person.id,
        name=person.name,
        kind=person.kind,
        department=person.department,
        role=person.role,
        vendor_name=vendor_name,
    )


def production_info(db: sqlite_utils.Database) -> ProductionInfo:
    found = get_production(db)
    return ProductionInfo(name=found.name, timezone=found.timezone)


# --- home ---------------------------------------------------------------------------------------


def home(db: sqlite_utils.Database, person: Person, *, now: datetime | None = None) -> Home:
    """Unacknowledged notices, my calls from today on, and today's call sheets."""
    with read(db):
        today = local_now(get_production(db), now or utcnow()).date()
        mine = schedule.calls_for_person(db, person.id, start=today)[:MAX_CALLS]
        places = _locations(db, {day.location_id for _, day in mine})
        arrivals = _arrivals(db, person.id, [day.id for _, day in mine])
        unseen = [n for n, _ in notices.for_person(db, person.id, pending_only=True)]
        pending = [
            NoticeView(id=n.id, kind=n.kind, summary=n.summary, created_at=n.created_at)
            for n in unseen
        ]
        views = [_call_view(call, day, places, arrivals.get(day.id)) for call, day in mine]
        days = {n.id: n.day_id for n in unseen}
        return Home(
            notices=pending,
            calls=views,
            today=[_call_sheet(db, day, places) for _, day in mine if day.date == today],
            changes=fold(db, pending, days, views),
            sheets=callsheets.sheets_for_person(db, person.id, start=today),
        )


def fold(
    db: sqlite_utils.Database,
    pending: list[NoticeView],
    days: dict[int, int | None],
    calls: list[CallView],
) -> list[DayChanges]:
    """One card per day however often it changed; a notice about no day (a cancelled one) is
    its own card. Newest change first, cards ordered by their newest change."""
    by_day: dict[int | str, list[NoticeView]] = {}
    for notice in pending:  # newest first already
        day_id = days.get(notice.id)
        by_day.setdefault(day_id if day_id is not None else f"n{notice.id}", []).append(notice)
    current = {call.day_id: call for call in calls}
    folded = []
    for key, group in by_day.items():
        day_id = key if isinstance(key, int) else None
        row = (
            db.execute("SELECT date FROM days WHERE id = ?", [day_id]).fetchone()
            if day_id is not None
            else None
        )
        folded.append(
            DayChanges(
                day_id=day_id,
                date=date.fromisoformat(row[0]) if row else None,
                notices=group,
                current=current.get(day_id) if day_id is not None else None,
            )
        )
    return folded


def _locations(db: sqlite_utils.Database, ids: set[int | None]) -> dict[int, LocationView]:
    found: dict[int, LocationView] = {}
    for location_id in ids:
        if location_id is None:
            continue
        location = fetch_one(db, Location, "SELECT * FROM locations WHERE id = ?", [location_id])
        if location is not None:
            found[location_id] = location_view(location)
    return found


def location_view(location: Location) -> LocationView:
    return LocationView(
        id=location.id,
        name=location.name,
        address=location.address,
        map_url=locations.map_url(location),
        lat=location.lat,
        lon=location.lon,
    )


def _arrivals(db: sqlite_utils.Database, person_id: int, day_ids: list[int]) -> dict[int, datetime]:
    """When the person first arrived for each of these days (offline scans at their own time)."""
    if not day_ids:
        return {}
    arrived = sorted(str(r) for r in ARRIVED_RESULTS)
    rows = db.execute(
        f"SELECT day_id, happened_at FROM checkins WHERE person_id = ?"
        f" AND day_id IN ({','.join('?' * len(day_ids))})"
        f" AND result IN ({','.join('?' * len(arrived))}) ORDER BY id",
        [person_id, *day_ids, *arrived],
    ).fetchall()
    found: dict[int, datetime] = {}
    for day_id, happened in rows:
        found.setdefault(day_id, datetime.fromisoformat(happened))
    return found


def _call_view(
    call: Call, day: Day, places: dict[int, LocationView], arrived: datetime | None
) -> CallView:
    return CallView(
        day_id=day.id,
        date=day.date,
        unit=day.unit,
        call_at=call.call_at,
        wrap_at=call.wrap_at or day.wrap_at,
        location=places.get(day.location_id) if day.location_id is not None else None,
        scenes=day.scenes,
        notes=" ".join(part for part in (day.notes, call.notes) if part),
        checked_in_at=arrived,
    )


def _call_sheet(db: sqlite_utils.Database, day: Day, places: dict[int, LocationView]) -> CallSheet:
    return CallSheet(
        day_id=day.id,
        date=day.date,
        unit=day.unit,
        call_at=day.call_at,
        wrap_at=day.wrap_at,
        location=places.get(day.location_id) if day.location_id is not None else None,
        scenes=day.scenes,
        crew=[
            CrewLine(
                name=line.name,
                department=line.department,
                role=line.role,
                call_at=line.call.call_at,
            )
            for line in schedule.calls_for_day(db, day.id)
        ],
    )


# --- contracts, as their party sees them -------------------------------------------------------


def party_contracts(db: sqlite_utils.Database, person_id: int) -> list[ContractView]:
    """The person's own contracts; drafts are the coordinator's work in progress, so hidden."""
    with read(db):
        return [
            contract_view(db, contract)
            for contract in contracts.contracts_for_person(db, person_id)
            if contract.status != ContractStatus.DRAFT
        ]


def open_contract(
    db: sqlite_utils.Database, contract_id: int, person_id: int, *, now: datetime | None = None
) -> ContractView:
    """One of the person's contracts, opened by them: a sent contract becomes viewed."""
    return contract_view(db, contracts.mark_viewed(db, contract_id, person_id, now=now))


def contract_view(db: sqlite_utils.Database, contract: Contract) -> ContractView:
    document = None
    if contract.document_id is not None and contract.status != ContractStatus.DRAFT:
        found = contracts.get_document(db, contract.document_id)
        document = DocumentInfo(
            filename=found.filename,
            size=found.size,
            sha256=found.sha256,
            content_type=found.content_type,
        )
    return ContractView(
        id=contract.id,
        kind=contract.kind,
        title=contract.title,
        status=contract.status,
        document=document,
        signed_at=contract.signed_at,
        signed_name=contract.signed_name,
        countersigned_at=contract.countersigned_at,
        has_signed_copy=contract.signed_copy_id is not None,
        expires_on=contract.expires_on,
        declined_at=contract.declined_at,
        decline_reason=contract.decline_reason,
    )


# --- paperwork and bookings, as their party sees them -------------------------------------------


def my_paperwork(
    db: sqlite_utils.Database, person: Person, *, now: datetime | None = None
) -> PaperworkView:
    """Each document the production requires of me, its state, and what is left."""
    with read(db):
        today = local_now(get_production(db), now or utcnow()).date()
        papers = paperwork.Gate(db).papers(person.id, today)
        own = {c.id for c in contracts.contracts_for_person(db, person.id)}
    required = []
    for doc in papers.required:
        hidden = doc.status == ContractStatus.DRAFT or doc.contract_id not in own
        required.append(
            PaperView(
                kind=doc.kind,
                done=doc.done,
                left=_left(doc, hidden),
                contract_id=None if hidden else doc.contract_id,
                title=None if hidden else doc.title,
                status=None if hidden and doc.status == ContractStatus.DRAFT else doc.status,
                expires_on=doc.expires_on,
            )
        )
    return PaperworkView(required=required, left=sum(not d.done for d in required))


def _left(doc: paperwork.DocumentState, hidden: bool) -> str | None:
    """What the party still has to do (or wait for), in their words."""
    if doc.done:
        return None
    if doc.status is None or doc.status == ContractStatus.DRAFT:
        return "The production has not sent it yet."
    if doc.status in (ContractStatus.SENT, ContractStatus.VIEWED):
        return "Read it and confirm you signed it." if not hidden else "A colleague has it to sign."
    if doc.status == ContractStatus.SIGNED:
        return "Signed: waiting for the production to countersign."
    if doc.status == ContractStatus.DECLINED:
        return "You declined it: the production will send a corrected one."
    return f"It expired on {doc.expires_on}: the production needs a new one."


def my_bookings(
    db: sqlite_utils.Database, person: Person, *, now: datetime | None = None
) -> list[BookingView]:
    """My company's bookings from today on (a vendor contact's only)."""
    with read(db):
        today = local_now(get_production(db), now or utcnow()).date()
        found = bookings.for_contact(db, person, start=today)
        places = _locations(db, {b.location_id for b in found})
    return [_booking_view(b, places) for b in found]


def _booking_view(b: bookings.BookingLine, places: dict[int, LocationView]) -> BookingView:
    return BookingView(
        id=b.id,
        kind=bookings.KIND_WORDS[b.kind],
        what=b.what,
        at=b.at,
        unit=b.unit,
        location=places.get(b.location_id) if b.location_id is not None else None,
        notes=b.notes,
        confirmed_at=b.confirmed_at,
        confirmed_by=b.confirmed_by_name,
        shown=bookings.shown_as(b),
    )


class ConfirmRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A booking confirmation as the phone sends it: the `shown` tag of the booking it showed,
    and, when it waited in the offline outbox, its nonce and the moment of the tap."""

    shown: Annotated[str, msgspec.Meta(max_length=120)] | None = None
    nonce: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    client_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None
    queued: bool = False


def confirm_booking(
    db: sqlite_utils.Database,
    booking_id: int,
    person: Person,
    request: ConfirmRequest | None = None,
    *,
    now: datetime | None = None,
) -> BookingView:
    """A vendor contact confirms their company's booking (again: changes nothing)."""
    shown = request.shown if request is not None else None
    line = bookings.confirm(db, booking_id, person, shown=shown, now=now)
    return _booking_view(line, _locations(db, {line.location_id}))
