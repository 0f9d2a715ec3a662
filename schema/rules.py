"""Pure rules: no database, no clock of their own. Callers pass in the facts and the time.

Every function here is deterministic, which is what lets the tests drive them with Hypothesis.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo

import msgspec

from schema.errors import RuleViolation
from schema.types import ContractStatus, Problem, ProblemKind

# --- contract lifecycle -------------------------------------------------------------------------

CONTRACT_TRANSITIONS: dict[ContractStatus, frozenset[ContractStatus]] = {
    ContractStatus.DRAFT: frozenset({ContractStatus.SENT, ContractStatus.VOID}),
    ContractStatus.SENT: frozenset(
        {
            ContractStatus.VIEWED,
            ContractStatus.SIGNED,
            ContractStatus.VOID,
            ContractStatus.DECLINED,
        }
    ),
    ContractStatus.VIEWED: frozenset(
        {ContractStatus.SIGNED, ContractStatus.VOID, ContractStatus.DECLINED}
    ),
    ContractStatus.SIGNED: frozenset({ContractStatus.COUNTERSIGNED, ContractStatus.VOID}),
    ContractStatus.COUNTERSIGNED: frozenset({ContractStatus.VOID}),
    ContractStatus.VOID: frozenset(),
    # Declined is the party's last word on this text; the coordinator sends a corrected one.
    ContractStatus.DECLINED: frozenset({ContractStatus.VOID}),
}


def can_transition(current: ContractStatus, target: ContractStatus) -> bool:
    return target in CONTRACT_TRANSITIONS[current]


def check_transition(current: ContractStatus, target: ContractStatus) -> None:
    """Refuse an illegal contract transition with a message a coordinator understands."""
    if can_transition(current, target):
        return
    if current == target:
        raise RuleViolation(f"the contract is already {current}", code="contract_already")
    raise RuleViolation(
        f"a {current} contract cannot become {target}", code="contract_illegal_transition"
    )


def sources_of(target: ContractStatus) -> frozenset[ContractStatus]:
    """The statuses from which `target` can be reached: the WHERE of a conditional update."""
    return frozenset(s for s, targets in CONTRACT_TRANSITIONS.items() if target in targets)


# --- paperwork ----------------------------------------------------------------------------------


class PaperFacts(msgspec.Struct, frozen=True, kw_only=True):
    """One contract as the paperwork gate sees it."""

    contract_id: int
    kind: str
    title: str
    status: ContractStatus
    expires_on: date | None = None


# How far a contract of a required kind has got, best first; the best one decides.
PAPER_RANK = {
    ContractStatus.COUNTERSIGNED: 0,
    ContractStatus.SIGNED: 1,
    ContractStatus.VIEWED: 2,
    ContractStatus.SENT: 3,
    ContractStatus.DRAFT: 4,
    ContractStatus.DECLINED: 5,
}


def valid_on(paper: PaperFacts, on: date) -> bool:
    """Countersigned and not expired on `on` (a certificate is good through its expiry date)."""
    return paper.status == ContractStatus.COUNTERSIGNED and (
        paper.expires_on is None or paper.expires_on >= on
    )


def best_paper(kind: str, held: Iterable[PaperFacts], on: date) -> PaperFacts | None:
    """The contract that best satisfies `kind` on `on`: a valid one if any, else the furthest
    along (an expired certificate ranks below a fresh one still being signed)."""
    mine = [p for p in held if p.kind.casefold() == kind.casefold() and p.status in PAPER_RANK]
    if not mine:
        return None

    def rank(paper: PaperFacts) -> tuple[int, int]:
        expired = paper.status == ContractStatus.COUNTERSIGNED and not valid_on(paper, on)
        return (len(PAPER_RANK) if expired else PAPER_RANK[paper.status], -paper.contract_id)

    return min(mine, key=rank)


def paper_gap(kind: str, best: PaperFacts | None, on: date) -> str | None:
    """What is missing for `kind` on `on`, in the coordinator's words; None when papered."""
    if best is None:
        return f"no {kind}"
    if valid_on(best, on):
        return None
    if best.status == ContractStatus.COUNTERSIGNED and best.expires_on is not None:
        return f"{kind} expired {best.expires_on.isoformat()}"
    if best.status == ContractStatus.SIGNED:
        return f"{kind} not countersigned"
    if best.status == ContractStatus.DECLINED:
        return f"{kind} declined"
    return f"{kind} not signed"


