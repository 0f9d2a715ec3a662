"""Crew and cast on a phone: onboarding, home, check-in with every sentence, offline outbox."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import BrowserContext, Page, Route, expect

from schema import links, locations
from schema.clock import utcnow
from schema.locations import LocationIn
from tests.browser.conftest import STAGE, Production, screenshot, signed_in

pytestmark = pytest.mark.browser

LATE_CALL = time(0, 1)  # called at one minute past midnight: anyone checking in now is late
LATER_CALL = time(23, 58)  # called just before midnight: checking in now is on time


def wait_for_service_worker(page: Page) -> None:
    """Poll with evaluate: wait_for_function needs eval, which the app's CSP rightly forbids."""
    for _ in range(100):
        if page.evaluate("() => navigator.serviceWorker.controller !== null"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the service worker never took control of the page")


def checkins_of(prod: Production, person_id: int) -> int:
    return prod.count("SELECT count(*) FROM checkins WHERE person_id = ?", [person_id])


def test_onboard_from_personal_link(phone: BrowserContext, prod: Production) -> None:
    person_id, url = prod.crew("Ana Ruiz", call=LATER_CALL, role="1st AC")
    for name, dept, role in [
        ("Sam Okafor", "Camera", "DP"),
        ("Lena Park", "Sound", "Mixer"),
        ("Tom Reyes", "Grip", "Key grip"),
    ]:
        prod.crew(name, call=time(6, 30), department=dept, role=role)
    prod.notice(person_id, "Main unit, today: call moved to 23:58 (was 07:00)")
    page = phone.new_page()
    page.goto(url)
    expect(page.get_by_role("heading", name="My next calls")).to_be_visible()
    assert page.url == f"{prod.base}/", "the token must leave the address bar"
    expect(page.get_by_text("Stage 4, Riverside Studios").first).to_be_visible()
    expect(page.get_by_role("button", name="Acknowledge")).to_be_visible()
    expect(page.get_by_role("heading", name="Today's call sheet")).to_be_visible()
    expect(page.locator(".crew li")).to_have_count(4)
    assert prod.count("SELECT count(*) FROM device_sessions WHERE person_id = ?", [person_id]) == 1
    screenshot(page, "home")

    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text(re.compile(r"Acknowledged at \d\d:\d\d"))).to_be_visible()
    acknowledged = prod.count(
        "SELECT count(*) FROM notice_recipients"
        " WHERE person_id = ? AND acknowledged_at IS NOT NULL",
        [person_id],
    )
    assert acknowledged == 1

    page.get_by_role("button", name="Add my calls to my calendar").click()
    field = page.get_by_label("Calendar address")
    expect(field).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/ics/.+\.ics$"))
    webcal = page.get_by_role("link", name="Open in calendar app")
    expect(webcal).to_have_attribute("href", re.compile(r"^webcal://127\.0\.0\.1:\d+/ics/"))
    feed = page.request.get(field.input_value())
    assert feed.ok and "BEGIN:VCALENDAR" in feed.text()
    screenshot(page, "home-calendar")


def test_used_and_replaced_links_get_a_clear_page(
    browser_phone_pair: tuple[BrowserContext, BrowserContext], prod: Production
) -> None:
    first, second = browser_phone_pair
    person_id, url = prod.crew("Bea Lund", call=LATER_CALL)
    page = first.new_page()
    page.goto(url)
    expect(page.get_by_role("heading", name="My next calls")).to_be_visible()

    other = second.new_page()
    other.goto(url)
    expect(other.get_by_role("heading", name="This link has already been opened")).to_be_visible()
    expect(other.get_by_text("Ask your coordinator for a new link.")).to_be_visible()
    assert "/p/" not in other.url
    screenshot(other, "link-used")

    # A new link for the same person kills the unused old one.
    old = links.issue_link(prod.db, person_id).url
    links.issue_link(prod.db, person_id)
    other.goto(old)
    expect(other.get_by_role("heading", name="This link no longer works")).to_be_visible()
    expect(other.get_by_text("Ask your coordinator for a new link.")).to_be_visible()

    # A link left unopened past its lifetime has expired.
    stale = utcnow() - links.LINK_LIFETIME - timedelta(hours=1)
    other.goto(links.issue_link(prod.db, person_id, now=stale).url)
    expect(other.get_by_role("heading", name="This link has expired")).to_be_visible()
    expect(other.get_by_text("not opened within 30 days")).to_be_visible()
    expect(other.get_by_text("Ask your coordinator for a new link.")).to_be_visible()
    screenshot(other, "link-expired")

    # The phone that is set up can open its used link again and simply carry on.
    page.goto(url)
    expect(page.get_by_role("link", name="Continue as Bea Lund")).to_be_visible()


@pytest.fixture
def browser_phone_pair(
    phone: BrowserContext, dark_phone: BrowserContext
) -> tuple[BrowserContext, BrowserContext]:
    return phone, dark_phone


