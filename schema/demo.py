"""The embedded demo production: a feature film shooting around today, with planted problems.

Everything is written through the service functions, so the demo obeys the same rules and
leaves the same events as real use. The whole build is one transaction (each service call is a
savepoint inside it), which is what makes the large demo fast.
"""

from __future__ import annotations

import itertools
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, NamedTuple

import msgspec
import sqlite_utils

from schema import (
    bookings,
    callsheets,
    checkins,
    checkouts,
    contracts,
    demo_plant,
    directory,
    locations,
    marks,
    notices,
    production,
    reach,
    schedule,
)
from schema.clock import utcnow, wall_clock
from schema.directory import PersonIn, VendorIn
from schema.locations import LocationIn
from schema.store.connection import write
from schema.types import BookingKind, CallKind, ContractStatus, Location, Person, PersonKind

ACTOR = "demo"
TIMEZONE = "Europe/London"

# Department: (share of crew, roles, minutes before the unit call).
DEPARTMENTS: dict[str, tuple[int, tuple[str, ...], int]] = {
    "Production": (
        9,
        ("Line Producer", "Production Coordinator", "Production Secretary", "Runner"),
        60,
    ),
    "Assistant Directors": (6, ("1st AD", "2nd AD", "3rd AD", "Floor Runner"), 45),
    "Camera": (
        10,
        ("Director of Photography", "Camera Operator", "1st AC", "2nd AC", "DIT", "Camera Trainee"),
        30,
    ),
    "Grip": (9, ("Key Grip", "Dolly Grip", "Grip"), 30),
    "Electric": (10, ("Gaffer", "Best Boy Electric", "Electrician", "Genny Operator"), 45),
    "Sound": (4, ("Production Sound Mixer", "Boom Operator", "Sound Assistant"), 15),
    "Art": (
        8,
        ("Production Designer", "Art Director", "Props Master", "Standby Props", "Set Dresser"),
        60,
    ),
    "Costume": (6, ("Costume Designer", "Costume Supervisor", "Costume Standby"), 90),
    "Hair & Makeup": (6, ("HMU Designer", "Makeup Artist", "Hair Stylist"), 120),
    "Locations": (5, ("Location Manager", "Unit Manager", "Location Assistant"), 90),
    "Transport": (6, ("Transport Captain", "Unit Driver", "Facilities Driver"), 120),
    "Catering": (4, ("Head Chef", "Catering Assistant"), 120),
}
_FIRST = """
Ana Ben Cleo Dev Esme Farid Gwen Hari Ines Jonah Kemi Lars Maya Nico Orla Pavel Quinn Rosa
Sami Tess Umar Vera Wes Xena Yusuf Zoe Aled Bea Cai Dara Eli Fen Gus Hana Ivo Jude Kai
Lena Milo Nell Oren Pia Rhys Suki Theo Uma Vic Wren
"""
FIRST = _FIRST.split()
_LAST = """
Adeyemi Brennan Castell Dubois Evans Fitzgerald Gallo Haddad Ishikawa Jovanovic Kowalski
Lindqvist Moreau Nakamura O'Neill Petrov Quiroga Rahman Silva Thorne Underwood Varga
Whitfield Xu Yilmaz Zielinski Abbott Barros Chaudhry Delaney Eze Farrow Grieve Hollis
Iqbal Jensen Keane Lomax Mensah Novak Okafor Pryce Rourke Sandoval Tanaka Ulloa Vance
Wilde
"""
LAST = _LAST.split()
CHARACTERS = (
    "MAE",
    "TOMAS",
    "DETECTIVE OYELARAN",
    "GRANDMOTHER",
    "FERRYMAN",
    "KIT",
    "MR HALLORAN",
    "YOUNG MAE",
    "THE DRIVER",
    "NURSE BELL",
    "PUBLICAN",
    "SOPHIE",
    "CONSTABLE REID",
    "DOCK FOREMAN",
    "RADIO VOICE",
    "THE STRANGER",
    "LANDLADY",
)
LOCATIONS = (
    (
        "Harbour Mill",
        "Mill Lane, Gravesend DA11 0BX",
        51.4447,
        0.3695,
        "Unit base in the east yard.",
    ),
    ("St Clement's Chapel", "Church Street, Rochester ME1 1SX", 51.3880, 0.5035, "No drilling."),
    ("Greyfriars Estate", "Wood Lane, Upminster RM14 3TT", 51.5561, 0.2510, "Park on gravel."),
    ("Blackwall Quay", "Blackwall Way, London E14 9QS", 51.5075, -0.0042, "Tide-dependent."),
    ("Stage 4, Thamesmead Studios", "Harrow Manorway, London SE2 9XH", 51.5023, 0.1195, ""),
    ("The Anchor Inn", "High Street, Cliffe ME3 7QB", 51.4620, 0.4981, "Closed to public 07-19."),
    ("Marsh Road Farm", "Marsh Road, Hoo ME3 9LB", 51.4209, 0.5612, "Boots: it is a marsh."),
    ("Old Ferry Terminal", "Royal Pier Road, Gravesend DA12 2BD", 51.4444, 0.3738, ""),
)
VENDORS = (
    ("Thames Camera Rental", "camera equipment"),
    ("Lumen Grip & Lighting", "grip and lighting"),
    ("Full Plate Catering", "catering"),
    ("Route One Transport", "unit vehicles"),
    ("Honeywagon Hire UK", "facilities"),
    ("Wardrobe Warehouse", "costume hire"),
    ("Prop Shop Ltd", "props"),
    ("Sentinel Security", "location security"),
    ("Channel Radio Hire", "walkie-talkies"),
    ("Reel Insurance", "production insurance"),
    ("Northbank Post", "rushes and post"),
    ("Kent Location Services", "location facilities"),
)


