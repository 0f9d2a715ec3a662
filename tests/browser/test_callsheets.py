"""Call sheets and the morning Home on a phone: order, folded changes, offline sheets, refresh."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from schema import callsheets, schedule
from schema.clock import utcnow
from schema.schedule import DayIn
from tests.browser.conftest import PHONE, Production, screenshot, signed_in
from tests.browser.test_crew import LATER_CALL, wait_for_service_worker

pytestmark = pytest.mark.browser


def tomorrow_day(prod: Production) -> int:
    """Tomorrow's Main unit day at Harbour Road (made once for the whole session)."""
    tomorrow = prod.today() + timedelta(days=1)
    found = callsheets.find_day(prod.db, tomorrow, "Main")
    if found is not None:
        return found.id
    return schedule.add_day(
        prod.db,
        DayIn(
            date=tomorrow,
            call=time(7, 0),
            wrap=time(19, 0),
            unit="Main",
            location_id=prod.harbour_id,
            scenes="31, 32",
        ),
    ).id


def stage_day(prod: Production) -> int:
    """Today's "Splinter" unit day at the stage: this file's people are called there, so the
    Main unit's sheet that other tests count stays as they made it."""
    found = callsheets.find_day(prod.db, prod.today(), "Splinter")
    if found is not None:
        return found.id
    return schedule.add_day(
        prod.db,
        DayIn(
            date=prod.today(),
            call=time(0, 1),
            wrap=time(23, 59),
            unit="Splinter",
            location_id=prod.stage_id,
        ),
    ).id


def publish_tomorrow(prod: Production) -> None:
    callsheets.publish(prod.db, prod.today() + timedelta(days=1), "Main", now=utcnow())


def headings(page: Page) -> list[str]:
    return page.locator("main h1, main h2").all_inner_texts()


def hide_and_show(page: Page) -> None:
    """What a phone does when put in a pocket and taken out again."""
    page.evaluate(
        """() => {
            const set = (state) => {
                const value = { value: state, configurable: true };
                Object.defineProperty(document, "visibilityState", value);
                document.dispatchEvent(new Event("visibilitychange"));
            };
            set("hidden");
            set("visible");
        }"""
    )


def test_home_is_ordered_for_the_morning_and_folds_a_day_changed_twice(
    phone: BrowserContext, prod: Production
) -> None:
    day_id = tomorrow_day(prod)
    person_id, _ = prod.crew(
        "Mo Farrell", day_id=stage_day(prod), call=LATER_CALL, department="Sound", role="Mixer"
    )
    schedule.call_person(prod.db, day_id, person_id, call=time(6, 30))
    publish_tomorrow(prod)  # "You are called on ... at 06:30"
    call = schedule.call_of(prod.db, day_id, person_id)
    assert call is not None
    schedule.update_call(prod.db, call.id, call.version, call=time(5, 0))
    publish_tomorrow(prod)  # "Your call on ... is now 05:00 (was 06:30)"
    signed_in(phone, prod, person_id)
    page = phone.new_page()
    page.goto("/")
    expect(page.get_by_role("heading", name="My next calls")).to_be_visible()
    order = headings(page)
    assert order[0].startswith("Today, ")
    wanted = ["A CHANGE TO YOUR CALLS", "MY NEXT CALLS", "CALL SHEETS", "TODAY'S CALL SHEET"]
    positions = [next(i for i, text in enumerate(order) if text.upper() == w) for w in wanted]
    assert positions == sorted(positions) and positions[0] > 0, order
    assert len(page.locator("main h1").all()) == 1

    card = page.locator(".change")
    expect(card).to_have_count(1)
    expect(card.get_by_text("Changed twice since you last looked")).to_be_visible()
    expect(card.locator(".summary")).to_have_text(
        re.compile(r"Your call on .* is now 05:00 \(was 06:30\)")
    )
    expect(
        card.get_by_text(re.compile(r"Now: tomorrow, your call is 05:00 at Harbour Road"))
    ).to_be_visible()
    expect(card.get_by_text("Earlier change")).to_be_visible()
    maps = page.get_by_role("link", name=re.compile(r"Open Stage 4, Riverside Studios in maps"))
    expect(maps.first).to_be_visible()
    expect(page.get_by_text("Not checked in yet")).to_be_visible()
    screenshot(page, "home-morning")

    page.get_by_role("button", name="Acknowledge both changes").click()
    expect(card.get_by_text(re.compile(r"Acknowledged at \d\d:\d\d"))).to_be_visible()
    pending = prod.count(
        "SELECT count(*) FROM notice_recipients WHERE person_id = ? AND acknowledged_at IS NULL",
        [person_id],
    )
    assert pending == 0
    assert page.evaluate("() => document.activeElement.classList.contains('state')")


