"""Personal links, device sessions and calendar feeds: hashed, single-use, revocable."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlite_utils

from schema import links
from schema.links import LinkRefused
from schema.tokens import hash_token
from tests.conftest import NOW
from tests.schema import factories


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_link_is_stored_hashed_and_long(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    issued = links.issue_link(fresh_db, who.id, now=NOW)
    token = _token(issued.url)
    assert issued.url.startswith("https://callboard.test/p/")
    assert len(token) >= 27  # 160 bits in URL-safe base64
    dump = "\n".join(fresh_db.conn.iterdump())
    assert token not in dump
    assert hash_token(token) in dump


def test_link_starts_one_session_only(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    token = _token(links.issue_link(fresh_db, who.id, now=NOW).url)
    person, session = links.exchange_link(
        fresh_db, token, user_agent="Phone", ip="198.51.100.4", now=NOW
    )
    assert person.id == who.id
    assert links.session_person(fresh_db, session, now=NOW) == who
    with pytest.raises(LinkRefused) as error:
        links.exchange_link(fresh_db, token, now=NOW)
    assert error.value.code == "link_used"


def test_reissue_kills_the_old_link(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    old = _token(links.issue_link(fresh_db, who.id, now=NOW).url)
    new = _token(links.issue_link(fresh_db, who.id, now=NOW).url)
    with pytest.raises(LinkRefused) as error:
        links.exchange_link(fresh_db, old, now=NOW)
    assert error.value.code == "link_revoked"
    assert links.exchange_link(fresh_db, new, now=NOW)[0].id == who.id


@pytest.mark.parametrize("token", ["", "short", "a" * 300, "../../etc/passwd", "x" * 27])
def test_unknown_or_malformed_links(fresh_db: sqlite_utils.Database, token: str) -> None:
    with pytest.raises(LinkRefused) as error:
        links.exchange_link(fresh_db, token, now=NOW)
    assert error.value.code == "link_unknown"


def test_sessions_are_listed_and_revocable(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    phone = factories.session(fresh_db, who)
    tablet = factories.session(fresh_db, who)
    listed = links.sessions_for(fresh_db, who.id)
    assert len(listed) == 2
    links.revoke_session(fresh_db, listed[-1].id, now=NOW)  # the oldest: the phone
    assert links.session_person(fresh_db, phone, now=NOW) is None
    assert links.session_ended(fresh_db, phone, now=NOW) == "session_revoked"
    assert links.session_person(fresh_db, tablet, now=NOW) == who


def test_revoke_all(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    session = factories.session(fresh_db, who)
    feed = _token(links.issue_calendar_feed(fresh_db, who.id, now=NOW).url).removesuffix(".ics")
    pending = _token(links.issue_link(fresh_db, who.id, now=NOW).url)
    assert links.revoke_all(fresh_db, who.id, now=NOW) == 3
    assert links.session_person(fresh_db, session, now=NOW) is None
    assert links.calendar_person(fresh_db, feed) is None
    with pytest.raises(LinkRefused):
        links.exchange_link(fresh_db, pending, now=NOW)


def test_calendar_feed_reissue(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    first = links.issue_calendar_feed(fresh_db, who.id, now=NOW).url
    second = links.issue_calendar_feed(fresh_db, who.id, now=NOW).url
    assert first.endswith(".ics") and first != second
    assert links.calendar_person(fresh_db, _token(first).removesuffix(".ics")) is None
    assert links.calendar_person(fresh_db, _token(second).removesuffix(".ics")) == who


def test_a_new_link_ends_the_phones_previous_session(fresh_db: sqlite_utils.Database) -> None:
    ana, ben = factories.person(fresh_db, "Ana"), factories.person(fresh_db, "Ben")
    anas = factories.session(fresh_db, ana)
    token = _token(links.issue_link(fresh_db, ben.id, now=NOW).url)
    person, _ = links.exchange_link(fresh_db, token, previous_session=anas, now=NOW)
    assert person.id == ben.id
    assert links.session_person(fresh_db, anas, now=NOW) is None
    assert links.session_ended(fresh_db, anas, now=NOW) == "session_revoked"


def test_an_unopened_link_expires(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    late = _token(links.issue_link(fresh_db, who.id, now=NOW).url)
    with pytest.raises(LinkRefused) as error:
        links.exchange_link(fresh_db, late, now=NOW + links.LINK_LIFETIME + timedelta(minutes=1))
    assert error.value.code == "link_expired"
    in_time = _token(links.issue_link(fresh_db, who.id, now=NOW).url)
    person, _ = links.exchange_link(fresh_db, in_time, now=NOW + links.LINK_LIFETIME)
    assert person.id == who.id


def test_a_phone_unused_too_long_is_signed_out(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    kept, dropped = factories.session(fresh_db, who), factories.session(fresh_db, who)
    halfway = NOW + links.SESSION_IDLE_LIMIT / 2
    assert links.session_person(fresh_db, kept, now=halfway) == who  # use refreshes last seen
    later = NOW + links.SESSION_IDLE_LIMIT + timedelta(days=1)
    assert links.session_person(fresh_db, kept, now=later) == who
    assert links.session_ended(fresh_db, kept, now=later) is None
    assert links.session_person(fresh_db, dropped, now=later) is None
    assert links.session_ended(fresh_db, dropped, now=later) == "session_expired"
    assert links.session_ended(fresh_db, "x" * 32, now=later) is None  # never a session


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
            " (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            "Mobile Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
            " Chrome/120.0 Mobile Safari/537.36",
            "Chrome on Pixel 8",
        ),
        ("curl/8.5.0", "curl"),
        ("something odd", "something odd"),
        ("", "unknown"),
    ],
)
def test_device_names_for_the_coordinator(agent: str, name: str) -> None:
    assert links.device_name(agent) == name
