"""The pure rules, checked against brute-force definitions with Hypothesis."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schema import rules
from schema.errors import RuleViolation
from schema.rules import CallFacts, DayFacts
from schema.types import ContractStatus, ProblemKind

STATUSES = list(ContractStatus)
BASE = datetime(2026, 12, 1)


def test_happy_contract_path() -> None:
    path = [
        ContractStatus.DRAFT,
        ContractStatus.SENT,
        ContractStatus.VIEWED,
        ContractStatus.SIGNED,
        ContractStatus.COUNTERSIGNED,
        ContractStatus.VOID,
    ]
    for current, target in itertools.pairwise(path):
        rules.check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (ContractStatus.DRAFT, ContractStatus.SIGNED),
        (ContractStatus.SENT, ContractStatus.COUNTERSIGNED),
        (ContractStatus.COUNTERSIGNED, ContractStatus.SIGNED),
        (ContractStatus.VOID, ContractStatus.SENT),
        (ContractStatus.SIGNED, ContractStatus.SIGNED),
    ],
)
def test_illegal_contract_transitions_are_refused(
    current: ContractStatus, target: ContractStatus
) -> None:
    with pytest.raises(RuleViolation):
        rules.check_transition(current, target)


@given(st.lists(st.sampled_from(STATUSES), max_size=12))
def test_any_walk_obeys_the_lifecycle(targets: list[ContractStatus]) -> None:
    """Whatever is attempted: void is final, countersigned follows signed, status never repeats."""
    status, seen = ContractStatus.DRAFT, [ContractStatus.DRAFT]
    for target in targets:
        try:
            rules.check_transition(status, target)
        except RuleViolation:
            assert not rules.can_transition(status, target)
            continue
        assert status != ContractStatus.VOID
        if target == ContractStatus.COUNTERSIGNED:
            assert status == ContractStatus.SIGNED
        status = target
        assert status not in seen
        seen.append(status)


@given(st.sampled_from(STATUSES))
def test_sources_match_transitions(target: ContractStatus) -> None:
    for source in STATUSES:
        assert (source in rules.sources_of(target)) == rules.can_transition(source, target)


# --- schedule problems --------------------------------------------------------------------------

days_strategy = st.lists(
    st.tuples(st.integers(0, 4), st.integers(0, 2), st.integers(0, 20), st.integers(1, 14)),
    min_size=1,
    max_size=8,
)


def _days(spec: list[tuple[int, int, int, int]]) -> list[DayFacts]:
    found = []
    for index, (offset, place, start, hours) in enumerate(spec):
        call = BASE + timedelta(days=offset, hours=start)
        found.append(
            DayFacts(
                id=index + 1,
                date=call.date(),
                unit=f"U{index}",
                location_id=place,
                call_at=call,
                wrap_at=call + timedelta(hours=hours),
            )
        )
    return found


@given(days_strategy)
def test_location_double_bookings_match_brute_force(spec: list[tuple[int, int, int, int]]) -> None:
    days = _days(spec)
    found = {frozenset(p.day_ids) for p in rules.location_double_bookings(days, {})}
    expected = {
        frozenset((a.id, b.id))
        for a in days
        for b in days
        if a.id < b.id
        and a.location_id == b.location_id
        and a.call_at < b.wrap_at
        and b.call_at < a.wrap_at
    }
    assert found == expected


@given(
    days_strategy,
    st.lists(st.tuples(st.integers(0, 3), st.integers(0, 7)), max_size=20),
    st.integers(0, 16),
)
def test_person_problems_match_brute_force(
    spec: list[tuple[int, int, int, int]], picks: list[tuple[int, int]], rest_hours: int
) -> None:
    days = _days(spec)
    by_id = {d.id: d for d in days}
    calls = list(
        {
            (person, days[i % len(days)].id): CallFacts(
                day_id=days[i % len(days)].id, person_id=person, call_at=days[i % len(days)].call_at
            )
            for person, i in picks
        }.values()
    )
    min_rest = timedelta(hours=rest_hours)
    doubles = {(p.person_id, p.date) for p in rules.person_double_bookings(by_id, calls, {})}
    expected_doubles = {
        (a.person_id, by_id[a.day_id].date)
        for a in calls
        for b in calls
        if a.person_id == b.person_id
        and a.day_id != b.day_id
        and by_id[a.day_id].date == by_id[b.day_id].date
    }
    assert doubles == expected_doubles
    short = {p.day_ids for p in rules.short_turnarounds(by_id, calls, min_rest, {})}
    for person in {c.person_id for c in calls}:
        own = sorted((c for c in calls if c.person_id == person), key=lambda c: c.call_at)
        for before, after in itertools.pairwise(own):
            differs = by_id[before.day_id].date != by_id[after.day_id].date
            too_short = after.call_at - by_id[before.day_id].wrap_at < min_rest
            assert ((before.day_id, after.day_id) in short) == (differs and too_short)


def test_find_problems_reports_each_kind() -> None:
    days = [
        DayFacts(
            id=1,
            date=date(2026, 12, 1),
            unit="Main",
            location_id=1,
            call_at=BASE.replace(hour=7),
            wrap_at=BASE.replace(hour=20),
        ),
        DayFacts(
            id=2,
            date=date(2026, 12, 1),
            unit="Second",
            location_id=1,
            call_at=BASE.replace(hour=9),
            wrap_at=BASE.replace(hour=17),
        ),
        DayFacts(
            id=3,
            date=date(2026, 12, 2),
            unit="Main",
            location_id=2,
            call_at=BASE.replace(day=2, hour=5),
            wrap_at=BASE.replace(day=2, hour=17),
        ),
    ]
    calls = [
        CallFacts(day_id=1, person_id=10, call_at=days[0].call_at),
        CallFacts(day_id=2, person_id=10, call_at=days[1].call_at),
        CallFacts(day_id=3, person_id=11, call_at=days[2].call_at),
        CallFacts(day_id=1, person_id=11, call_at=days[0].call_at),
    ]
    certificate = rules.PaperFacts(
        contract_id=5,
        kind="insurance certificate",
        title="Insurance",
        status=ContractStatus.COUNTERSIGNED,
        expires_on=date(2026, 12, 10),
    )
    generator = rules.BookingFacts(
        id=1,
        day_id=1,
        location_id=1,
        at=BASE.replace(hour=6),
        vendor="Sparks",
        summary="Generator delivery at Mill",
    )
    found = rules.find_problems(
        days,
        calls,
        countersigned={10},
        min_rest=timedelta(hours=10),
        names={10: "Ana", 11: "Bo"},
        location_names={1: "Mill"},
        held=lambda person_id: [certificate] if person_id == 11 else [],
        bookings=[generator],
        now=BASE.replace(hour=8) - timedelta(days=1),
    )
    kinds = {p.kind for p in found}
    assert kinds == set(ProblemKind)
    turnaround = next(p for p in found if p.kind == ProblemKind.SHORT_TURNAROUND)
    assert turnaround.message == "Bo has 9h00 rest before 2026-12-02 (minimum 10h00)"
    assert [p.date for p in found] == sorted(p.date for p in found)
    double = next(p for p in found if p.kind == ProblemKind.PERSON_DOUBLE_BOOKED)
    assert double.message == "Ana is double-booked on 2026-12-01 (2 units)"


def test_overlapping_calls_are_called_an_overlap_not_negative_rest() -> None:
    """A night wrap at 06:30 after the next day's 06:00 call: no "-0h30 rest"."""
    night = DayFacts(
        id=1,
        date=date(2026, 11, 25),
        unit="Main",
        location_id=None,
        call_at=datetime(2026, 11, 25, 20, 30),
        wrap_at=datetime(2026, 11, 26, 6, 30),
    )
    morning = DayFacts(
        id=2,
        date=date(2026, 11, 26),
        unit="Main",
        location_id=None,
        call_at=datetime(2026, 11, 26, 6, 0),
        wrap_at=datetime(2026, 11, 26, 18, 0),
    )
    calls = [
        CallFacts(day_id=1, person_id=7, call_at=night.call_at),
        CallFacts(day_id=2, person_id=7, call_at=morning.call_at),
    ]
    [problem] = rules.short_turnarounds(
        {1: night, 2: morning}, calls, timedelta(hours=10), {7: "Vera Fitzgerald"}
    )
    assert problem.kind == ProblemKind.SHORT_TURNAROUND
    assert problem.message == (
        "Vera Fitzgerald's calls overlap: wrap 06:30 is after the next call 06:00 on 2026-11-26"
    )


