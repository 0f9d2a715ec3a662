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


class Party(StrEnum):
    """Who a paperwork requirement is for: a vendor contact's papers are their company's."""

    CREW = "crew"
    CAST = "cast"
    VENDOR = "vendor"


class BookingKind(StrEnum):
    DELIVERY = "delivery"
    PICKUP = "pickup"
    SERVICE = "service"


class ContractStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    VIEWED = "viewed"
    SIGNED = "signed"
    COUNTERSIGNED = "countersigned"
    VOID = "void"
    DECLINED = "declined"  # the party said no, with a reason; the coordinator sends a new one


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


class CheckoutResult(StrEnum):
    """The closed list of answers a check-out (wrap) can get (the PWA has a sentence for each)."""

    OK = "ok"
    ALREADY = "already_checked_out"
    NOT_CHECKED_IN = "not_checked_in"
    NOT_CALLED = "not_called_here_today"
    UNKNOWN_CODE = "unknown_code"
    ROTATED_CODE = "rotated_code"
    NO_SESSION = "no_session"
    LINK_REVOKED = "link_revoked"
    SESSION_EXPIRED = "session_expired"


# Check-outs that record a wrap (one not checked in is still a true wrap, flagged).
WRAPPED_RESULTS = frozenset(
    {CheckoutResult.OK, CheckoutResult.NOT_CHECKED_IN, CheckoutResult.NOT_CALLED}
)


class MarkKind(StrEnum):
    """What a coordinator can mark on the board for one person on one day."""

    ARRIVED = "arrived"  # by hand: a dead phone, a paper sign-in sheet, a corrected time
    ABSENT = "absent"
    SICK = "sick"
    RELEASED = "released"  # sent home early
    WRAP = "wrap"
    MEAL_OUT = "meal_out"
    MEAL_IN = "meal_in"
    ACCEPTED = "accepted"  # a time from the phone, checked and believed
    CLEARED = "cleared"  # undo absent, sick or released


class CallKind(StrEnum):
    """A call is a work day unless it holds someone (paid, not working) or moves them."""

    WORK = "work"
    HOLD = "hold"
    TRAVEL = "travel"


class TimeSource(StrEnum):
    """Where a time on a report came from."""

    SERVER = "server"  # the server's clock when a phone scanned online
    PHONE = "phone"  # a phone's own clock, replayed from its offline outbox
    COORDINATOR = "coordinator"  # marked by hand on the board or from a paper sheet
    SCHEDULE = "schedule"  # planned, not observed (the unit's meal break)


class NoticeKind(StrEnum):
    LOCATION_CHANGED = "location_changed"
    CALL_CHANGED = "call_changed"
    DATE_CHANGED = "date_changed"
    DAY_CANCELLED = "day_cancelled"
    RELEASED = "released"  # one person is no longer called on a day
    BOOKING_MOVED = "booking_moved"  # a vendor's delivery or pick-up moved with its day
    BOOKING_CANCELLED = "booking_cancelled"
    CALLED = "called"  # a published call sheet calls this person (first time on that day)


class ProblemKind(StrEnum):
    PERSON_DOUBLE_BOOKED = "person_double_booked"
    LOCATION_DOUBLE_BOOKED = "location_double_booked"
    UNCONTRACTED_CALL = "uncontracted_call"
    SHORT_TURNAROUND = "short_turnaround"
    EXPIRING_DOCUMENT = "expiring_document"
    UNCONFIRMED_BOOKING = "unconfirmed_booking"


class HappenedKind(StrEnum):
    """Problems found in what happened on a day, not in the plan (schema/dayrecord.py)."""

    SHORT_REST_AFTER_WRAP = "short_rest_after_wrap"
    MEAL_PENALTY = "meal_penalty"


class Production(msgspec.Struct, kw_only=True):
    name: str
    kind: ProductionKind = ProductionKind.FILM
    timezone: str = "UTC"
    base_url: str = "http://127.0.0.1:8000"
    min_rest_minutes: int = 600
    meal_after_minutes: int = 360
    version: int = 1
    # How crew are reached by email (the SMTP password only ever comes from the environment).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_from: str = ""
    smtp_user: str = ""
    smtp_tls: str = "starttls"
    remind_hours: int = 0  # remind the unconfirmed this many hours before call; 0 = never


class Vendor(msgspec.Struct, kw_only=True):
    id: int
    name: str
    service: str = ""
    email: str = ""
    phone: str = ""
    notes: str = ""
    address: str = ""
    archived_at: datetime | None = None
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
    meal_at: datetime | None = None
    meal_minutes: int = 0
    version: int = 1


class Call(msgspec.Struct, kw_only=True):
    """A person called on a day, with their own call time (and wrap, when it differs)."""

    id: int
    day_id: int
    person_id: int
    call_at: datetime
    wrap_at: datetime | None = None
    notes: str = ""
    kind: CallKind = CallKind.WORK
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
    expires_on: date | None = None
    declined_at: datetime | None = None
    decline_reason: str | None = None
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

    kind: ProblemKind | HappenedKind
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