class DemoSummary(msgspec.Struct, kw_only=True):
    name: str
    people: int
    vendors: int
    locations: int
    days: int
    calls: int
    contracts: int
    checkins: int
    problems: int
    first_day: date
    last_day: date


def build(
    db: sqlite_utils.Database,
    *,
    size: Literal["small", "large"] = "small",
    seed: int = 7,
    today: date | None = None,
    base_url: str = "http://127.0.0.1:8000",
    now: datetime | None = None,
) -> DemoSummary:
    """Create the demo production in an empty file; `today` is a shoot day."""
    rng = random.Random(seed)
    moment = now or utcnow()
    on = today or moment.astimezone(production.zone_named(TIMEZONE)).date()
    scale = 1 if size == "small" else 20
    with write(db):
        production.create(
            db,
            "The Long Way Round" if size == "small" else "Estuary (Series 2)",
            timezone=TIMEZONE,
            base_url=base_url,
            actor=ACTOR,
            now=moment,
        )
        names = Names(rng)
        vendor_contacts = _vendors(db, rng, names, moment)
        crew, cast = _people(db, names, scale, moment)
        places = _locations(db, rng, moment, scale)
        days = _days(db, rng, on, 25 if size == "small" else 104, places, moment)
        _contracts(db, rng, crew + cast + vendor_contacts, moment)
        called = _calls(db, rng, days, crew, cast, moment)
        _plant_problems(db, rng, days, crew, places, moment)
        _changes(db, rng, days, places, moment)
        _vendor_work(db, days, vendor_contacts, moment)
        _checkins(db, rng, days, moment)
        _as_it_happened(db, rng, days, cast, moment)
        _callsheet_details(db, days, moment)
        demo_plant.film_gear(db, on, moment)
        reach.start_from_now(db)  # the demo's made-up history is never mailed out
    return summary(db, called)


