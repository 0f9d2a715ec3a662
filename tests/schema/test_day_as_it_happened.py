"""The day as it happened: marks as events, wraps, meals and turnaround after an actual wrap,
backdated phone replays marked, and the reports on a planted day (CSV and PDF text)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlite_utils
from pypdf import PdfReader

from schema import (
    arrivals,
    checkins,
    checkouts,
    dayrecord,
    directory,
    marks,
    problems,
    production,
    reports,
    schedule,
)
from schema.errors import InvalidInput, NotFound
from schema.outputs import reports as out
from schema.outputs.spreadsheets import neutralise, render, to_csv
from schema.types import CallKind, HappenedKind, MarkKind, Person, TimeSource
from tests.conftest import NOW
from tests.schema import factories

ON = date(2026, 12, 1)
NEXT = date(2026, 12, 2)


def utc(hour: int, minute: int = 0, on: date = ON) -> datetime:
    """London is on UTC in December: a wall-clock time on `on` as an aware moment."""
    return datetime.combine(on, time(hour, minute), tzinfo=UTC)


def local(hour: int, minute: int = 0, on: date = ON) -> datetime:
    return datetime.combine(on, time(hour, minute))


@dataclass
class Planted:
    db: sqlite_utils.Database
    ana: Person  # on time by phone, wraps by phone
    bo: Person  # backdated offline replay
    cy: Person  # dead phone: in by hand
    di: Person  # absent
    ed: Person  # another department, wrapped with the unit
    day: schedule.Day
    tomorrow: schedule.Day
    code: str


@pytest.fixture
def planted(fresh_db: sqlite_utils.Database) -> Planted:
    db = fresh_db
    place = factories.location(db, "Harbour Mill")
    day = factories.day(db, ON, location_id=place.id)
    tomorrow = factories.day(db, NEXT, call=time(7), wrap=time(19), location_id=place.id)
    people = {
        name: factories.person(db, name, department=dept, phone=f"+44 7700 90000{n}")
        for n, (name, dept) in enumerate(
            [
                ("Ana Archer", "Camera"),
                ("Bo Baker", "Camera"),
                ("Cy Cole", "Camera"),
                ("Di Dane", "Camera"),
                ("Ed Eames", "Grip"),
            ]
        )
    }
    for who in people.values():
        schedule.call_person(db, day.id, who.id, now=NOW)
        schedule.call_person(db, tomorrow.id, who.id, now=NOW)
    world = Planted(db, *people.values(), day=day, tomorrow=tomorrow, code=place.code)  # type: ignore[misc]
    checkins.check_in_person(
        db, world.ana, checkins.CheckinRequest(code=place.code, nonce="ana-in-1"), now=utc(6, 50)
    )
    checkins.check_in_person(
        db, world.ed, checkins.CheckinRequest(code=place.code, nonce="ed-in-001"), now=utc(6, 55)
    )
    # Bo's phone had no signal: queued at 06:40, sent at 09:00, believed, and marked.
    checkins.check_in_person(
        db,
        world.bo,
        checkins.CheckinRequest(
            code=place.code, nonce="bo-in-001", client_at=utc(6, 40), queued=True
        ),
        now=utc(9, 0),
    )
    return world


def events_of(db: sqlite_utils.Database, kind: str) -> list[tuple[str, str]]:
    return db.execute(
        "SELECT actor, data FROM events WHERE kind = ? ORDER BY id", [kind]
    ).fetchall()


# --- marks ----------------------------------------------------------------------------------


def test_each_mark_is_an_event_with_the_coordinator_as_actor(planted: Planted) -> None:
    db, day = planted.db, planted.day
    marks.mark(db, day.id, planted.di.id, MarkKind.ABSENT, reason="flu, texted at 06:00", now=NOW)
    marks.mark(
        db, day.id, planted.cy.id, MarkKind.ARRIVED, at=local(7, 5), reason="dead phone", now=NOW
    )
    marks.mark(
        db, day.id, planted.ana.id, MarkKind.RELEASED, at=local(15), reason="done", actor="jo"
    )
    recorded = events_of(db, "mark.recorded")
    assert [actor for actor, _ in recorded] == ["coordinator", "coordinator", "jo"]
    assert '"kind":"absent"' in recorded[0][1] and "flu" in recorded[0][1]
    assert db.execute("SELECT count(*) FROM marks").fetchone()[0] == 3
    found = {r.person_id: r for r in dayrecord.records(db, [day.id])}
    assert (found[planted.di.id].status, found[planted.di.id].reason) == (
        "absent",
        "flu, texted at 06:00",
    )
    cy = found[planted.cy.id]
    assert cy.arrived == dayrecord.Timed(at=local(7, 5), source=TimeSource.COORDINATOR)
    assert cy.late_minutes == 5
    ana = found[planted.ana.id]
    assert ana.status == "released"
    assert ana.wrap == dayrecord.Timed(at=local(15), source=TimeSource.COORDINATOR)


def test_a_bad_mark_is_refused_and_writes_nothing(planted: Planted) -> None:
    db, day = planted.db, planted.day
    with pytest.raises(InvalidInput, match="needs a reason"):
        marks.mark(db, day.id, planted.di.id, MarkKind.ABSENT, now=NOW)
    with pytest.raises(InvalidInput, match="needs a time"):
        marks.mark(db, day.id, planted.cy.id, MarkKind.ARRIVED, now=NOW)
    with pytest.raises(InvalidInput, match="too far"):
        marks.mark(db, day.id, planted.cy.id, MarkKind.WRAP, at=local(9, on=NEXT + timedelta(1)))
    stranger = factories.person(db, "Not Called")
    with pytest.raises(NotFound):
        marks.mark(db, day.id, stranger.id, MarkKind.ARRIVED, at=local(7), now=NOW)
    assert db.execute("SELECT count(*) FROM marks").fetchone()[0] == 0
    assert events_of(db, "mark.recorded") == []


def test_the_board_shows_marks_phone_and_flags(planted: Planted) -> None:
    db, day = planted.db, planted.day
    marks.mark(db, day.id, planted.di.id, MarkKind.SICK, now=NOW)
    [board] = arrivals.board(db, ON)
    by_name = {a.name: a for a in board.arrivals}
    assert by_name["Di Dane"].state(local(8)) == "sick"
    assert by_name["Bo Baker"].phone_time and by_name["Bo Baker"].arrival_source == "phone"
    assert by_name["Ana Archer"].arrival_source == "server"
    assert not by_name["Ana Archer"].phone_time
    assert by_name["Ana Archer"].phone == "+44 7700 900000"


def test_a_backdated_replay_is_marked_until_accepted_or_corrected(planted: Planted) -> None:
    db, day = planted.db, planted.day
    bo = next(r for r in dayrecord.records(db, [day.id]) if r.person_id == planted.bo.id)
    assert bo.arrived == dayrecord.Timed(at=local(6, 40), source=TimeSource.PHONE)
    assert bo.phone_time
    report = reports.daily(db, ON)
    line = next(x for x in report.days[0].lines if x.name == "Bo Baker")
    assert line.arrived_source == "phone" and "time from the phone" in line.flags
    marks.mark(db, day.id, planted.bo.id, MarkKind.ACCEPTED, now=NOW)
    bo = next(r for r in dayrecord.records(db, [day.id]) if r.person_id == planted.bo.id)
    assert not bo.phone_time and bo.arrived is not None and bo.arrived.source == TimeSource.PHONE
    marks.mark(db, day.id, planted.bo.id, MarkKind.ARRIVED, at=local(8, 55), now=NOW)
    bo = next(r for r in dayrecord.records(db, [day.id]) if r.person_id == planted.bo.id)
    assert bo.arrived == dayrecord.Timed(at=local(8, 55), source=TimeSource.COORDINATOR)
    assert bo.late_minutes == 115


def test_wrapping_the_unit_leaves_the_absent_the_missing_and_the_wrapped(planted: Planted) -> None:
    db, day = planted.db, planted.day
    marks.mark(db, day.id, planted.di.id, MarkKind.ABSENT, reason="no show", now=NOW)
    checkouts.check_out_person(
        db,
        planted.ana,
        checkouts.CheckoutRequest(code=planted.code, nonce="ana-out-1"),
        now=utc(18, 50),
    )
    grips = marks.wrap_group(db, day.id, local(19, 10), department="grip", now=NOW)
    assert grips == [planted.ed.id]
    rest = marks.wrap_group(db, day.id, local(19, 20), now=NOW)
    assert rest == [planted.bo.id]  # Cy never arrived, Di is absent, Ana and Ed wrapped
    wraps = {r.person_id: r.wrap for r in dayrecord.records(db, [day.id])}
    assert wraps[planted.ana.id] == dayrecord.Timed(at=local(18, 50), source=TimeSource.SERVER)
    assert wraps[planted.ed.id] == dayrecord.Timed(at=local(19, 10), source=TimeSource.COORDINATOR)
    assert wraps[planted.cy.id] is None and wraps[planted.di.id] is None


# --- meals and turnaround -------------------------------------------------------------------


def kinds_for(db: sqlite_utils.Database, person: Person) -> set[str]:
    return {str(p.kind) for p in problems.find(db) if p.person_id == person.id}


def wrap(planted: Planted, who: Person, hour: int, minute: int = 0) -> None:
    marks.mark(planted.db, planted.day.id, who.id, MarkKind.WRAP, at=local(hour, minute), now=NOW)


def test_working_past_six_hours_from_call_without_a_meal_is_flagged(planted: Planted) -> None:
    db = planted.db
    wrap(planted, planted.ana, 14, 0)  # 7 hours from a 07:00 call, no meal set
    wrap(planted, planted.ed, 12, 30)  # 5h30: no meal owed yet
    assert HappenedKind.MEAL_PENALTY in kinds_for(db, planted.ana)
    assert HappenedKind.MEAL_PENALTY not in kinds_for(db, planted.ed)
    [penalty] = [p for p in problems.find(db) if p.kind == HappenedKind.MEAL_PENALTY]
    assert (
        penalty.message == "Ana Archer worked more than 6h00 from call without a meal on 2026-12-01"
    )


def test_a_meal_in_time_clears_it_and_a_late_one_does_not(planted: Planted) -> None:
    db, day = planted.db, planted.day
    wrap(planted, planted.ana, 19)
    day = marks.set_meal(db, day.id, day.version, time(12, 0), 60, now=NOW)
    assert HappenedKind.MEAL_PENALTY not in kinds_for(db, planted.ana)
    line = next(x for x in reports.daily(db, ON).days[0].lines if x.name == "Ana Archer")
    assert (line.meal_out, line.meal_in, line.meal_out_source) == ("12:00", "13:00", "schedule")
    assert line.hours == "11h00"  # paid from the 07:00 call (not her 06:50 arrival), less the hour
    marks.set_meal(db, day.id, day.version, time(13, 30), 30, now=NOW)
    assert HappenedKind.MEAL_PENALTY in kinds_for(db, planted.ana)


def test_the_meal_rule_is_a_production_setting(planted: Planted) -> None:
    db = planted.db
    wrap(planted, planted.ana, 14, 0)
    settings = production.get(db)
    production.update(db, settings.version, {"meal_after_minutes": 8 * 60}, now=NOW)
    assert HappenedKind.MEAL_PENALTY not in kinds_for(db, planted.ana)
    with pytest.raises(InvalidInput):
        production.update(db, settings.version + 1, {"meal_after_minutes": 10}, now=NOW)


def test_an_overrun_that_breaks_tomorrows_rest_is_a_problem(planted: Planted) -> None:
    db = planted.db
    marks.set_meal(db, planted.day.id, planted.day.version, time(12), 60, now=NOW)
    wrap(planted, planted.ana, 22, 0)  # 9 hours before tomorrow's 07:00 call
    wrap(planted, planted.ed, 20, 30)  # 10h30: enough
    found = [p for p in problems.find(db) if p.kind == HappenedKind.SHORT_REST_AFTER_WRAP]
    assert [p.person_id for p in found] == [planted.ana.id]
    assert found[0].date == NEXT
    assert found[0].day_ids == (planted.day.id, planted.tomorrow.id)
    assert "wrapped at 22:00" in found[0].message and "9h00 rest" in found[0].message
    assert problems.find(db, on=NEXT)  # shown against the day whose sheet goes out next


# --- reports --------------------------------------------------------------------------------


def planted_day(planted: Planted) -> None:
    db, day = planted.db, planted.day
    marks.set_meal(db, day.id, day.version, time(12, 30), 30, now=NOW)
    marks.mark(db, day.id, planted.cy.id, MarkKind.ARRIVED, at=local(7, 20), reason="dead phone")
    marks.mark(db, day.id, planted.di.id, MarkKind.ABSENT, reason="no show", now=NOW)
    checkouts.check_out_person(
        db,
        planted.ana,
        checkouts.CheckoutRequest(code=planted.code, nonce="ana-out-2"),
        now=utc(19, 5),
    )
    checkouts.check_out_person(
        db,
        planted.bo,
        checkouts.CheckoutRequest(
            code=planted.code, nonce="bo-out-2", client_at=utc(19, 0), queued=True
        ),
        now=utc(19, 45),
    )
    marks.wrap_group(db, day.id, local(19, 15), now=NOW)


def test_daily_production_report_contents(planted: Planted) -> None:
    planted_day(planted)
    report = reports.daily(planted.db, ON)
    [day] = report.days
    assert day.location == "Harbour Mill"
    lines = {x.name: x for x in day.lines}
    ana, bo, cy, di, ed = (
        lines[n] for n in ("Ana Archer", "Bo Baker", "Cy Cole", "Di Dane", "Ed Eames")
    )
    assert (ana.arrived, ana.arrived_source, ana.wrap, ana.wrap_source, ana.hours) == (
        "06:50",
        "server",
        "19:05",
        "server",
        "11h35",
    )
    assert (bo.arrived, bo.arrived_source, bo.wrap, bo.wrap_source) == (
        "06:40",
        "phone",
        "19:00",
        "phone",
    )
    assert (cy.arrived, cy.arrived_source, cy.late_minutes, cy.wrap_source) == (
        "07:20",
        "coordinator",
        20,
        "coordinator",
    )
    assert "in by hand (dead phone)" in cy.flags
    assert (di.status, di.reason, di.arrived, di.hours, di.meal_out) == (
        "absent",
        "no show",
        "",
        "",
        "",
    )
    assert (ed.wrap, ed.hours) == ("19:15", "11h45")
    assert day.totals == {
        "called": 5,
        "arrived": 4,
        "late": 1,
        "wrapped": 4,
        "absent": 1,
        "sick": 0,
        "released": 0,
        "meal_penalties": 0,
        "phone_times": 1,
    }


def test_daily_report_csv_and_pdf_text(planted: Planted, tmp_path: Path) -> None:
    planted_day(planted)
    report = reports.daily(planted.db, ON)
    rows = list(csv.DictReader(io.StringIO(out.daily_csv(report))))
    assert [r["name"] for r in rows] == ["Ana Archer", "Bo Baker", "Cy Cole", "Di Dane", "Ed Eames"]
    assert rows[1]["arrived_source"] == "phone" and rows[1]["flags"] == "time from the phone"
    path = out.write(tmp_path / "dpr.pdf", pdf=out.daily_pdf(report, now=NOW))
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Daily production report" in text and "Tuesday 01 December 2026" in text
    assert "Harbour Mill" in text and "meal 12:30 for 30 min" in text
    assert "06:40 (phone)" in text and "07:20 (hand)" in text and "no show" in text
    assert "Called 5 · arrived 4 (late 1)" in text
    with pytest.raises(InvalidInput, match="already exists"):
        out.write(path, pdf=b"%PDF")


def test_timecards_for_the_week(planted: Planted) -> None:
    planted_day(planted)
    lines = reports.timecards(planted.db, ON + timedelta(days=3))  # any day of that week
    assert reports.week_of(ON) == (date(2026, 11, 30), date(2026, 12, 6))
    ana = [x for x in lines if x.name == "Ana Archer"]
    assert [x.date for x in ana] == ["2026-12-01", "2026-12-02"]
    first = ana[0]
    assert (first.call, first.arrived, first.meal_out, first.meal_in, first.wrap, first.hours) == (
        "07:00",
        "06:50",
        "12:30",
        "13:00",
        "19:05",
        "11h35",
    )
    assert (first.arrived_source, first.meal_out_source, first.wrap_source) == (
        "server",
        "schedule",
        "server",
    )
    assert ana[1].arrived == "" and ana[1].hours == ""  # tomorrow has not happened
    text = out.lines_csv(lines)
    header = next(csv.reader(io.StringIO(text)))
    for column in ("call", "arrived", "arrived_source", "meal_out", "meal_in", "wrap", "hours"):
        assert column in header


# --- day out of days ------------------------------------------------------------------------


def iso(day: int) -> str:
    return date(2026, 12, day).isoformat()


@pytest.mark.parametrize(
    ("kinds", "codes"),
    [
        ({1: "work"}, {1: "SWF"}),
        ({1: "work", 2: "work", 3: "work"}, {1: "SW", 2: "W", 3: "WF"}),
        ({1: "travel", 2: "work", 3: "hold", 4: "work"}, {1: "T", 2: "SW", 3: "H", 4: "WF"}),
        ({1: "work", 14: "work", 15: "work"}, {1: "SWD", 14: "PUW", 15: "WF"}),
        ({1: "work", 7: "hold", 14: "work"}, {1: "SW", 7: "H", 14: "WF"}),  # held, not dropped
        ({1: "hold", 2: "hold"}, {1: "H", 2: "H"}),
    ],
)
def test_dood_codes(kinds: dict[int, str], codes: dict[int, str]) -> None:
    found = reports.codes_for({iso(d): CallKind(k) for d, k in kinds.items()})
    assert found == {iso(d): c for d, c in codes.items()}


def test_dood_grid_from_the_schedule(fresh_db: sqlite_utils.Database, tmp_path: Path) -> None:
    db = fresh_db
    who = factories.person(db, "Gil Grey", department="Cast")
    days = {d: factories.day(db, date(2026, 12, d)) for d in (1, 2, 3, 4, 18)}
    for the_day in days.values():
        schedule.call_person(db, the_day.id, who.id, now=NOW)
    marks.set_call_kind(db, days[1].id, who.id, CallKind.TRAVEL, now=NOW)
    marks.set_call_kind(db, days[3].id, who.id, CallKind.HOLD, now=NOW)
    dood = reports.day_out_of_days(db)
    [row] = dood.rows
    assert [row.codes.get(on, "") for on in dood.dates] == ["T", "SW", "H", "WD", "PUWF"]
    assert (row.work, row.hold, row.travel, row.start, row.finish) == (
        3,
        1,
        1,
        "2026-12-02",
        "2026-12-18",
    )
    assert events_of(db, "call.kind_set")
    grid = list(csv.reader(io.StringIO(out.dood_csv(dood))))
    assert grid[0][:4] == ["name", "department", "role", "2026-12-01"]
    assert grid[1][:8] == ["Gil Grey", "Cast", "", "T", "SW", "H", "WD", "PUWF"]
    path = out.write(tmp_path / "dood.pdf", pdf=out.dood_pdf(dood, now=NOW))
    text = PdfReader(path).pages[0].extract_text()
    assert "Day out of days" in text and "Gil Grey" in text and "PUWF" in text
    assert "SW start work" in text


def test_sign_in_sheet_lists_the_days_calls(planted: Planted, tmp_path: Path) -> None:
    db = planted.db
    marks.set_call_kind(db, planted.day.id, planted.di.id, CallKind.HOLD, now=NOW)
    [sheet] = reports.signin_sheets(db, ON)
    assert sheet.location == "Harbour Mill"
    assert [x.name for x in sheet.lines] == ["Ana Archer", "Bo Baker", "Cy Cole", "Ed Eames"]
    path = out.write(tmp_path / "sheet.pdf", pdf=out.signin_sheets_pdf([sheet], now=NOW))
    text = PdfReader(path).pages[0].extract_text()
    assert "Sign-in sheet" in text and "Harbour Mill" in text and "Cy Cole" in text
    assert "Time in" in text and "Signature" in text and "Di Dane" not in text


# --- spreadsheets that cannot run formulas --------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 7700 900000", "'+44 7700 900000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Ana", "Ana"),
        (-5, -5),
        (3.5, 3.5),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(cell: object, written: object) -> None:
    assert neutralise(cell) == written


def test_a_code_sent_by_a_phone_reaches_the_export_as_text(planted: Planted) -> None:
    db = planted.db
    checkins.check_in_person(
        db,
        planted.ana,
        checkins.CheckinRequest(code="=1+cmd|'/c calc'!A0", nonce="evil-0001"),
        now=NOW,
    )
    rows = list(csv.DictReader(io.StringIO(render(db, "checkins", "csv"))))
    evil = next(r for r in rows if r["nonce"] == "evil-0001")
    assert evil["code"] == "'=1+cmd|'/c calc'!A0"
    bo = next(r for r in rows if r["nonce"] == "bo-in-001")
    assert bo["counted_at"].startswith("2026-12-01T06:40") and bo["counted_from"] == "phone"
    ana = next(r for r in rows if r["nonce"] == "ana-in-1")
    assert ana["counted_from"] == "server"
    assert to_csv(["=x"], [{"=x": "@y"}]) == "'=x\r\n'@y\r\n"


def test_a_neutralised_export_imports_back_as_it_was(fresh_db: sqlite_utils.Database) -> None:
    from schema.outputs.spreadsheets import import_people

    factories.person(fresh_db, "Pat Plus", phone="+44 7700 900123")
    exported = render(fresh_db, "people", "csv")
    assert "'+44 7700 900123" in exported
    other = fresh_db  # the same file: a second person from the sheet, renamed
    import_people(other, exported.replace("Pat Plus", "Pat Again").replace("pat", "x"), now=NOW)
    again = next(p for p in directory.list_people(other) if p.name == "Pat Again")
    assert again.phone == "+44 7700 900123"


def test_check_outs_export_with_their_nonce_and_the_time_that_counts(planted: Planted) -> None:
    planted_day(planted)
    rows = list(csv.DictReader(io.StringIO(render(planted.db, "checkouts", "csv"))))
    assert [(r["name"], r["nonce"], r["counted_from"]) for r in rows] == [
        ("Ana Archer", "ana-out-2", "server"),
        ("Bo Baker", "bo-out-2", "phone"),
    ]
    assert rows[1]["counted_at"].startswith("2026-12-01T19:00")
