"""A sender killed with SIGKILL in the middle of a batch, then started again: nothing is lost.
A message the server accepted just before the kill may go twice, and then with the same
Message-ID (so a mail client shows it once)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from schema import delivery, directory, production
from schema.directory import PersonIn
from schema.store.connection import connect
from tests.conftest import NOW
from tests.delivery.conftest import use_smtp
from tests.delivery.smtp import SmtpServer
from tests.live_server import ROOT

MESSAGES = 40


def build(path: Path, smtp: SmtpServer) -> None:
    db = connect(path)
    production.create(db, "Test Picture", base_url="https://callboard.test", now=NOW)
    use_smtp(db, smtp)
    for n in range(MESSAGES):
        person = directory.add_person(
            db, PersonIn(name=f"Crew {n}", email=f"crew{n}@crew.test"), now=NOW
        )
        delivery.enqueue(
            db,
            person_id=person.id,
            kind="notice",
            key=f"test:{n}",
            subject=f"Message {n}",
            text=f"Body {n}",
            html=f"<p>Body {n}</p>",
            link="https://callboard.test/",
            now=NOW,
        )
    db.conn.close()


def sender(path: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOARD_")}
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "--db", str(path), "send", "--wait", "--lease", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_a_sender_killed_mid_batch_loses_nothing(tmp_path: Path, smtp: SmtpServer) -> None:
    path = tmp_path / "prod.db"
    build(path, smtp)
    smtp.inbox.delay = 0.02
    smtp.inbox.stall_at = MESSAGES // 3
    first = sender(path)
    assert smtp.inbox.stalled.wait(60), "the first sender never got that far"
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    got_before_restart = len(smtp.inbox.messages)
    assert 0 < got_before_restart < MESSAGES, "the kill must land mid-batch"

    second = sender(path)
    output, _ = second.communicate(timeout=120)
    assert second.returncode == 0, output.decode()

    subjects = Counter(str(m["Subject"]) for m in smtp.inbox.messages)
    assert set(subjects) == {f"Message {n}" for n in range(MESSAGES)}  # nothing lost
    twice = [s for s, count in subjects.items() if count > 1]
    # The one the server had accepted when the sender died went again; no more than the
    # killed sender's claimed batch can have.
    assert f"Message {MESSAGES // 3 - 1}" in twice
    assert len(twice) <= 5
    for subject in twice:
        ids = {m["Message-ID"] for m in smtp.inbox.messages if str(m["Subject"]) == subject}
        assert len(ids) == 1, f"{subject} went twice with different Message-IDs"
    db = connect(path)
    states = db.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall()
    assert states == [("sent", MESSAGES)]
    db.conn.close()


def test_two_senders_on_one_file_send_each_message_once(tmp_path: Path, smtp: SmtpServer) -> None:
    path = tmp_path / "prod.db"
    build(path, smtp)
    smtp.inbox.delay = 0.01
    senders = [sender(path), sender(path)]
    outputs = [s.communicate(timeout=120)[0].decode() for s in senders]
    assert [s.returncode for s in senders] == [0, 0], outputs
    subjects = Counter(str(m["Subject"]) for m in smtp.inbox.messages)
    assert subjects == Counter({f"Message {n}": 1 for n in range(MESSAGES)})
    # What each process reports sending adds up: no send went unrecorded or twice.
    sent = [
        int(line.split()[1].rstrip(","))
        for out in outputs
        for line in out.splitlines()
        if line.startswith("Sent ")
    ]
    assert sum(sent) == MESSAGES