def test_plural_says_one_person_and_no_people() -> None:
    counted = [rules.plural(n, "person", "people") for n in (0, 1, 2)]
    assert counted == ["0 people", "1 person", "2 people"]
    assert (rules.plural(1, "line"), rules.plural(3, "line")) == ("1 line", "3 lines")


# --- check-in helpers ---------------------------------------------------------------------------


@given(st.integers(-600, 600), st.integers(0, 59))
def test_late_minutes_rounds_up_and_never_negative(minutes: int, seconds: int) -> None:
    arrived = BASE + timedelta(minutes=minutes, seconds=seconds)
    late = rules.late_minutes(BASE, arrived)
    assert late >= 0
    assert (late == 0) == (arrived <= BASE)
    if late:
        assert timedelta(minutes=late - 1) < arrived - BASE <= timedelta(minutes=late)


coords = st.tuples(st.floats(-89, 89), st.floats(-179, 179))


@given(coords, coords)
def test_distance_is_a_metric(a: tuple[float, float], b: tuple[float, float]) -> None:
    assert rules.distance_m(*a, *a) == pytest.approx(0, abs=1e-6)
    assert rules.distance_m(*a, *b) == pytest.approx(rules.distance_m(*b, *a), abs=1e-3)
    assert 0 <= rules.distance_m(*a, *b) <= 20_038_000