def paper_gaps(required: Iterable[str], held: Sequence[PaperFacts], on: date) -> list[str]:
    """Everything missing for a party on a date: empty means papered."""
    gaps = (paper_gap(kind, best_paper(kind, held, on), on) for kind in required)
    return [gap for gap in gaps if gap is not None]


PaperGaps = Callable[[int, date], Sequence[str]]
HeldPapers = Callable[[int], Sequence[PaperFacts]]
EXPIRY_WARNING = timedelta(days=14)


def expiring_soon(held: Iterable[PaperFacts], on: date) -> list[PaperFacts]:
    """Valid contracts on `on` that expire within EXPIRY_WARNING of it."""
    return [
        p
        for p in held
        if valid_on(p, on) and p.expires_on is not None and p.expires_on - on < EXPIRY_WARNING
    ]


# --- schedule problems --------------------------------------------------------------------------


class DayFacts(msgspec.Struct, frozen=True):
    id: int
    date: date
    unit: str
    location_id: int | None
    call_at: datetime
    wrap_at: datetime


class CallFacts(msgspec.Struct, frozen=True):
    day_id: int
    person_id: int
    call_at: datetime
    wrap_at: datetime | None = None


def find_problems(
    days: Sequence[DayFacts],
    calls: Sequence[CallFacts],
    *,
    countersigned: Iterable[int] = (),
    min_rest: timedelta,
    names: dict[int, str] | None = None,
    location_names: dict[int, str] | None = None,
    zone: tzinfo | None = None,
    gaps: PaperGaps | None = None,
    held: HeldPapers | None = None,
    bookings: Sequence[BookingFacts] = (),
    now: datetime | None = None,
) -> list[Problem]:
    """Every scheduling problem in one pass, sorted by date then kind.

    `gaps(person_id, date)` says what paperwork a person lacks on a date; without it, any
    countersigned contract (`countersigned`) counts as papered. `held(person_id)` is the
    paperwork a person holds (for certificates about to expire); `bookings` with `now` (local
    wall clock) find vendor bookings close at hand that nobody has confirmed."""
    by_id = {day.id: day for day in days}
    people = names or {}
    places = location_names or {}
    found = [
        *person_double_bookings(by_id, calls, people),
        *location_double_bookings(days, places),
        *uncontracted_calls(by_id, calls, set(countersigned), people, gaps),
        *short_turnarounds(by_id, calls, min_rest, people, zone),
        *([] if held is None else expiring_documents(by_id, calls, held, people)),
        *([] if now is None else unconfirmed_bookings(bookings, now)),
    ]
    return sorted(found, key=lambda p: (p.date, p.kind, p.person_id or 0, p.day_ids))


def expiring_documents(
    days: dict[int, DayFacts],
    calls: Sequence[CallFacts],
    held: HeldPapers,
    names: dict[int, str],
) -> list[Problem]:
    """A document that expires within two weeks of a call: once per contract, on the first
    such call (after its expiry the call is unpapered instead)."""
    first: dict[int, tuple[date, CallFacts, PaperFacts]] = {}
    dated: dict[int, list[PaperFacts]] = {}  # most people hold nothing that expires
    for person_id in {call.person_id for call in calls}:
        papers = [p for p in held(person_id) if p.expires_on]
        if papers:
            dated[person_id] = papers
    theirs = [call for call in calls if call.person_id in dated]
    for call in sorted(theirs, key=lambda c: days[c.day_id].date):
        on = days[call.day_id].date
        for paper in expiring_soon(dated[call.person_id], on):
            first.setdefault(paper.contract_id, (on, call, paper))
    found = []
    for on, call, paper in first.values():
        expires = paper.expires_on or on
        name = names.get(call.person_id, f"person {call.person_id}")
        found.append(
            Problem(
                kind=ProblemKind.EXPIRING_DOCUMENT,
                date=on,
                person_id=call.person_id,
                day_ids=(call.day_id,),
                message=f"{name}'s {paper.kind} expires {expires.isoformat()}, "
                f"{plural((expires - on).days, 'day')} after their call on {on.isoformat()}",
            )
        )
    return found


class BookingFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A vendor booking as the rules see it; `summary` names what, where and when."""

    id: int
    day_id: int
    location_id: int | None
    at: datetime
    vendor: str
    summary: str
    confirmed: bool = False


BOOKING_NOTICE = timedelta(hours=24)


def unconfirmed_bookings(bookings: Sequence[BookingFacts], now: datetime) -> list[Problem]:
    """A booking nobody has confirmed within the next 24 hours (local wall clock)."""
    return [
        Problem(
            kind=ProblemKind.UNCONFIRMED_BOOKING,
            date=b.at.date(),
            location_id=b.location_id,
            day_ids=(b.day_id,),
            message=f"{b.vendor} has not confirmed {b.summary}",
        )
        for b in bookings
        if not b.confirmed and now <= b.at <= now + BOOKING_NOTICE
    ]


def person_double_bookings(
    days: dict[int, DayFacts], calls: Sequence[CallFacts], names: dict[int, str]
) -> list[Problem]:
    """A person called on two different days (units) that fall on the same date."""
    booked: dict[tuple[int, date], list[int]] = defaultdict(list)
    for call in calls:
        booked[(call.person_id, days[call.day_id].date)].append(call.day_id)
    return [
        Problem(
            kind=ProblemKind.PERSON_DOUBLE_BOOKED,
            date=on,
            person_id=person_id,
            day_ids=tuple(sorted(day_ids)),
            message=f"{names.get(person_id, f'person {person_id}')} is double-booked on "
            f"{on.isoformat()} ({plural(len(day_ids), 'unit')})",
        )
        for (person_id, on), day_ids in booked.items()
        if len(day_ids) > 1
    ]


def location_double_bookings(
    days: Sequence[DayFacts], location_names: dict[int, str]
) -> list[Problem]:
    """Two days at one location whose call-to-wrap spans overlap."""
    at_place: dict[int, list[DayFacts]] = defaultdict(list)
    for day in days:
        if day.location_id is not None:
            at_place[day.location_id].append(day)
    found: list[Problem] = []
    for location_id, held in at_place.items():
        held.sort(key=lambda d: d.call_at)
        for first, second in _overlapping_pairs(held):
            name = location_names.get(location_id, f"location {location_id}")
            found.append(
                Problem(
                    kind=ProblemKind.LOCATION_DOUBLE_BOOKED,
                    date=second.date,
                    location_id=location_id,
                    day_ids=(first.id, second.id),
                    message=f"{name} is booked by {first.unit} and {second.unit} "
                    f"at overlapping times on {second.date.isoformat()}",
                )
            )
    return found


def _overlapping_pairs(held: list[DayFacts]) -> Iterable[tuple[DayFacts, DayFacts]]:
    """Pairs that overlap, for days sorted by call time (a sweep, not all pairs)."""
    open_days: list[DayFacts] = []
    for day in held:
        open_days = [d for d in open_days if d.wrap_at > day.call_at]
        for earlier in open_days:
            yield earlier, day
        open_days.append(day)


def uncontracted_calls(
    days: dict[int, DayFacts],
    calls: Sequence[CallFacts],
    countersigned: set[int],
    names: dict[int, str],
    gaps: PaperGaps | None = None,
) -> list[Problem]:
    """A person called on a day without the paperwork they need (what is missing, named)."""
    found: list[Problem] = []
    for call in calls:
        on = days[call.day_id].date
        if gaps is not None:
            missing = gaps(call.person_id, on)
            if not missing:
                continue
            why = ": " + ", ".join(missing)
        elif call.person_id in countersigned:
            continue
        else:
            why = " without a countersigned contract"
        found.append(
            Problem(
                kind=ProblemKind.UNCONTRACTED_CALL,
                date=on,
                person_id=call.person_id,
                day_ids=(call.day_id,),
                message=f"{names.get(call.person_id, f'person {call.person_id}')} is called on "
                f"{on.isoformat()}{why}",
            )
        )
    return found


def short_turnarounds(
    days: dict[int, DayFacts],
    calls: Sequence[CallFacts],
    min_rest: timedelta,
    names: dict[int, str],
    zone: tzinfo | None = None,
) -> list[Problem]:
    """Less than `min_rest` between a person's wrap and their next call (real hours)."""
    per_person: dict[int, list[CallFacts]] = defaultdict(list)
    for call in calls:
        per_person[call.person_id].append(call)
    found: list[Problem] = []
    for person_id, own in per_person.items():
        own.sort(key=lambda c: c.call_at)
        for before, after in itertools.pairwise(own):
            if days[before.day_id].date == days[after.day_id].date:
                continue  # a same-date clash is a double booking, reported as such
            wrap = before.wrap_at or days[before.day_id].wrap_at
            if after.call_at - wrap >= min_rest + DST_SLACK:
                continue  # clearly enough rest even if the clocks change overnight: no tz maths
            rest = elapsed(wrap, after.call_at, zone)
            if rest < min_rest:
                found.append(
                    _turnaround(person_id, before, after, wrap, rest, min_rest, days, names)
                )
    return found


