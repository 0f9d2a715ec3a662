"""The Deliveries view: who has not confirmed, told in person, reminders; the People view's
emailed link."""

from __future__ import annotations

import sqlite_utils
from textual.widgets import DataTable, Static

from schema import delivery, notices
from schema.store.connection import write
from schema.types import NoticeKind
from tests.tui.conftest import NOW, make_app, settle
from tui.dialogs.confirm import ConfirmDialog
from tui.screens.deliveries import DeliveriesScreen


def notice_to(db: sqlite_utils.Database, count: int) -> list[int]:
    """A change notice to the first `count` people with email, queued to each of them."""
    people = [
        r[0]
        for r in db.execute("SELECT id FROM people WHERE email != '' ORDER BY id LIMIT ?", [count])
    ]
    with write(db):
        notice = notices.create(
            db,
            day_id=None,
            kind=NoticeKind.CALL_CHANGED,
            summary="Your call on Tue 1 Dec is now 05:30",
            person_ids=people,
            actor="coordinator",
            now=NOW,
        )
    for person in people:
        delivery.enqueue(
            db,
            person_id=person,
            kind="notice",
            key=f"notice:{notice}:person:{person}",
            subject="Call moved",
            text="Your call is now 05:30",
            html="<p>Your call is now 05:30</p>",
            link="https://callboard.test/",
            ref=f"notice:{notice}",
            now=NOW,
        )
    return people


def rows(app: object) -> list[list[str]]:
    table = app.screen.query_one("#deliveries", DataTable)  # type: ignore[attr-defined]
    return [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


async def test_told_in_person_leaves_the_unconfirmed_list(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    people = notice_to(db, 3)
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        assert isinstance(app.screen, DeliveriesScreen)
        shown = rows(app)
        assert len(shown) == 3 and all(r[2] == "queued" for r in shown)
        await pilot.press("t")
        await settle(pilot)
        assert len(rows(app)) == 2
        told = [line for line in delivery.lines(db) if line.state == "told"]
        assert len(told) == 1 and told[0].person_id in people
        await pilot.press("f")  # every message: the told one is back, marked
        await settle(pilot)
        assert sorted(r[2] for r in rows(app)) == ["queued", "queued", "told in person"]


async def test_remind_all_asks_then_queues_one_reminder_each(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    notice_to(db, 2)
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        kinds = sorted(line.kind for line in delivery.lines(db))
        assert kinds == ["notice", "notice", "reminder", "reminder"]


async def test_email_a_link_from_the_people_view(demo_path: str, db: sqlite_utils.Database) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        [line] = delivery.lines(db)
        assert line.kind == "invite" and line.state == "queued"


async def test_emails_waiting_for_an_smtp_server_are_said_so(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    notice_to(db, 2)
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        title = str(app.screen.query_one("#deliveries-title", Static).render())
        assert "2 emails wait for an SMTP server" in title