def test_tomorrows_sheet_reads_offline(phone: BrowserContext, prod: Production) -> None:
    day_id = tomorrow_day(prod)
    person_id, _ = prod.crew("Nell Ashby", department="Camera", role="2nd AC")
    schedule.call_person(prod.db, day_id, person_id, call=time(6, 0))
    publish_tomorrow(prod)
    signed_in(phone, prod, person_id)
    page = phone.new_page()
    page.goto("/")
    link = page.get_by_role("link", name=re.compile(r"Call sheet for Tomorrow, Main unit"))
    expect(link).to_be_visible()
    wait_for_service_worker(page)
    page.reload()  # through the service worker, which keeps the sheet it fetches
    expect(link).to_be_visible()
    sheet_url = f"/api/callsheets/{prod.today() + timedelta(days=1)}/Main"
    for _ in range(50):
        kept = page.evaluate(
            """(url) => caches.open("callboard-api-v1")
                .then((c) => c.match(url)).then((r) => r !== undefined)""",
            sheet_url,
        )
        if kept:
            break
        page.wait_for_timeout(100)
    assert kept, "the phone did not keep tomorrow's sheet"

    phone.set_offline(True)
    link.click()
    expect(page.get_by_role("heading", name="Call sheet, Tomorrow")).to_be_visible()
    expect(page.get_by_text("You're offline. Showing the saved call sheet.")).to_be_visible()
    expect(page.locator(".my-call")).to_contain_text("06:00")
    expect(page.get_by_text("Harbour Road").first).to_be_visible()
    expect(page.locator("li.me")).to_contain_text("Nell Ashby (you)")
    page.get_by_label("Find a name, role or department").fill("2nd ac")
    expect(page.locator(".crew li:visible")).to_have_count(
        prod.count(
            "SELECT count(*) FROM calls c JOIN people p ON p.id = c.person_id"
            " WHERE c.day_id = ? AND lower(p.role) = '2nd ac'",
            [day_id],
        )
    )
    screenshot(page, "callsheet-offline")
    page.goto(f"/sheet/{prod.today() + timedelta(days=1)}/Main")  # a cold open, offline
    expect(page.get_by_role("heading", name="Call sheet, Tomorrow")).to_be_visible()
    phone.set_offline(False)


def test_home_refreshes_when_the_phone_comes_back(phone: BrowserContext, prod: Production) -> None:
    person_id, _ = prod.crew(
        "Oli Brandt", day_id=stage_day(prod), call=LATER_CALL, department="Grip", role="Grip"
    )
    signed_in(phone, prod, person_id)
    page = phone.new_page()
    page.goto("/")
    expect(page.locator(".today-call .time")).to_have_text("23:58")
    call = schedule.call_of(prod.db, stage_day(prod), person_id)
    assert call is not None
    schedule.update_call(prod.db, call.id, call.version, call=time(23, 30))  # in the pocket
    hide_and_show(page)
    expect(page.locator(".today-call .time")).to_have_text("23:30")
    expect(page.locator(".change .summary")).to_contain_text("23:30")
    screenshot(page, "home-refreshed")


def test_check_in_page_says_whether_i_am_expected_here(
    phone: BrowserContext, prod: Production
) -> None:
    here_id, _ = prod.crew("Pia Lund", day_id=stage_day(prod), call=LATER_CALL)
    elsewhere_id, _ = prod.crew("Raf Oduya", call=LATER_CALL, day_id=prod.harbour_day_id)
    nowhere_id, _ = prod.crew("Sid Kerr")
    signed_in(phone, prod, here_id)
    page = phone.new_page()
    page.goto(f"/l/{prod.stage_code}")
    expect(page.get_by_text("Your call here today: 23:58")).to_be_visible()
    assert page.locator("h1").count() == 1
    buttons = page.evaluate(
        """() => [...document.querySelectorAll("main a, main button")].map((e) => e.textContent)"""
    )
    assert buttons[0] == "Check in", buttons
    screenshot(page, "checkin-expected")
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_role("heading", name="You're checked in")).to_be_visible()
    assert page.evaluate("() => document.activeElement.classList.contains('result')")
    assert page.locator("h1").count() == 1, "the answer sits under the location's own heading"

    phone.clear_cookies()
    signed_in(phone, prod, elsewhere_id)
    page.goto(f"/l/{prod.stage_code}")
    expect(
        page.get_by_text("Not expected here today: your call is 23:58 at Harbour Road.")
    ).to_be_visible()
    screenshot(page, "checkin-elsewhere")

    phone.clear_cookies()
    signed_in(phone, prod, nowhere_id)
    page.goto(f"/l/{prod.stage_code}")
    expect(page.get_by_text("You have no call today.")).to_be_visible()


