"""A published call sheet reaches each affected person once, as one email with the PDF, and
their acknowledgement on the phone marks it confirmed (the publish hook between #9 and #10)."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

import sqlite_utils
from pypdf import PdfReader

from schema import callsheets, delivery, notices, reach, schedule, sending
from tests.conftest import NOW
from tests.delivery.conftest import use_smtp
from tests.delivery.smtp import SmtpServer
from tests.schema import factories

THU = date(2026, 12, 3)


def test_publishing_mails_the_sheet_with_its_pdf_to_exactly_the_affected(
    fresh_db: sqlite_utils.Database, smtp: SmtpServer
) -> None:
    use_smtp(fresh_db, smtp)
    reach.start_from_now(fresh_db)
    mill = factories.location(fresh_db, "Harbour Mill", address="1 Mill Lane")
    shoot = factories.day(fresh_db, THU, call=time(6, 0), location_id=mill.id)
    gus = factories.person(fresh_db, "Gus Hale", department="Electric", email="gus@crew.test")
    dee = factories.person(fresh_db, "Dee Park", department="Camera", email="dee@crew.test")
    schedule.call_person(fresh_db, shoot.id, gus.id, call=time(5, 0), now=NOW)
    schedule.call_person(fresh_db, shoot.id, dee.id, now=NOW)
    callsheets.publish(fresh_db, THU, now=NOW)

    assert sending.run_once(fresh_db, owner="test", now=lambda: NOW).sent == 2
    mails = {m["To"]: m for m in smtp.inbox.messages}
    assert set(mails) == {"Gus Hale <gus@crew.test>", "Dee Park <dee@crew.test>"}
    gus_mail = mails["Gus Hale <gus@crew.test>"]
    text = gus_mail.get_body(("plain",)).get_content()
    assert "You are called on Thu 3 Dec at 05:00" in text
    assert "/sheet/2026-12-03/Main" in text
    [pdf] = list(gus_mail.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content().startswith(b"%PDF")

    # Version 2 moves only Gus: only Gus hears, in his own terms; no separate notice email.
    call = schedule.call_of(fresh_db, shoot.id, gus.id)
    assert call is not None
    later = NOW + timedelta(hours=1)
    schedule.update_call(fresh_db, call.id, call.version, call=time(4, 0), now=later)
    callsheets.publish(fresh_db, THU, now=later)
    assert sending.run_once(fresh_db, owner="test", now=lambda: later).sent == 1
    latest = smtp.inbox.messages[-1]
    assert latest["To"] == "Gus Hale <gus@crew.test>"
    assert "is now 04:00 (was 05:00)" in latest.get_body(("plain",)).get_content()
    assert len(smtp.inbox.messages) == 3

    # Gus acknowledges on his phone: that sheet's message turns confirmed.
    [mine] = [n for n, _ in notices.for_person(fresh_db, gus.id) if "04:00" in n.summary]
    notices.acknowledge(fresh_db, gus.id, mine.id, now=later)
    reach.sweep(fresh_db, now=later)
    states = {
        (line.person_id, line.kind, line.state)
        for line in delivery.lines(fresh_db)
        if line.kind == "callsheet"
    }
    assert (gus.id, "callsheet", "confirmed") in states
    assert (dee.id, "callsheet", "sent") in states


def test_crew_are_sent_a_sheet_without_the_cast_names_the_production_hides(
    fresh_db: sqlite_utils.Database, smtp: SmtpServer
) -> None:
    use_smtp(fresh_db, smtp)
    reach.start_from_now(fresh_db)
    version = callsheets.settings(fresh_db).version
    callsheets.update_settings(fresh_db, version, hide_cast_names=True, now=NOW)
    shoot = factories.day(fresh_db, THU, call=time(6, 0))
    star = factories.person(
        fresh_db, "Vera Famous", kind="cast", role="Detective", email="vera@cast.test"
    )
    grip = factories.person(fresh_db, "Gus Hale", department="Grip", email="gus@crew.test")
    for person in (star, grip):
        schedule.call_person(fresh_db, shoot.id, person.id, now=NOW)
    callsheets.publish(fresh_db, THU, now=NOW)
    assert sending.run_once(fresh_db, owner="test", now=lambda: NOW).sent == 2

    def attached_text(to: str) -> str:
        [mail] = [m for m in smtp.inbox.messages if m["To"] == to]
        [pdf] = list(mail.iter_attachments())
        reader = PdfReader(io.BytesIO(pdf.get_content()))
        return " ".join(page.extract_text() or "" for page in reader.pages)

    crew_copy = attached_text("Gus Hale <gus@crew.test>")
    assert "Vera Famous" not in crew_copy
    assert "Cast member" in crew_copy and "Detective" in crew_copy and "Gus Hale" in crew_copy
    assert "Vera Famous" in attached_text("Vera Famous <vera@cast.test>")