def test_distance_known_value() -> None:
    # London to Paris is about 344 km.
    assert rules.distance_m(51.5074, -0.1278, 48.8566, 2.3522) == pytest.approx(343_560, rel=0.01)


def test_far_allows_for_stated_accuracy() -> None:
    assert not rules.is_far(320, 300, accuracy_m=50)
    assert rules.is_far(320, 300, accuracy_m=None)
    assert rules.is_far(50_000, 300, accuracy_m=1_000_000)  # a wild accuracy is capped


def test_effective_time_trusts_plausible_client_times_only() -> None:
    received = datetime(2026, 12, 1, 9, 0)
    skew = timedelta(hours=48)
    assert rules.effective_time(received, None, skew) == received
    earlier = received - timedelta(hours=2)
    assert rules.effective_time(received, earlier, skew) == earlier
    assert rules.effective_time(received, received + timedelta(hours=1), skew) == received
    assert rules.effective_time(received, received - timedelta(days=5), skew) == received


def test_turnaround_counts_real_hours_across_the_spring_change() -> None:
    """28 March 2027, London: 01:00 becomes 02:00, so 23:00 to 09:30 is only 9h30 of rest."""
    london = ZoneInfo("Europe/London")
    days = {
        1: DayFacts(
            id=1,
            date=date(2027, 3, 27),
            unit="Main",
            location_id=None,
            call_at=datetime(2027, 3, 27, 11),
            wrap_at=datetime(2027, 3, 27, 23),
        ),
        2: DayFacts(
            id=2,
            date=date(2027, 3, 28),
            unit="Main",
            location_id=None,
            call_at=datetime(2027, 3, 28, 9, 30),
            wrap_at=datetime(2027, 3, 28, 20),
        ),
    }
    calls = [CallFacts(day_id=d.id, person_id=1, call_at=d.call_at) for d in days.values()]
    rest = timedelta(hours=10)
    assert rules.short_turnarounds(days, calls, rest, {}) == []  # wall clock: 10h30
    [problem] = rules.short_turnarounds(days, calls, rest, {}, london)
    assert "9h30 rest" in problem.message