def test_check_in_from_location_url(phone: BrowserContext, prod: Production) -> None:
    person_id, _ = prod.crew("Cleo Marsh", call=LATER_CALL, role="Gaffer", department="Electric")
    signed_in(phone, prod, person_id)
    phone.grant_permissions(["geolocation"], origin=prod.base)
    phone.set_geolocation({"latitude": STAGE[0], "longitude": STAGE[1], "accuracy": 12})
    page = phone.new_page()
    page.goto(f"/l/{prod.stage_code}")
    expect(page.get_by_role("heading", name="Stage 4, Riverside Studios")).to_be_visible()
    expect(page.get_by_text("Checking in as Cleo Marsh")).to_be_visible()
    screenshot(page, "checkin")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("heading", name="You're checked in")).to_be_visible()
    expect(page.get_by_text("On time for your 23:58 call.")).to_be_visible()
    screenshot(page, "checkin-on-time")
    assert checkins_of(prod, person_id) == 1
    row = prod.db.execute(
        "SELECT result, lat, far, replayed FROM checkins WHERE person_id = ?", [person_id]
    ).fetchone()
    assert row[0] == "ok" and row[1] == pytest.approx(STAGE[0]) and not row[2] and not row[3]

    page.reload()
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("heading", name="You're already checked in")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"You checked in at Stage 4.* at \d\d:\d\d"))
    ).to_be_visible()
    screenshot(page, "checkin-already")


def test_check_in_sentences(phone: BrowserContext, prod: Production) -> None:
    """Late, not called here (and where instead), unknown code; no position is no refusal."""
    late_id, _ = prod.crew("Dev Patel", call=LATE_CALL)
    signed_in(phone, prod, late_id)
    page = phone.new_page()
    page.goto(f"/l/{prod.stage_code}")
    page.get_by_role("button", name="Check in").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"Checked in — late by \d+ (minutes?|h)"))
    ).to_be_visible()
    expect(page.get_by_text("Your call was 00:01.")).to_be_visible()
    screenshot(page, "checkin-late")
    assert checkins_of(prod, late_id) == 1

    elsewhere_id, _ = prod.crew("Eli Novak", call=LATE_CALL, day_id=prod.harbour_day_id)
    phone.clear_cookies()
    signed_in(phone, prod, elsewhere_id)
    page.goto(f"/l/{prod.stage_code}")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("heading", name="You're not called here today")).to_be_visible()
    expect(page.get_by_text("is still recorded, and the coordinator sees it")).to_be_visible()
    expect(page.get_by_text("Today you're called at Harbour Road.")).to_be_visible()
    screenshot(page, "checkin-not-called-here")
    assert checkins_of(prod, elsewhere_id) == 1

    page.goto("/l/ZZZZZZ")
    expect(page.get_by_role("heading", name="This code isn't recognised")).to_be_visible()
    expect(page.get_by_role("button", name="Check in")).to_have_count(0)


def test_check_in_without_session_says_how_to_fix_it(
    dark_phone: BrowserContext, prod: Production
) -> None:
    page = dark_phone.new_page()
    page.goto(f"/l/{prod.stage_code}")
    expect(page.get_by_role("heading", name="This phone isn't set up yet")).to_be_visible()
    expect(page.get_by_text("Open your personal link first")).to_be_visible()
    screenshot(page, "checkin-no-session-dark")


@pytest.mark.parametrize("path", ["/p/", "/l/", "/no-such-page"])
def test_a_broken_address_says_page_not_found(phone: BrowserContext, path: str) -> None:
    page = phone.new_page()
    response = page.goto(path)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("link", name="Home")).to_be_visible()
    screenshot(page, "page-not-found")


def test_offline_check_in_and_acknowledge_are_stored_once(
    phone: BrowserContext, prod: Production
) -> None:
    person_id, _ = prod.crew("Fay Quinn", call=LATER_CALL, role="Boom op", department="Sound")
    notice_id = prod.notice(person_id, "Main unit, tomorrow: location moved to Harbour Road")
    signed_in(phone, prod, person_id)
    page = phone.new_page()
    page.goto("/")
    expect(page.get_by_role("button", name="Acknowledge")).to_be_visible()
    wait_for_service_worker(page)
    page.reload()  # now through the service worker, which keeps the answers
    expect(page.get_by_role("button", name="Acknowledge")).to_be_visible()

    phone.set_offline(True)
    page.goto(f"/l/{prod.stage_code}")
    expect(page.get_by_role("button", name="Check in")).to_be_visible()
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Saved — will send when you're back online")).to_be_visible()
    expect(page.locator("#net")).to_contain_text("1 waiting to send")
    screenshot(page, "checkin-offline")

    page.goto("/")
    expect(page.get_by_text("You're offline. Showing what was saved at")).to_be_visible()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".change .state")).to_have_text("Saved — will send when you're back online")
    expect(page.locator("#net")).to_contain_text("2 waiting to send")
    screenshot(page, "home-offline")
    assert checkins_of(prod, person_id) == 0
    assert acknowledged(prod, person_id, notice_id) is None

    phone.set_offline(False)
    expect(page.locator("#net")).to_be_hidden(timeout=15_000)
    assert checkins_of(prod, person_id) == 1
    assert acknowledged(prod, person_id, notice_id) is not None
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    for _ in range(3):
        page.reload()
        expect(page.get_by_role("heading", name="My next calls")).to_be_visible()
    page.wait_for_timeout(500)
    assert checkins_of(prod, person_id) == 1
    row = prod.db.execute(
        "SELECT replayed, client_at IS NOT NULL, result FROM checkins WHERE person_id = ?",
        [person_id],
    ).fetchone()
    assert row == (1, 1, "ok")
    events = prod.count(
        "SELECT count(*) FROM events WHERE kind = 'notice.acknowledged' AND subject = ?",
        [f"notice:{notice_id}"],
    )
    assert events == 1
    assert page.evaluate("globalThis.CallboardOutbox.all().then(items => items.length)") == 0


