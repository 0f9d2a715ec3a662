"""Check-out (wrap) on a phone from the same poster: online, and offline through the outbox."""

from __future__ import annotations

from datetime import time

import pytest
from playwright.sync_api import BrowserContext, expect

from schema import locations, schedule
from schema.locations import LocationIn
from schema.schedule import DayIn
from tests.browser.conftest import Production, screenshot, signed_in
from tests.browser.test_crew import wait_for_service_worker

pytestmark = pytest.mark.browser

LATER_CALL = time(23, 58)


@pytest.fixture(scope="module")
def wrap_yard(prod: Production) -> tuple[int, str]:
    """A unit of its own (day id, poster code), so other tests' call sheets stay as they were."""
    place = locations.add_location(prod.db, LocationIn(name="Wrap Yard", address="Dock Road"))
    day = schedule.add_day(
        prod.db,
        DayIn(
            date=prod.today(),
            call=time(0, 1),
            wrap=time(23, 59),
            unit="Wrap unit",
            location_id=place.id,
        ),
    )
    return day.id, place.code


def checkouts(prod: Production, person_id: int) -> list[tuple[object, ...]]:
    return prod.db.execute(
        "SELECT result, replayed, client_at IS NOT NULL FROM checkouts WHERE person_id = ?",
        [person_id],
    ).fetchall()


def test_offline_check_out_is_sent_once_with_the_tapped_time(
    phone: BrowserContext, prod: Production, wrap_yard: tuple[int, str]
) -> None:
    day_id, code = wrap_yard
    person_id, _ = prod.crew(
        "Wes Varga", call=LATER_CALL, day_id=day_id, role="Best boy", department="Electric"
    )
    signed_in(phone, prod, person_id)
    page = phone.new_page()
    page.goto("/")
    expect(page.get_by_role("heading", name="My next calls")).to_be_visible()
    wait_for_service_worker(page)

    page.goto(f"/l/{code}")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("You're checked in")).to_be_visible()

    phone.set_offline(True)
    page.reload()  # the poster page again, at wrap, with no signal
    page.get_by_role("button", name="Check out (wrap)").click()
    expect(page.get_by_text("Saved — will send when you're back online")).to_be_visible()
    expect(page.get_by_text("that is the time that counts")).to_be_visible()
    expect(page.locator("#net")).to_contain_text("1 waiting to send")
    screenshot(page, "checkout-offline")
    assert checkouts(prod, person_id) == []

    phone.set_offline(False)
    expect(page.locator("#net")).to_be_hidden(timeout=15_000)
    expect(page.get_by_text("You're checked out")).to_be_visible(timeout=15_000)
    expect(
        page.get_by_text("Sent later from this phone, with the time you tapped.")
    ).to_be_visible()
    screenshot(page, "checkout-sent")
    for _ in range(2):
        page.reload()
        expect(page.get_by_role("button", name="Check out (wrap)")).to_be_visible()
    page.wait_for_timeout(500)
    assert checkouts(prod, person_id) == [("ok", 1, 1)]
    assert page.evaluate("globalThis.CallboardOutbox.all().then(items => items.length)") == 0


def test_check_out_online_says_so(
    phone: BrowserContext, prod: Production, wrap_yard: tuple[int, str]
) -> None:
    day_id, code = wrap_yard
    person_id, _ = prod.crew(
        "Ola Berg", call=LATER_CALL, day_id=day_id, role="Gaffer", department="Electric"
    )
    signed_in(phone, prod, person_id)
    page = phone.new_page()
    page.goto(f"/l/{code}")
    page.get_by_role("button", name="Check out (wrap)").click()
    expect(page.get_by_text("Checked out — but you never checked in")).to_be_visible()
    assert checkouts(prod, person_id) == [("not_checked_in", 0, 1)]
