"""The board's marks as forms: a time (now, or from a paper sheet) and a reason where one is due.

Each form saves through schema.marks, which records the mark and its event in one transaction;
a bad time or a missing reason shows under its field and nothing is written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlite_utils

from schema import marks, schedule, validate
from schema.errors import InvalidInput
from schema.types import Day, MarkKind
from tui.context import Desk
from tui.dialogs.form import Field, FormDialog, Values
from tui.dialogs.parse import optional_time, whole_number

TITLES = {
    MarkKind.ARRIVED: "Arrived by hand",
    MarkKind.ABSENT: "Absent",
    MarkKind.SICK: "Off sick",
    MarkKind.RELEASED: "Released early",
    MarkKind.WRAP: "Wrap",
    MarkKind.MEAL_OUT: "Out to a meal",
    MarkKind.MEAL_IN: "Back from a meal",
}
DONE = {
    MarkKind.ARRIVED: "marked arrived",
    MarkKind.ABSENT: "marked absent",
    MarkKind.SICK: "marked sick",
    MarkKind.RELEASED: "released",
    MarkKind.WRAP: "wrapped",
    MarkKind.MEAL_OUT: "is out to a meal",
    MarkKind.MEAL_IN: "is back from a meal",
}


def mark_form(
    desk: Desk, day_id: int, person_id: int, name: str, kind: MarkKind, at: str = ""
) -> FormDialog:
    """One person's mark; timed marks start at the time now (or the time being corrected)."""
    fields: list[Field] = []
    if kind in marks.TIMED:
        fields.append(Field("at", "Time", at or f"{desk.local_now():%H:%M}", "HH:MM"))
    why = "required" if kind in marks.REASONED else "optional"
    fields.append(Field("reason", "Reason", "", why))

    def save(db: sqlite_utils.Database, values: Values) -> Any:
        when = _moment(db, day_id, values.get("at", "")) if kind in marks.TIMED else None
        return marks.mark(
            db,
            day_id,
            person_id,
            kind,
            at=when,
            reason=values["reason"],
            now=desk.now(),
            actor=desk.actor,
        )

    return FormDialog(
        desk, f"{TITLES[kind]}: {name}", fields, save, lambda _: f"{name} {DONE[kind]}"
    )


def wrap_group_form(desk: Desk, day_id: int, department: str | None, what: str) -> FormDialog:
    """Wrap a department or the whole unit at one time."""
    fields = [Field("at", "Wrap time", f"{desk.local_now():%H:%M}", "HH:MM")]

    def save(db: sqlite_utils.Database, values: Values) -> Any:
        when = _moment(db, day_id, values["at"])
        return marks.wrap_group(
            db, day_id, when, department=department, now=desk.now(), actor=desk.actor
        )

    def done(who: list[int]) -> str:
        return f"Wrapped {len(who)} in {what}" if who else f"Nobody left to wrap in {what}"

    return FormDialog(desk, f"Wrap {what}", fields, save, done)


def meal_form(desk: Desk, day: Day, label: str) -> FormDialog:
    """The unit's meal break on a day (blank time: none)."""
    fields = [
        Field("meal_at", "Meal at", f"{day.meal_at:%H:%M}" if day.meal_at else "", "HH:MM"),
        Field("meal_minutes", "Minutes", str(day.meal_minutes or 30)),
    ]

    def save(db: sqlite_utils.Database, values: Values) -> Any:
        meal = optional_time(values["meal_at"], "meal_at")
        minutes = whole_number(values["meal_minutes"], "meal_minutes") if meal else 0
        return marks.set_meal(
            db, day.id, day.version, meal, minutes, now=desk.now(), actor=desk.actor
        )

    return FormDialog(desk, f"Meal break: {label}", fields, save, lambda _: "Meal break saved")


def _moment(db: sqlite_utils.Database, day_id: int, typed: str) -> datetime:
    if not typed.strip():
        raise InvalidInput("at is required", field="at")
    return marks.at_on(schedule.get_day(db, day_id), validate.parse_time(typed, "at"))