def test_a_queued_check_in_stays_in_view_after_leaving_the_page(
    phone: BrowserContext, prod: Production
) -> None:
    person_id, _ = prod.crew("Tam Bell", day_id=stage_day(prod), call=LATER_CALL)
    signed_in(phone, prod, person_id)
    page = phone.new_page()
    page.goto("/")
    wait_for_service_worker(page)
    page.goto(f"/l/{prod.stage_code}")
    expect(page.get_by_text("Your call here today: 23:58")).to_be_visible()
    phone.set_offline(True)
    page.get_by_role("button", name="Check in").click()
    expect(page.get_by_text("Saved — will send when you're back online")).to_be_visible()
    page.goto("/")
    expect(page.locator(".today-call .checked")).to_contain_text(
        re.compile(r"Check-in tapped at \d\d:\d\d: saved")
    )
    page.goto(f"/l/{prod.stage_code}")
    expect(page.get_by_text(re.compile(r"You tapped Check in at \d\d:\d\d"))).to_be_visible()
    screenshot(page, "checkin-queued-revisit")
    page.goto("/")
    phone.set_offline(False)
    expect(page.locator(".today-call .checked")).to_contain_text(
        re.compile(r"Checked in at \d\d:\d\d"), timeout=15_000
    )


def test_a_crew_of_a_thousand_is_grouped_and_searchable(
    phone: BrowserContext, prod: Production
) -> None:
    on = prod.today() + timedelta(days=2)
    day = schedule.add_day(
        prod.db,
        DayIn(
            date=on, call=time(6, 0), wrap=time(18, 0), unit="Crowd", location_id=prod.harbour_id
        ),
    )
    departments = [f"Crowd {letter}" for letter in "ABCDEFGHIJ"]
    viewer, _ = prod.crew("Uma Quist", department="Crowd C", role="Marshal")
    schedule.call_person(prod.db, day.id, viewer)
    for n in range(999):
        person, _ = prod.crew(f"Extra {n:04d}", department=departments[n % 10], role="SA")
        schedule.call_person(prod.db, day.id, person)
    callsheets.publish(prod.db, on, "Crowd", now=utcnow())
    signed_in(phone, prod, viewer)
    page = phone.new_page()
    page.goto(f"/sheet/{on}/Crowd")
    expect(page.get_by_role("heading", name=re.compile(r"Call sheet, "))).to_be_visible()
    expect(page.locator(".crew-list .count")).to_have_text("1000 people")
    expect(page.locator("details.dept")).to_have_count(10)
    # A thousand rows start folded by department; mine is open with me in it.
    expect(page.locator("details.dept[open]")).to_have_count(1)
    expect(page.locator("details.dept[open] li.me")).to_contain_text("Uma Quist (you)")
    screenshot(page, "callsheet-thousand")
    page.get_by_label("Find a name, role or department").fill("extra 0777")
    expect(page.locator(".crew li:visible")).to_have_count(1)
    expect(page.locator(".crew li:visible")).to_contain_text("Extra 0777")
    expect(page.locator(".crew-list .count")).to_have_text("1 of 1000 people")
    page.get_by_label("Find a name, role or department").fill("crowd j")
    expect(page.locator(".crew li:visible")).to_have_count(99)
    screenshot(page, "callsheet-thousand-search")


def test_open_map_uses_the_phones_own_maps_app(browser: Browser, prod: Production) -> None:
    android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/120 Mobile"
    context = browser.new_context(base_url=prod.base, user_agent=android, **PHONE)
    try:
        person_id, _ = prod.crew("Vi Marsh", day_id=stage_day(prod), call=LATER_CALL)
        signed_in(context, prod, person_id)
        page = context.new_page()
        page.goto("/")
        maps = page.get_by_role("link", name="Open Stage 4, Riverside Studios in maps").first
        expect(maps).to_have_attribute(
            "href", re.compile(r"^geo:51\.5007,-0\.1246\?q=51\.5007,-0\.1246\(Stage%204")
        )
    finally:
        context.close()