def acknowledged(prod: Production, person_id: int, notice_id: int) -> str | None:
    row = prod.db.execute(
        "SELECT acknowledged_at FROM notice_recipients WHERE person_id = ? AND notice_id = ?",
        [person_id, notice_id],
    ).fetchone()
    return row[0]


def test_dark_home(dark_phone: BrowserContext, prod: Production) -> None:
    person_id, _ = prod.crew("Gus Holm", call=LATER_CALL, role="Best boy", department="Grip")
    prod.notice(person_id, "Main unit, today: call moved to 23:58 (was 07:00)")
    signed_in(dark_phone, prod, person_id)
    page = dark_phone.new_page()
    page.goto("/")
    expect(page.get_by_role("heading", name="My next calls")).to_be_visible()
    screenshot(page, "home-dark")


def test_rotated_poster_and_revoked_phone(phone: BrowserContext, prod: Production) -> None:
    mill = locations.add_location(prod.db, LocationIn(name="Old Mill", address="Mill Lane"))
    old_code = mill.code
    locations.rotate_code(prod.db, mill.id, mill.version)
    person_id, _ = prod.crew("Hana Ito", call=LATER_CALL)
    signed_in(phone, prod, person_id)
    page = phone.new_page()
    page.goto(f"/l/{old_code}")
    expect(page.get_by_role("heading", name="This poster is out of date")).to_be_visible()
    expect(page.get_by_text("The code for Old Mill has changed.")).to_be_visible()
    expect(page.get_by_role("button", name="Check in")).to_have_count(0)
    screenshot(page, "checkin-rotated")

    links.revoke_all(prod.db, person_id)
    page.goto(f"/l/{prod.stage_code}")
    expect(page.get_by_role("heading", name="Your link was switched off")).to_be_visible()
    expect(page.get_by_text("Ask your coordinator for a new link.")).to_be_visible()
    assert checkins_of(prod, person_id) == 0


def test_sign_out_of_this_phone(phone: BrowserContext, prod: Production) -> None:
    person_id, _ = prod.crew("Ivo Stan", call=LATER_CALL)
    signed_in(phone, prod, person_id)
    page = phone.new_page()
    page.goto("/")
    page.get_by_role("button", name="Not Ivo Stan? Sign out of this phone").click()
    expect(page.get_by_role("heading", name="Welcome to Callboard")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Welcome to Callboard")).to_be_visible()
    screenshot(page, "welcome")


def test_outbox_keeps_a_check_in_until_the_server_answers(
    phone_without_worker: BrowserContext, prod: Production
) -> None:
    """A 503 is not an answer: the item stays queued; the next flush sends it, once."""
    person_id, _ = prod.crew("Jo Keller", call=LATER_CALL)
    signed_in(phone_without_worker, prod, person_id)
    busy = {"on": True}

    def server_busy(route: Route) -> None:
        if busy["on"]:
            route.fulfill(status=503, content_type="application/json", body='{"error": "busy"}')
        else:
            route.continue_()

    phone_without_worker.route("**/api/checkins", server_busy)
    page = phone_without_worker.new_page()
    page.goto(f"/l/{prod.stage_code}")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Saved — will send when you're back online")).to_be_visible()
    page.evaluate("() => window.dispatchEvent(new Event('online'))")  # flush: still busy
    expect(page.locator("#net")).to_have_text("1 waiting to send")
    assert checkins_of(prod, person_id) == 0

    busy["on"] = False
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.get_by_role("heading", name="You're checked in")).to_be_visible()
    expect(
        page.get_by_text("Sent later from this phone, with the time you tapped.")
    ).to_be_visible()
    expect(page.locator("#net")).to_be_hidden()
    page.reload()
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(300)
    assert checkins_of(prod, person_id) == 1


def test_a_far_position_is_recorded_not_refused(phone: BrowserContext, prod: Production) -> None:
    person_id, _ = prod.crew("Kit Lowe", call=LATER_CALL)
    signed_in(phone, prod, person_id)
    phone.grant_permissions(["geolocation"], origin=prod.base)
    phone.set_geolocation({"latitude": STAGE[0] + 0.05, "longitude": STAGE[1], "accuracy": 20})
    page = phone.new_page()
    page.goto(f"/l/{prod.stage_code}")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("heading", name="You're checked in")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Your phone placed you about \d+ m from"))).to_be_visible()
    row = prod.db.execute("SELECT far, result FROM checkins WHERE person_id = ?", [person_id])
    assert row.fetchone() == (1, "ok")
