"""The delivery commands: SMTP settings, invite --send, send, deliveries, remind, told."""

from __future__ import annotations

import json

import pytest

from schema import delivery
from tests.cli.conftest import Prod, Run
from tests.delivery.smtp import SmtpServer

SECRET = "s3cret-not-for-files"


@pytest.fixture
def smtp() -> SmtpServer:
    server = SmtpServer().start()
    yield server  # type: ignore[misc]
    server.stop()


def configure(run: Run, prod: Prod, port: int) -> str:
    result = run(
        "--db",
        prod.path,
        "settings",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(port),
        "--smtp-from",
        "Test Picture <office@picture.test>",
        "--smtp-tls",
        "none",
    )
    assert result.code == 0, result.err
    return result.out


def test_settings_store_the_server_but_never_a_password(
    run: Run, prod: Prod, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLBOARD_SMTP_PASSWORD", SECRET)
    out = configure(run, prod, smtp.port)
    assert f"email server:   127.0.0.1:{smtp.port} (none)" in out
    assert "from $CALLBOARD_SMTP_PASSWORD (set here)" in out
    assert SECRET not in out
    assert not any(
        SECRET.encode() in f.read_bytes() for f in prod.path.parent.glob(f"{prod.path.name}*")
    )
    bad = run("--db", prod.path, "settings", "--smtp-from", "not an address")
    assert bad.code == 1 and "not an email address" in bad.err


def test_invite_all_send_then_send_and_deliveries(run: Run, prod: Prod, smtp: SmtpServer) -> None:
    configure(run, prod, smtp.port)
    invited = run("--db", prod.path, "invite", "--all", "--send")
    assert invited.code == 0, invited.err
    assert "Ben Boom (no email)" in invited.out and "/p/" in invited.out
    assert "2 links queued to email" in invited.out
    assert "/p/" not in invited.out.split("Ben Boom")[0]  # emailed links are not printed
    sent = run("--db", prod.path, "send")
    # Two links, plus Vera's contract that waits for her signature.
    assert sent.code == 0 and "Sent 3, failed 0." in sent.out
    assert sorted(str(m["To"].addresses[0].addr_spec) for m in smtp.inbox.messages) == [
        "ada@example.org",
        "vera@sparks.example",
        "vera@sparks.example",
    ]
    listed = json.loads(run("--db", prod.path, "deliveries", "--json").out)
    assert {(m["name"], m["kind"], m["state"]) for m in listed} == {
        ("Ada Grip", "invite", "sent"),
        ("Vera Volt", "invite", "sent"),
        ("Vera Volt", "contract", "sent"),
    }
    text = run("--db", prod.path, "deliveries", "--unconfirmed").out
    assert "Vera Volt" in text and "email sent" in text


def test_a_down_server_is_reported_and_the_messages_wait(
    run: Run, prod: Prod, smtp: SmtpServer
) -> None:
    configure(run, prod, smtp.port)
    smtp.stop()
    run("--db", prod.path, "invite", "--person", str(prod.ada), "--send")
    result = run("--db", prod.path, "send")
    assert result.code == 0
    assert "could not reach the SMTP server" in result.out and "next try at" in result.out
    assert "still to go" in result.out


def test_remind_and_told(run: Run, prod: Prod, smtp: SmtpServer) -> None:
    configure(run, prod, smtp.port)
    run("--db", prod.path, "send")  # Vera's contract goes out
    reminded = run("--db", prod.path, "remind")
    assert reminded.code == 0 and "1 reminder queued" in reminded.out
    db = prod.db()
    contract = next(line for line in delivery.lines(db) if line.kind == "contract")
    told = run("--db", prod.path, "told", str(contract.message_id))
    assert told.code == 0
    assert delivery.lines(db, person_id=prod.vera)[-1].state == "told"
    db.conn.close()
