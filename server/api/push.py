"""Web push for a crew member's phone: the production's public key, and the phone's
subscription (made after the person taps "Notify me")."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import JSONBody

from schema import delivery
from server.deps import PERSON, CurrentPerson, Db, Now, user_agent
from server.ratelimit import rate_limited
from server.security import settings_of

Endpoint = Annotated[str, msgspec.Meta(min_length=8, max_length=1000)]
Key = Annotated[str, msgspec.Meta(min_length=16, max_length=200, pattern=r"^[A-Za-z0-9_\-=]+$")]


class KeyOut(msgspec.Struct):
    public_key: str


class SubscriptionKeys(msgspec.Struct, forbid_unknown_fields=True):
    p256dh: Key
    auth: Key


class SubscriptionIn(msgspec.Struct, forbid_unknown_fields=True):
    """What PushSubscription.toJSON() gives (expirationTime is null or a number)."""

    endpoint: Endpoint
    keys: SubscriptionKeys
    expirationTime: float | None = None  # the browser's own name for it


class UnsubscribeIn(msgspec.Struct, forbid_unknown_fields=True):
    endpoint: Endpoint


class Subscribed(msgspec.Struct):
    subscribed: bool


class PushController(Controller):
    path = "/api/push"
    tags = ["crew"]
    dependencies = PERSON

    @get("/key", sync_to_thread=False, summary="The production's VAPID public key")
    def key(self, db: Db, person: CurrentPerson, now: Now) -> KeyOut:
        return KeyOut(public_key=delivery.push_keys(db, now=now)[1])

    @post(
        "/subscriptions",
        status_code=201,
        sync_to_thread=False,
        guards=[rate_limited("push", per_session=True)],
        summary="Keep this phone's push subscription",
    )
    def subscribe(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        person: CurrentPerson,
        now: Now,
        data: JSONBody[SubscriptionIn],
    ) -> Subscribed:
        delivery.subscribe_push(
            db,
            person.id,
            endpoint=data.endpoint,
            p256dh=data.keys.p256dh,
            auth=data.keys.auth,
            user_agent=user_agent(request),
            extra_hosts=settings_of(request.scope).push_hosts,
            now=now,
        )
        return Subscribed(subscribed=True)

    @post(
        "/unsubscribe",
        status_code=200,
        sync_to_thread=False,
        guards=[rate_limited("push", per_session=True)],
        summary="Forget this phone's push subscription",
    )
    def unsubscribe(
        self, db: Db, person: CurrentPerson, now: Now, data: JSONBody[UnsubscribeIn]
    ) -> Subscribed:
        delivery.unsubscribe_push(db, person.id, data.endpoint, now=now)
        return Subscribed(subscribed=False)
