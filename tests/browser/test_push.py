"""Notifications on a phone: "Notify me" subscribes and the server keeps the subscription; the
service worker shows a pushed message and a tap opens the app; iPhones in a browser tab are told
to add the app to the Home Screen first.

Headless Chromium here has no route to a browser vendor's push service, so the one stand-in is
PushManager.subscribe (it returns a subscription shaped as the browser's); the page, the API,
the service worker and its notification are all real. The push service itself is tested end to
end in tests/delivery/test_webpush.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from schema import delivery
from schema.clock import utcnow
from tests.browser.conftest import PHONE, Production, _watched, screenshot, signed_in
from tests.browser.test_crew import wait_for_service_worker

pytestmark = pytest.mark.browser

ENDPOINT = "https://fcm.googleapis.com/fcm/send/browser-test"
# What the phone's browser would hold: a P-256 public key and a 16-byte auth secret.
P256DH = "BLc4xRzKlKORKWlbdgFaBrrPK3ydWAHo4M0gs0i1oEKgPpWC5cW8OCzVrOQRv-1npXRWk8udnW3oYhIO4475rds"
AUTH = "5I2Bu2oKdyy9CwL8QVF0NQ"

FAKE_SUBSCRIBE = f"""
(() => {{
  const fake = {{
    endpoint: {json.dumps(ENDPOINT)},
    toJSON() {{
      return {{ endpoint: this.endpoint, expirationTime: null,
               keys: {{ p256dh: {json.dumps(P256DH)}, auth: {json.dumps(AUTH)} }} }};
    }},
  }};
  let subscribed = null;
  if (window.PushManager) {{
    PushManager.prototype.subscribe = async function (options) {{
      window.__subscribeOptions = options;
      subscribed = fake;
      return fake;
    }};
    PushManager.prototype.getSubscription = async function () {{ return subscribed; }};
  }}
}})();
"""


@pytest.fixture
def notifying_phone(browser: Browser, prod: Production) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=prod.base, **PHONE)
    context.grant_permissions(["notifications"], origin=prod.base)
    yield from _watched(context)


def test_notify_me_subscribes_with_the_productions_key(
    notifying_phone: BrowserContext, prod: Production
) -> None:
    person_id, _ = prod.crew("Noor Haddad")
    signed_in(notifying_phone, prod, person_id)
    notifying_phone.add_init_script(FAKE_SUBSCRIBE)
    page = notifying_phone.new_page()
    page.goto("/")
    wait_for_service_worker(page)
    button = page.get_by_role("button", name="Notify me")
    expect(button).to_be_visible()
    screenshot(page, "home-notify")
    button.click()
    expect(page.get_by_text("Notifications are on for this phone.")).to_be_visible()
    screenshot(page, "home-notify-on")
    key = page.evaluate(
        "() => btoa(String.fromCharCode(...new Uint8Array(window.__subscribeOptions"
        ".applicationServerKey))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '')"
    )
    assert key == delivery.push_keys(prod.db, now=utcnow())[1]
    rows = prod.db.execute(
        "SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE person_id = ?", [person_id]
    ).fetchall()
    assert rows == [(ENDPOINT, P256DH, AUTH)]


def test_a_pushed_message_is_shown_and_a_tap_opens_the_app(
    notifying_phone: BrowserContext, prod: Production
) -> None:
    person_id, _ = prod.crew("Ola Berg")
    signed_in(notifying_phone, prod, person_id)
    page = notifying_phone.new_page()
    page.goto("/")
    wait_for_service_worker(page)
    cdp = notifying_phone.new_cdp_session(page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            r["registrationId"] for r in event["registrations"] if not r.get("isDeleted")
        ),
    )
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if registrations:
            break
        page.wait_for_timeout(100)
    payload = {
        "title": "The Long Night: change",
        "body": "Your call today is now 05:30.",
        "url": "/contracts",
        "tag": "callboard-77",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": prod.base, "registrationId": registrations[0], "data": json.dumps(payload)},
    )
    shown: list[dict[str, str]] = []
    for _ in range(50):
        shown = page.evaluate(
            """async () => (await (await navigator.serviceWorker.ready).getNotifications())
                .map((n) => ({title: n.title, body: n.body, tag: n.tag, url: n.data.url}))"""
        )
        if shown:
            break
        page.wait_for_timeout(100)
    assert shown == [
        {
            "title": "The Long Night: change",
            "body": "Your call today is now 05:30.",
            "tag": "callboard-77",
            "url": "/contracts",
        }
    ]


def test_an_iphone_in_a_browser_tab_is_told_to_add_the_app_first(
    browser: Browser, prod: Production
) -> None:
    iphone = {
        **PHONE,
        "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
        " (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    }
    context = browser.new_context(base_url=prod.base, **iphone)
    for _ in _watched(context):
        person_id, _ = prod.crew("Ines Varga")
        signed_in(context, prod, person_id)
        page = context.new_page()
        page.goto("/")
        expect(page.get_by_text("add to home screen", exact=False)).to_be_visible()
        expect(page.get_by_role("button", name="Notify me")).to_have_count(0)
        screenshot(page, "home-notify-iphone")
