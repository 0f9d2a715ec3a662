"""A phone that meets the link limit on a shared address (issue #11): a "wait and try again"
page, the link kept in the address bar, and a retry that works.

The real server's limit is per minute and shared by every browser test on 127.0.0.1, so the
one 429 here is the server's own answer replayed by Playwright's router (body and headers as
server/ratelimit.py sends them; tests/server/test_onboarding_limit.py drives the real limiter).
The retry goes to the real server.
"""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Route, expect

from tests.browser.conftest import Production, screenshot
from tests.browser.test_crew import LATER_CALL

LIMITED = (
    '{"error":"too_many_requests","message":"too many requests; wait a moment and try again",'
    '"field":null}'
)


def test_a_phone_at_the_link_limit_waits_then_gets_in(
    phone: BrowserContext, prod: Production
) -> None:
    _, url = prod.crew("Wyn Parry", call=LATER_CALL)
    answered = []

    def once_limited(route: Route) -> None:
        if not answered:
            answered.append(True)
            route.fulfill(
                status=429,
                headers={"Retry-After": "2", "Content-Type": "application/json"},
                body=LIMITED,
            )
        else:
            route.continue_()

    page = phone.new_page()
    page.route("**/api/session", once_limited)
    page.goto(url)
    expect(page.get_by_role("heading", name="Wait a moment and try again")).to_be_visible()
    assert page.url == url, "the link must stay in the address bar"
    retry = page.get_by_role("button", name="Try again")
    expect(retry).to_be_disabled()
    screenshot(page, "link-wait")
    expect(retry).to_be_enabled(timeout=5000)
    retry.click()
    expect(page.get_by_role("heading", name="My next calls")).to_be_visible()
    assert page.url == f"{prod.base}/", "the token leaves the address bar once spent"