def summary(db: sqlite_utils.Database, calls: int) -> DemoSummary:
    from schema import problems

    count = lambda table: int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: E731
    first, last = db.execute("SELECT min(date), max(date) FROM days").fetchone()
    return DemoSummary(
        name=production.get(db).name,
        people=count("people"),
        vendors=count("vendors"),
        locations=count("locations"),
        days=count("days"),
        calls=calls,
        contracts=count("contracts"),
        checkins=count("checkins"),
        problems=len(problems.find(db)),
        first_day=date.fromisoformat(first),
        last_day=date.fromisoformat(last),
    )


class Names:
    """Unique plausible names; once first x last combinations run low, a middle initial."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()

    def next(self) -> str:
        for attempt in range(100):
            first, last = self.rng.choice(FIRST), self.rng.choice(LAST)
            name = (
                f"{first} {last}" if attempt < 20 else f"{first} {chr(65 + attempt % 26)}. {last}"
            )
            if name not in self.seen:
                self.seen.add(name)
                return name
        raise RuntimeError("ran out of demo names")


def _person(names: Names, domain: str, **fields: object) -> PersonIn:
    """A person with a plausible email and phone (example domains, fictional numbers)."""
    name = names.next()
    handle = name.lower().replace(" ", ".").replace("'", "").replace("..", ".")
    phone = f"+44 7700 9{names.rng.randrange(10000, 99999)}"
    return msgspec.convert(
        {"name": name, "email": f"{handle}@{domain}", "phone": phone, **fields}, PersonIn
    )


def _vendors(
    db: sqlite_utils.Database, rng: random.Random, names: Names, now: datetime
) -> list[Person]:
    contacts: list[Person] = []
    for vendor_name, service in VENDORS:
        domain = vendor_name.lower().split()[0].replace("&", "") + ".example"
        vendor = directory.add_vendor(
            db,
            VendorIn(name=vendor_name, service=service, email=f"bookings@{domain}"),
            actor=ACTOR,
            now=now,
        )
        for role in ("Account Manager", "Bookings")[: rng.choice((1, 2))]:
            new = _person(
                names, domain, kind=PersonKind.VENDOR_CONTACT, role=role, vendor_id=vendor.id
            )
            contacts.append(directory.add_person(db, new, actor=ACTOR, now=now))
    return contacts


def _people(
    db: sqlite_utils.Database, names: Names, scale: int, now: datetime
) -> tuple[list[Person], list[Person]]:
    crew: list[Person] = []
    for department, (share, roles, _lead) in DEPARTMENTS.items():
        for index in range(share * scale):
            role = roles[min(index, len(roles) - 1)]
            new = _person(
                names, "crew.example", kind=PersonKind.CREW, department=department, role=role
            )
            crew.append(directory.add_person(db, new, actor=ACTOR, now=now))
    cast = [
        directory.add_person(
            db,
            _person(
                names,
                "agents.example",
                kind=PersonKind.CAST,
                department="Cast",
                role=CHARACTERS[i % len(CHARACTERS)] + ("" if i < len(CHARACTERS) else f" {i}"),
            ),
            actor=ACTOR,
            now=now,
        )
        for i in range(len(CHARACTERS) * scale)
    ]
    return crew, cast


def _locations(
    db: sqlite_utils.Database, rng: random.Random, now: datetime, scale: int
) -> list[int]:
    chosen = LOCATIONS if scale == 1 else LOCATIONS * 3
    return [
        locations.add_location(
            db,
            LocationIn(
                name=name if i < len(LOCATIONS) else f"{name} ({chr(65 + i // len(LOCATIONS))})",
                address=address,
                lat=lat,
                lon=lon,
                radius_m=250,
                notes=notes,
            ),
            actor=ACTOR,
            now=now,
            rng=rng.randbytes,
        ).id
        for i, (name, address, lat, lon, notes) in enumerate(chosen)
    ]


def _shoot_dates(today: date, count: int) -> list[date]:
    """`count` shooting dates with Sundays off, today being the 8th (or so) of them."""
    start = today - timedelta(days=9)
    dates: list[date] = []
    current = start
    while len(dates) < count:
        if current.weekday() != 6 or current == today:
            dates.append(current)
        current += timedelta(days=1)
    return dates


def _days(
    db: sqlite_utils.Database,
    rng: random.Random,
    today: date,
    count: int,
    places: list[int],
    now: datetime,
) -> list[schedule.Day]:
    days = []
    scene = 1
    for number, on in enumerate(_shoot_dates(today, count)):
        night = on.weekday() == 5  # Saturday nights, with Sunday off to turn around
        call, wrap = (time(16, 0), time(2, 0)) if night else (time(7, 0), time(19, 0))
        scenes = ", ".join(str(scene + i) for i in range(rng.randint(3, 6)))
        scene += 6
        days.append(
            schedule.add_day(
                db,
                schedule.DayIn(
                    date=on,
                    call=call,
                    wrap=wrap,
                    unit="Main",
                    location_id=places[number % len(places)],
                    scenes=f"Sc. {scenes}",
                    notes="NIGHT SHOOT" if night else "",
                ),
                actor=ACTOR,
                now=now,
            )
        )
        if number % 6 == 3:
            days.append(
                schedule.add_day(
                    db,
                    schedule.DayIn(
                        date=on,
                        call=time(8, 0),
                        wrap=time(18, 0),
                        unit="Second",
                        location_id=places[(number + 3) % len(places)],
                        scenes="Inserts, drive-bys",
                    ),
                    actor=ACTOR,
                    now=now,
                )
            )
    return days


def _contracts(
    db: sqlite_utils.Database, rng: random.Random, people: list[Person], now: datetime
) -> None:
    documents = {kind: _document(kind) for kind in contracts.CONTRACT_KINDS}
    statuses = [ContractStatus.COUNTERSIGNED] * 40 + [
        ContractStatus.SIGNED,
        ContractStatus.SIGNED,
        ContractStatus.VIEWED,
        ContractStatus.SENT,
        ContractStatus.DRAFT,
        ContractStatus.VOID,
    ]
    for index, person in enumerate(people):
        if index % 31 == 30:
            continue  # unpapered: nobody has drawn up their contract yet
        # What the production requires of each (paperwork's defaults): a deal memo for crew
        # and cast, a vendor agreement for vendors.
        kind = "vendor agreement" if person.kind == PersonKind.VENDOR_CONTACT else "deal memo"
        target = rng.choice(statuses)
        if person.department in ("Production", "Cast") and index % 3 == 0:
            target = ContractStatus.COUNTERSIGNED
        _advance(db, person, kind, documents[kind], target, now)


def _advance(
    db: sqlite_utils.Database,
    person: Person,
    kind: str,
    document: bytes,
    target: ContractStatus,
    now: datetime,
) -> None:
    """Walk one contract through the lifecycle up to `target`, as the real actors would."""
    contract = contracts.add_contract(db, person.id, kind=kind, actor=ACTOR, now=now)
    contract = contracts.attach_document(
        db, contract.id, f"{kind.replace(' ', '-')}.pdf", document, actor=ACTOR, now=now
    )
    if target == ContractStatus.DRAFT:
        return
    if target == ContractStatus.VOID:
        contracts.void(db, contract.id, reason="terms renegotiated", actor=ACTOR, now=now)
        return
    contracts.mark_sent(db, contract.id, actor=ACTOR, now=now)
    if target == ContractStatus.SENT:
        return
    contracts.mark_viewed(db, contract.id, person.id, now=now)
    if target == ContractStatus.VIEWED:
        return
    contracts.sign(
        db,
        contract.id,
        person.id,
        full_name=person.name,
        shown_sha256=contract.document_sha256 or "",
        agreed=True,
        ip="192.0.2.10",
        user_agent="Demo phone",
        now=now,
    )
    if target == ContractStatus.COUNTERSIGNED:
        contracts.countersign(db, contract.id, actor=ACTOR, now=now)


def _document(kind: str) -> bytes:
    from fpdf import FPDF  # a heavy import (fontTools), wanted only when building a demo

    pdf = FPDF()
    # A fixed creation date: the same seed must give the same bytes, and so the same SHA-256.
    pdf.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 12, kind.title(), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(
        0,
        6,
        "Standard terms for this production (demo document). "
        "Fees, hours, overtime and rest periods as agreed in the deal memo.",
    )
    return bytes(pdf.output())


def _countersigned(db: sqlite_utils.Database) -> set[int]:
    return contracts.countersigned_people(db)


def _calls(
    db: sqlite_utils.Database,
    rng: random.Random,
    days: list[schedule.Day],
    crew: list[Person],
    cast: list[Person],
    now: datetime,
) -> int:
    """Call the papered crew on main-unit days and a few cast per day by scene."""
    papered = _countersigned(db)
    core = [p for p in crew if p.id in papered]
    second_unit = core[::6]  # a separate second-unit crew, so units never share a person
    main_unit = [p for p in core if p not in second_unit]
    players = [p for p in cast if p.id in papered]
    total = 0
    for day in days:
        if day.unit == "Second":
            team = list(second_unit)
        else:
            team = [p for p in main_unit if rng.random() < 0.85]
        if day.unit == "Main":
            team += rng.sample(players, min(len(players), rng.randint(3, 7)))
        for person in team:
            lead = DEPARTMENTS.get(person.department, (0, (), 0))[2]
            call = (
                day.call_at
                - timedelta(
                    minutes=lead if person.kind == PersonKind.CREW else rng.choice((60, 90, 120))
                )
            ).time()
            schedule.call_person(db, day.id, person.id, call=call, actor=ACTOR, now=now)
            total += 1
    return total


def _plant_problems(
    db: sqlite_utils.Database,
    rng: random.Random,
    days: list[schedule.Day],
    crew: list[Person],
    places: list[int],
    now: datetime,
) -> None:
    """Upcoming trouble to find: a double booking, unsigned called people, a short turnaround."""
    today = days[0].date + timedelta(days=9)
    ahead = [d for d in days if d.date >= today]
    second = next(d for d in ahead if d.unit == "Second")
    main = next(d for d in days if d.unit == "Main" and d.date == second.date)
    on_second = {line.call.person_id for line in schedule.calls_for_day(db, second.id)}
    doubled = next(
        line.call.person_id
        for line in schedule.calls_for_day(db, main.id)
        if line.call.person_id not in on_second
    )
    schedule.call_person(db, second.id, doubled, actor=ACTOR, now=now)
    unsigned = [p for p in crew if p.id not in _countersigned(db)]
    mains = [d for d in ahead if d.unit == "Main"]
    for person, day in zip(unsigned[:3], mains[2:], strict=False):
        schedule.call_person(db, day.id, person.id, actor=ACTOR, now=now)
    _plant_turnaround(db, mains, now)


def _plant_turnaround(db: sqlite_utils.Database, mains: list[schedule.Day], now: datetime) -> None:
    """Someone wrapped at 19:00 and called at 04:30 the next morning."""
    for first, then in itertools.pairwise(mains):
        if then.date - first.date != timedelta(days=1) or first.notes or then.notes:
            continue
        both = {line.call.person_id for line in schedule.calls_for_day(db, first.id)}
        for line in schedule.calls_for_day(db, then.id):
            if line.call.person_id in both:
                schedule.update_call(
                    db,
                    line.call.id,
                    line.call.version,
                    call=time(4, 30),
                    notes="early pre-rig",
                    actor=ACTOR,
                    now=now,
                )
                return


def _changes(
    db: sqlite_utils.Database,
    rng: random.Random,
    days: list[schedule.Day],
    places: list[int],
    now: datetime,
) -> None:
    """Two late changes (a location swap and an earlier call), about half acknowledged."""
    upcoming = [d for d in days if d.date > now.date() and d.unit == "Main"][:3]
    if len(upcoming) < 2:
        return
    moved = schedule.get_day(db, upcoming[0].id)
    other = next(p for p in places if p != moved.location_id)
    schedule.move_day(db, moved.id, moved.version, location_id=other, actor=ACTOR, now=now)
    # An earlier call on a Monday: Sunday's rest absorbs it, so it creates no turnaround problem.
    monday = next((d for d in days if d.date > moved.date and d.date.weekday() == 0), upcoming[1])
    earlier = schedule.get_day(db, monday.id)
    schedule.move_day(
        db,
        earlier.id,
        earlier.version,
        call=(earlier.call_at - timedelta(minutes=30)).time(),
        actor=ACTOR,
        now=now,
    )
    for status in notices.list_all(db):
        for recipient in notices.recipients(db, status.notice.id):
            if rng.random() < 0.5:
                notices.acknowledge(db, recipient.person_id, status.notice.id, now=now)


def _vendor_work(
    db: sqlite_utils.Database, days: list[schedule.Day], contacts: list[Person], now: datetime
) -> None:
    """The welcome vendor's work: an NDA to sign and a generator delivery to confirm (plus one
    confirmed pick-up); and another vendor who declined their agreement, with a reason."""
    today = wall_clock(now, production.zone_named(TIMEZONE)).date()
    ahead = [d for d in days if d.date > today and d.unit == "Main" and d.location_id]
    if not ahead or len(contacts) < 2:
        return
    lighting = directory.vendor_named(db, "Lumen Grip & Lighting")
    first = next((c for c in contacts if lighting and c.vendor_id == lighting.id), contacts[0])
    other = next(c for c in contacts if c.vendor_id != first.vendor_id)
    assert first.vendor_id is not None
    vendor = directory.get_vendor(db, first.vendor_id)
    nda = contracts.add_contract(
        db, first.id, kind="NDA", title=f"NDA: {vendor.name}, set access", actor=ACTOR, now=now
    )
    contracts.attach_document(db, nda.id, "nda.pdf", _document("NDA"), actor=ACTOR, now=now)
    contracts.mark_sent(db, nda.id, actor=ACTOR, now=now)
    day = ahead[0]
    for kind, at, what in (
        (BookingKind.DELIVERY, time(6, 0), "Generator"),
        (BookingKind.PICKUP, time(20, 0), "Generator"),
    ):
        booking = bookings.add_booking(
            db,
            bookings.BookingIn(vendor_id=vendor.id, day_id=day.id, kind=kind, at=at, what=what),
            actor=ACTOR,
            now=now,
        )
        if kind == BookingKind.PICKUP:
            bookings.confirm(db, booking.id, first, now=now)
    assert other.vendor_id is not None
    declined = contracts.add_contract(
        db,
        other.id,
        kind="vendor agreement",
        title=f"Hire terms 2027: {directory.get_vendor(db, other.vendor_id).name}",
        actor=ACTOR,
        now=now,
    )
    contracts.attach_document(
        db, declined.id, "agreement.pdf", _document("vendor agreement"), actor=ACTOR, now=now
    )
    contracts.mark_sent(db, declined.id, actor=ACTOR, now=now)
    contracts.decline(
        db,
        declined.id,
        other.id,
        reason="Clause 7 says a £1,000 excess; we agreed £5,000. Please correct and resend.",
        now=now,
    )


def _checkins(
    db: sqlite_utils.Database,
    rng: random.Random,
    days: list[schedule.Day],
    now: datetime,
) -> None:
    """Arrivals for every call that has already happened: mostly early, some late, a no-show."""
    zone = production.zone_named(TIMEZONE)
    local_now = wall_clock(now, zone)
    for day in days:
        if day.call_at - timedelta(hours=3) > local_now or day.location_id is None:
            continue
        code = locations.get_location(db, day.location_id).code
        # Today some are still on their way, so the board has someone to chase.
        absent = 0.12 if day.date == local_now.date() else 0.03
        for line in schedule.calls_for_day(db, day.id):
            arrive = line.call.call_at + timedelta(
                minutes=rng.choice((-25, -20, -15, -12, -10, -8, -5, -3, -1, 2, 7, 18))
            )
            if arrive > local_now or rng.random() < absent:
                continue  # not here yet, or a no-show
            moment = arrive.replace(tzinfo=zone).astimezone(UTC)
            checkins.check_in_person(
                db,
                directory.get_person(db, line.call.person_id),
                checkins.CheckinRequest(code=code, nonce=rng.randbytes(12).hex()),
                ip="192.0.2.20",
                user_agent="Demo phone",
                now=moment,
            )


def _as_it_happened(
    db: sqlite_utils.Database,
    rng: random.Random,
    days: list[schedule.Day],
    cast: list[Person],
    now: datetime,
) -> None:
    """Meal breaks on every day, wraps from phones on the days already over (one person's
    overrun may break the next morning's rest), and a few cast on travel and hold days."""
    zone = production.zone_named(TIMEZONE)
    local_now = wall_clock(now, zone)
    for day in days:
        fresh = schedule.get_day(db, day.id)
        meal = (fresh.call_at + timedelta(hours=4)).time()
        marks.set_meal(db, day.id, fresh.version, meal, 45, actor=ACTOR, now=now)
    over = [d for d in days if d.wrap_at + timedelta(minutes=30) < local_now and d.location_id]
    for index, day in enumerate(over):
        assert day.location_id is not None
        code = locations.get_location(db, day.location_id).code
        here = db.execute(
            "SELECT person_id, count(*) FROM checkins WHERE day_id = ? GROUP BY person_id",
            [day.id],
        ).fetchall()
        for number, (person_id, arrived) in enumerate(here):
            # On the last day before today one person stayed two hours over.
            overrun = index == len(over) - 1 and number == 0
            late = timedelta(hours=2) if overrun else timedelta(minutes=rng.randint(-20, 0))
            moment = (day.wrap_at + late).replace(tzinfo=zone).astimezone(UTC)
            if arrived and moment < now:
                checkouts.check_out_person(
                    db,
                    directory.get_person(db, person_id),
                    checkouts.CheckoutRequest(code=code, nonce=rng.randbytes(12).hex()),
                    ip="192.0.2.20",
                    user_agent="Demo phone",
                    now=moment,
                )
    _travel_and_holds(db, cast, now)


def _travel_and_holds(db: sqlite_utils.Database, cast: list[Person], now: datetime) -> None:
    """A few cast travel in for their first day and are held on one in the middle."""
    for person in cast[:4]:
        own = schedule.calls_for_person(db, person.id)
        if len(own) < 4:
            continue
        first, middle = own[0][0], own[len(own) // 2][0]
        marks.set_call_kind(db, first.day_id, person.id, CallKind.TRAVEL, actor=ACTOR, now=now)
        marks.set_call_kind(db, middle.day_id, person.id, CallKind.HOLD, actor=ACTOR, now=now)


# --- the front door: whom to show a newcomer first (`callboard welcome`) ---


class Showcase(NamedTuple):
    """Whom and where to show a newcomer first (`callboard welcome`)."""

    crew: Person | None
    vendor: Person | None
    place: Location | None


def showcase(db: sqlite_utils.Database, today: date) -> Showcase:
    crew = _showcase_crew(db, today)
    return Showcase(crew, _showcase_vendor(db), _showcase_location(db, crew, today))


def _showcase_crew(db: sqlite_utils.Database, today: date) -> Person | None:
    """A crew member called today with a countersigned contract, else any crew or cast."""
    row = db.execute(
        "SELECT p.id FROM calls c JOIN days d ON d.id = c.day_id JOIN people p ON p.id ="
        " c.person_id WHERE d.date = ? AND p.kind = ? AND d.location_id IS NOT NULL"
        " AND EXISTS (SELECT 1 FROM contracts k WHERE k.person_id = p.id AND k.status = ?)"
        " ORDER BY c.call_at, p.id LIMIT 1",
        [today.isoformat(), str(PersonKind.CREW), str(ContractStatus.COUNTERSIGNED)],
    ).fetchone()
    if row is None:
        row = db.execute(
            "SELECT id FROM people WHERE kind IN (?, ?) ORDER BY id LIMIT 1",
            [str(PersonKind.CREW), str(PersonKind.CAST)],
        ).fetchone()
    return directory.get_person(db, row[0]) if row else None


def _showcase_vendor(db: sqlite_utils.Database) -> Person | None:
    """A vendor contact, preferably one with a booking to confirm and a contract waiting."""
    row = db.execute(
        "SELECT p.id FROM people p LEFT JOIN contracts k ON k.person_id = p.id"
        " AND k.status IN ('sent', 'viewed') WHERE p.kind = ?"
        " ORDER BY NOT EXISTS (SELECT 1 FROM bookings b WHERE b.vendor_id = p.vendor_id"
        "   AND b.confirmed_at IS NULL AND b.cancelled_at IS NULL), k.id IS NULL, p.id LIMIT 1",
        [str(PersonKind.VENDOR_CONTACT)],
    ).fetchone()
    return directory.get_person(db, row[0]) if row else None


def _showcase_location(
    db: sqlite_utils.Database, crew: Person | None, today: date
) -> Location | None:
    """Where the chosen crew member is called today, else the first location."""
    if crew is not None:
        for _call, day in schedule.calls_for_person(db, crew.id, start=today):
            if day.date == today and day.location_id is not None:
                return locations.get_location(db, day.location_id)
    found = locations.list_locations(db)
    return found[0] if found else None


# --- call sheets ----------------------------------------------------------------------------------

SITE_DETAILS = {
    "Harbour Mill": (
        "Mill Lane car park (crew), east yard (unit vehicles)",
        "East yard, behind the mill",
        "Darent Valley Hospital, Darenth Wood Rd, Dartford DA2 8DA",
    ),
    "Blackwall Quay": (
        "Pay-and-display on Blackwall Way; permits from the unit manager",
        "Trafalgar Way lay-by",
        "Royal London Hospital, Whitechapel Rd, London E1 1FR",
    ),
}


def _callsheet_details(db: sqlite_utils.Database, days: list[schedule.Day], now: datetime) -> None:
    """What a call sheet needs beyond the schedule: office numbers, walkie channels, meals,
    safety, and where to park at the two busiest locations."""
    found = callsheets.settings(db)
    callsheets.update_settings(
        db,
        found.version,
        contacts=[
            callsheets.Contact(label="Production office", phone="+44 20 7946 0321"),
            callsheets.Contact(label="Unit production phone", phone="+44 7700 900321"),
        ],
        walkies={
            "Assistant Directors": "1",
            "Camera": "2",
            "Electric": "3",
            "Grip": "3",
            "Sound": "4",
            "Art": "5",
            "Locations": "6",
            "Transport": "7",
            "Production": "8",
        },
        safety="Hi-vis beyond the unit base. Report every accident to the 1st AD.",
        actor=ACTOR,
        now=now,
    )
    for place in locations.list_locations(db):
        parking, base_camp, hospital = SITE_DETAILS.get(place.name, ("", "", ""))
        if not parking:
            continue
        locations.update_location(
            db,
            place.id,
            place.version,
            LocationIn(
                name=place.name,
                address=place.address,
                lat=place.lat,
                lon=place.lon,
                radius_m=place.radius_m,
                notes=place.notes,
                parking=parking,
                base_camp=base_camp,
                hospital=hospital,
            ),
            actor=ACTOR,
            now=now,
        )
    for day in days:
        meals = (
            "Hot meal 21:30 · Wrap snack 01:00"
            if day.call_at.hour >= 12
            else f"Breakfast {day.call_at.hour - 1:02d}:30 · Lunch 13:00"
        )
        callsheets.set_day_details(
            db, day.id, callsheets.DayDetails(meals=meals), actor=ACTOR, now=now
        )