def _turnaround(
    person_id: int,
    before: CallFacts,
    after: CallFacts,
    wrap: datetime,
    rest: timedelta,
    min_rest: timedelta,
    days: dict[int, DayFacts],
    names: dict[int, str],
) -> Problem:
    name = names.get(person_id, f"person {person_id}")
    on = days[after.day_id].date.isoformat()
    if rest < timedelta(0):  # "-0h30 rest" reads as a typo; say what is wrong
        message = (
            f"{name}'s calls overlap: wrap {wrap:%H:%M} is after the next call "
            f"{after.call_at:%H:%M} on {on}"
        )
    else:
        message = (
            f"{name} has {format_duration(rest)} rest before {on} "
            f"(minimum {format_duration(min_rest)})"
        )
    return Problem(
        kind=ProblemKind.SHORT_TURNAROUND,
        date=days[after.day_id].date,
        person_id=person_id,
        day_ids=(before.day_id, after.day_id),
        message=message,
    )


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 person', '3 people': messages a coordinator reads should not say '1 people'."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def format_duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours}h{mins:02d}"


# --- check-in -----------------------------------------------------------------------------------


# No DST change moves a wall clock by more than this.
DST_SLACK = timedelta(hours=2)


def elapsed(start: datetime, end: datetime, zone: tzinfo | None = None) -> timedelta:
    """Real time between two naive local wall-clock times in `zone`: across a DST change the
    wall clock jumps, so the subtraction is done in UTC."""
    if zone is None:
        return end - start
    return _utc(end, end.fold, zone) - _utc(start, start.fold, zone)


@functools.lru_cache(maxsize=65536)
def _utc(wall: datetime, fold: int, zone: tzinfo) -> datetime:
    """Cached: a schedule has few distinct call and wrap times, met over and over. `fold` is
    part of the key because the repeated hour when clocks go back compares (and hashes) equal
    to its first occurrence."""
    return wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)


def late_minutes(call_at: datetime, arrived_at: datetime, zone: tzinfo | None = None) -> int:
    """Whole minutes late (rounded up), 0 when on time or early. Both naive local times."""
    late = elapsed(call_at, arrived_at, zone).total_seconds()
    return 0 if late <= 0 else math.ceil(late / 60)


EARTH_RADIUS_M = 6_371_000.0


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def is_far(distance: float, radius_m: int, accuracy_m: float | None) -> bool:
    """Farther than the radius even allowing for the phone's own stated accuracy."""
    slack = min(accuracy_m or 0.0, 1000.0)
    return distance > radius_m + slack


# How long a phone's outbox may hold an item; a replay claiming an older time is not believed.
MAX_REPLAY_AGE = timedelta(hours=48)


def replayed_time(received_at: datetime, client_at: datetime | None, replayed: bool) -> datetime:
    """When a phone's action really happened: its own clock only for an item replayed from its
    offline outbox (and then only if plausible); an online action happens when it arrives."""
    if not replayed or client_at is None or client_at.tzinfo is None:
        return received_at
    return effective_time(received_at, client_at, MAX_REPLAY_AGE)


def effective_time(received_at: datetime, client_at: datetime | None, skew: timedelta) -> datetime:
    """When a check-in really happened: the client's time if plausible, else the server's.

    A replayed offline check-in carries its original time; a client clock in the future, or
    older than `skew`, is not trusted.
    """
    if client_at is None:
        return received_at
    if client_at > received_at + timedelta(minutes=2) or client_at < received_at - skew:
        return received_at
    return client_at
