"""The domain's types: msgspec Structs for records and StrEnums for closed lists.

Local schedule times (a day's call, a person's call) are naive datetimes in the production's
timezone; moments that things happened (events, check-ins, signatures) are aware UTC datetimes.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import msgspec


class ProductionKind(StrEnum):
    FILM = "film"
    MANUFACTURING = "manufacturing"
    PRINT = "print"


class PersonKind(StrEnum):
    CREW = "crew"
    CAST = "cast"
    VENDOR_CONTACT = "vendor_contact"


class ContractStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    VIEWED = "viewed"
    SIGNED = "signed"
    COUNTERSIGNED = "countersigned"
    VOID = "void"


class CheckinResult(StrEnum):
    """The closed list of answers a check-in can get (the PWA has a sentence for each)."""

    OK = "ok"
    LATE = "late"
    ALREADY = "already_checked_in"
    NOT_CALLED = "not_called_here_today"
    UNKNOWN_CODE = "unknown_code"
    ROTATED_CODE = "rotated_code"
    NO_SESSION = "no_session"
    LINK_REVOKED = "link_revoked"
    SESSION_EXPIRED = "session_expired"


# Results that mean the person is recorded as present at the location.
ARRIVED_RESULTS = frozenset({CheckinResult.OK, CheckinResult.LATE, CheckinResult.NOT_CALLED})


class NoticeKind(StrEnum):
    LOCATION_CHANGED = "location_changed"
    CALL_CHANGED = "call_changed"
    DATE_CHANGED = "date_changed"
    DAY_CANCELLED = "day_cancelled"
    RELEASED = "released"  # one person is no longer called on a day
    CALLED = "called"  # a published call sheet calls this person (first time on that day)


class ProblemKind(StrEnum):
    PERSON_DOUBLE_BOOKED = "person_double_booked"
    LOCATION_DOUBLE_BOOKED = "location_double_booked"
    UNCONTRACTED_CALL = "uncontracted_call"
    SHORT_TURNAROUND = "short_turnaround"


class Production(msgspec.Struct, kw_only=True):
    name: str
    kind: ProductionKind = ProductionKind.FILM
    timezone: str = "UTC"
    base_url: str = "http://127.0.0.1:8000"
    min_rest_minutes: int = 600
    version: int = 1


class Vendor(msgspec.Struct, kw_only=True):
    id: int
    name: str
    service: str = ""
    email: str = ""
    phone: str = ""
    notes: str = ""
    version: int = 1


class Person(msgspec.Struct, kw_only=True):
    id: int
    name: str
    kind: PersonKind = PersonKind.CREW
    department: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""
    vendor_id: int | None = None
    notes: str = ""
    version: int = 1


class Location(msgspec.Struct, kw_only=True):
    id: int
    name: str
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    radius_m: int = 300
    notes: str = ""
    code: str = ""
    version: int = 1
    parking: str = ""  # call-sheet fields: where crew park, base camp, nearest hospital
    base_camp: str = ""
    hospital: str = ""


class Day(msgspec.Struct, kw_only=True):
    """A shoot day or production block: one unit at one location on one date."""

    id: int
    date: date
    unit: str = "Main"
    location_id: int | None = None
    call_at: datetime
    wrap_at: datetime
    scenes: str = ""
    notes: str = ""
    version: int = 1


class Call(msgspec.Struct, kw_only=True):
    """A person called on a day, with their own call time (and wrap, when it differs)."""

    id: int
    day_id: int
    person_id: int
    call_at: datetime
    wrap_at: datetime | None = None
    notes: str = ""
    version: int = 1


class Document(msgspec.Struct, kw_only=True):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    uploaded_by: str


class Contract(msgspec.Struct, kw_only=True):
    id: int
    person_id: int
    kind: str
    title: str
    status: ContractStatus = ContractStatus.DRAFT
    document_id: int | None = None
    document_sha256: str | None = None
    signed_copy_id: int | None = None
    sent_at: datetime | None = None
    viewed_at: datetime | None = None
    signed_at: datetime | None = None
    signed_name: str | None = None
    signed_ip: str | None = None
    signed_user_agent: str | None = None
    signed_sha256: str | None = None
    countersigned_at: datetime | None = None
    countersigned_by: str | None = None
    voided_at: datetime | None = None
    void_reason: str | None = None
    updated_at: datetime
    version: int = 1


class Checkin(msgspec.Struct, kw_only=True):
    id: int
    person_id: int
    location_id: int | None
    day_id: int | None
    code: str
    nonce: str
    result: CheckinResult
    received_at: datetime
    happened_at: datetime  # the phone's time if replayed from its outbox, else received_at
    client_at: datetime | None = None
    replayed: bool = False
    late_minutes: int = 0
    lat: float | None = None
    lon: float | None = None
    accuracy_m: float | None = None
    distance_m: float | None = None
    far: bool = False
    ip: str = ""
    user_agent: str = ""


class Notice(msgspec.Struct, kw_only=True):
    id: int
    day_id: int | None  # None once the day itself was deleted (a cancellation)
    kind: NoticeKind
    summary: str
    created_at: datetime
    actor: str


class NoticeRecipient(msgspec.Struct, kw_only=True):
    notice_id: int
    person_id: int
    acknowledged_at: datetime | None = None


class PersonalLink(msgspec.Struct, kw_only=True):
    id: int
    person_id: int
    created_at: datetime
    used_at: datetime | None = None
    revoked_at: datetime | None = None


class DeviceSession(msgspec.Struct, kw_only=True):
    id: int
    person_id: int
    created_at: datetime
    last_seen_at: datetime
    user_agent: str = ""
    ip: str = ""
    revoked_at: datetime | None = None


class Event(msgspec.Struct, kw_only=True):
    id: int
    at: datetime
    actor: str
    kind: str
    subject: str
    data: dict[str, Any] = {}


class Problem(msgspec.Struct, kw_only=True, frozen=True):
    """A rule's finding: what is wrong, on which date, involving whom."""

    kind: ProblemKind
    date: date
    message: str
    person_id: int | None = None
    location_id: int | None = None
    day_ids: tuple[int, ...] = ()


class Issued(msgspec.Struct, kw_only=True):
    """A freshly issued secret: the only moment its clear text exists outside the holder."""

    person_id: int
    name: str
    email: str
    url: str
