"""Email through a real SMTP server on loopback: arrival, links that work, refusals, a server
that is down, the password kept out of the file and the logs, headers that cannot be forged."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from schema import delivery, directory, links, production, reach, sending
from schema.directory import PersonIn
from schema.store.connection import connect
from tests.conftest import NOW
from tests.delivery.conftest import use_smtp
from tests.delivery.smtp import SmtpServer


class Clock:
    def __init__(self) -> None:
        self.at = NOW

    def __call__(self) -> datetime:
        return self.at


def crew(db: sqlite_utils.Database, *names: str) -> list[int]:
    return [
        directory.add_person(
            db, PersonIn(name=name, email=f"{name.split()[0].lower()}@crew.test"), now=NOW
        ).id
        for name in names
    ]


def send(db: sqlite_utils.Database, clock: Clock) -> sending.Pass:
    return sending.run_once(db, owner="test", now=clock)


def test_invites_arrive_with_links_that_open_the_app(
    fresh_db: sqlite_utils.Database, smtp: SmtpServer
) -> None:
    use_smtp(fresh_db, smtp)
    ids = crew(fresh_db, "Ana Silva", "Ben Okafor")
    reach.send_invites(fresh_db, ids, now=NOW)
    done = send(fresh_db, Clock())
    assert done.sent == 2 and not done.failed
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.inbox.messages) == [
        "ana@crew.test",
        "ben@crew.test",
    ]
    mail = next(m for m in smtp.inbox.messages if "ana@" in str(m["To"]))
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    url = re.search(r"https://callboard\.test/p/\S+", text).group(0)
    assert f'href="{url}"' in html
    person, session = links.exchange_link(fresh_db, url.rsplit("/", 1)[1], now=NOW)
    assert person.name == "Ana Silva" and session
    assert mail["Message-ID"].endswith("@picture.test>")
    # The link is a bearer secret: once sent, the file no longer holds it.
    stored = fresh_db.execute("SELECT text, html, link FROM outbox_messages").fetchall()
    assert all(url not in " ".join(row) for row in stored)
    assert {line.state for line in delivery.lines(fresh_db)} == {"sent"}


def test_a_refusal_is_failed_with_the_reason_then_sent_once_after_recovery(
    fresh_db: sqlite_utils.Database, smtp: SmtpServer
) -> None:
    use_smtp(fresh_db, smtp)
    reach.send_invites(fresh_db, crew(fresh_db, "Ana Silva"), now=NOW)
    clock = Clock()
    smtp.inbox.refuse = "451 4.3.0 mailbox busy, try later"
    done = send(fresh_db, clock)
    assert done.sent == 0 and len(done.failed) == 1
    [line] = delivery.lines(fresh_db)
    assert line.state == "failed"
    [state] = line.channels
    assert "451" in state.reason and "mailbox busy" in state.reason
    assert state.next_attempt_at == NOW + timedelta(seconds=30)
    # Not due yet: a pass now sends nothing and keeps the failure.
    assert send(fresh_db, clock).outcomes == []
    smtp.inbox.refuse = None
    clock.at = NOW + timedelta(seconds=31)
    assert send(fresh_db, clock).sent == 1
    assert send(fresh_db, clock).outcomes == []
    assert len(smtp.inbox.messages) == 1
    assert delivery.lines(fresh_db)[0].channels[0].state == "sent"


def test_a_mailbox_that_does_not_exist_is_not_retried(
    fresh_db: sqlite_utils.Database, smtp: SmtpServer
) -> None:
    use_smtp(fresh_db, smtp)
    reach.send_invites(fresh_db, crew(fresh_db, "Ana Silva"), now=NOW)
    smtp.inbox.refuse = "550 5.1.1 no such user"
    [failed] = send(fresh_db, Clock()).failed
    assert failed.retry_at is None and "550" in failed.reason
    [state] = delivery.lines(fresh_db)[0].channels
    assert state.state == "failed" and state.next_attempt_at is None


def test_a_server_that_is_down_is_retried_with_backoff_and_nothing_is_lost(
    fresh_db: sqlite_utils.Database, smtp: SmtpServer
) -> None:
    use_smtp(fresh_db, smtp)
    reach.send_invites(fresh_db, crew(fresh_db, "Ana Silva", "Ben Okafor"), now=NOW)
    smtp.stop()
    clock = Clock()
    done = send(fresh_db, clock)
    assert len(done.failed) == 2
    assert all("could not reach the SMTP server" in o.reason for o in done.failed)
    clock.at = NOW + timedelta(seconds=31)
    second = send(fresh_db, clock)
    assert len(second.failed) == 2
    # The second failure waits twice as long.
    assert {o.retry_at for o in second.failed} == {clock.at + timedelta(minutes=1)}
    smtp.start()
    clock.at += timedelta(minutes=2)
    assert send(fresh_db, clock).sent == 2
    assert len(smtp.inbox.messages) == 2
    kinds = [r[0] for r in fresh_db.execute("SELECT kind FROM events ORDER BY id").fetchall()]
    assert kinds.count("delivery.failed") == 4 and kinds.count("delivery.sent") == 2


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_the_password_comes_from_the_environment_and_is_never_stored_or_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "hunter2-correct-horse-battery"
    server = SmtpServer(user="office", password=secret).start()
    path = tmp_path / "prod.db"
    db = connect(path)
    production.create(db, "Test Picture", base_url="https://callboard.test", now=NOW)
    use_smtp(db, server, smtp_user="office")
    reach.send_invites(db, crew(db, "Ana Silva"), now=NOW)
    caplog.set_level(logging.DEBUG)
    try:
        # Without the password the channel says why and sends nothing.
        done = sending.run_once(db, owner="test", now=Clock(), environ={})
        assert "CALLBOARD_SMTP_PASSWORD" in done.unready["email"] and done.outcomes == []
        wrong = {"CALLBOARD_SMTP_PASSWORD": "not-it"}
        [failed] = sending.run_once(db, owner="test", now=Clock(), environ=wrong).failed
        assert "refused the login" in failed.reason and "not-it" not in failed.reason
        later = Clock()
        later.at = NOW + timedelta(minutes=5)
        good = {"CALLBOARD_SMTP_PASSWORD": secret}
        assert sending.run_once(db, owner="test", now=later, environ=good).sent == 1
        assert server.logins == ["office"]
    finally:
        server.stop()
    db.conn.close()
    for stored in path.parent.glob("prod.db*"):
        assert secret.encode() not in stored.read_bytes()
        assert b"not-it" not in stored.read_bytes()
    assert secret not in caplog.text


def test_a_name_with_cr_lf_cannot_add_a_header(
    fresh_db: sqlite_utils.Database, smtp: SmtpServer
) -> None:
    use_smtp(fresh_db, smtp)
    [ana] = crew(fresh_db, "Ana Silva")
    evil = "Ana\r\nBcc: thief@evil.test\r\nX-Injected: yes"
    # Written straight into the row: whatever path a name comes in by, the header is safe.
    fresh_db.execute("UPDATE people SET name = ? WHERE id = ?", [evil, ana])
    delivery.enqueue(
        fresh_db,
        person_id=ana,
        kind="notice",
        key="notice:1:person:1",
        subject="Call moved\r\nBcc: thief@evil.test",
        text="Hello <b>",
        html="<p>Hello &lt;b&gt;</p>",
        link="https://callboard.test/",
        now=NOW,
    )
    assert send(fresh_db, Clock()).sent == 1
    [raw] = smtp.inbox.raw
    [mail] = smtp.inbox.messages
    header_names = {name.lower() for name, _ in mail.items()}
    assert "bcc" not in header_names and "x-injected" not in header_names
    assert b"\nBcc:" not in raw and b"\nX-Injected" not in raw
    assert mail["To"].addresses[0].addr_spec == "ana@crew.test"
    assert "Bcc: thief@evil.test" in str(mail["Subject"])  # folded into the subject's text


def test_names_and_notes_are_escaped_in_the_html(
    fresh_db: sqlite_utils.Database, smtp: SmtpServer
) -> None:
    use_smtp(fresh_db, smtp)
    [ana] = crew(fresh_db, "Ana Silva")
    fresh_db.execute("UPDATE people SET name = '<script>x</script>' WHERE id = ?", [ana])
    reach.send_invites(fresh_db, [ana], now=NOW)
    send(fresh_db, Clock())
    html = smtp.inbox.messages[0].get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_a_call_sheet_arrives_with_its_pdf_and_is_sent_once_per_version(
    fresh_db: sqlite_utils.Database, smtp: SmtpServer
) -> None:
    use_smtp(fresh_db, smtp)
    [ana] = crew(fresh_db, "Ana Silva")
    pdf = b"%PDF-1.4\n% call sheet\n%%EOF\n"
    for _ in range(2):  # publishing the same version twice queues it once
        reach.send_callsheet(
            fresh_db,
            person_id=ana,
            sheet_key="7:v1",
            title="Main unit, Tue 1 Dec",
            lines=["Your call: 06:30 at Harbour Mill."],
            pdf=pdf,
            filename="callsheet-2026-12-01.pdf",
            ref="notice:9",
            now=NOW,
        )
    assert send(fresh_db, Clock()).sent == 1
    [mail] = smtp.inbox.messages
    text = mail.get_body(("plain",)).get_content()
    assert "Your call: 06:30 at Harbour Mill." in text and "https://callboard.test/" in text
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "callsheet-2026-12-01.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == pdf
    delivery.confirm(fresh_db, ana, "notice:9", at=NOW, actor=f"person:{ana}", now=NOW)
    assert delivery.lines(fresh_db)[0].state == "confirmed"
