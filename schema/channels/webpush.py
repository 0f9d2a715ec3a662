"""Web push to the phones that opted in: RFC 8291 encryption and RFC 8292 VAPID signing by
pywebpush and py-vapid (blocking HTTP: run it off any event loop).

The VAPID key pair is made once per production and kept in its file (schema/delivery.py). The
payload is small JSON the service worker shows as a notification: title, body, url, tag.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from schema.channels.base import Destination, Outgoing, PushSubscription, SendFailed

TIMEOUT_S = 15.0
# A day: a phone that is off overnight still gets the morning's change.
TTL_S = 24 * 3600
BODY_CHARS = 240


def new_keys() -> tuple[str, str]:
    """A fresh key pair: (private key as PEM, public key as the browser's applicationServerKey,
    base64url of the uncompressed P-256 point)."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return pem, public_key_of(key)


def public_key_of(key: ec.EllipticCurvePrivateKey) -> str:
    raw = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def payload(message: Outgoing) -> str:
    """Title, body, url and tag; the body skips the email's greeting (a lock screen has room
    for one line, and it is the person's own phone)."""
    first, _, rest = message.text.partition("\n\n")
    text = rest if first.startswith("Hello ") and rest else message.text
    body = " ".join(text.split())
    if len(body) > BODY_CHARS:
        body = body[: BODY_CHARS - 1] + "…"
    return json.dumps(
        {
            "title": " ".join(message.subject.split())[:120],
            "body": body,
            "url": message.link,
            "tag": f"callboard-{message.delivery_id}",
        }
    )


class WebPushChannel:
    name = "webpush"

    def __init__(self, private_pem: str | None, contact: str) -> None:
        self._vapid: Any = None
        if private_pem:
            from py_vapid import Vapid  # on first use: pywebpush pulls in aiohttp (~1 s)

            key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
            assert isinstance(key, ec.EllipticCurvePrivateKey)
            self._vapid = Vapid(key)
        # The push service's contact for this sender: mailto:ADDRESS or an https URL.
        self.contact = contact

    def unready_reason(self) -> str | None:
        return None if self._vapid is not None else "no push keys yet"

    def send(self, message: Outgoing, to: Destination) -> tuple[int, ...]:
        """Push to every live subscription; sent when one phone took it. Returns the
        subscriptions the service says are gone (404/410), to be dropped."""
        if not to.subscriptions:
            raise SendFailed("no phone has turned on notifications", retry=False)
        data = payload(message)
        gone: list[int] = []
        reasons: list[str] = []
        delivered = False
        for subscription in to.subscriptions:
            status, reason = self._push(subscription, data)
            if status in (404, 410):
                gone.append(subscription.id)
            elif reason:
                reasons.append(reason)
            else:
                delivered = True
        if not delivered:
            reason = reasons[0] if reasons else "every phone's subscription has expired"
            raise SendFailed(reason, retry=bool(reasons), gone=tuple(gone))
        return tuple(gone)

    def _push(self, subscription: PushSubscription, data: str) -> tuple[int, str]:
        from pywebpush import WebPushException, webpush

        try:
            webpush(
                {
                    "endpoint": subscription.endpoint,
                    "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                },
                data=data,
                vapid_private_key=self._vapid,
                vapid_claims={"sub": self.contact},
                timeout=TIMEOUT_S,
                ttl=TTL_S,
            )
        except WebPushException as error:
            status = error.response.status_code if error.response is not None else 0
            return status, f"the push service said {status or 'nothing'}"
        except OSError as error:
            return 0, f"could not reach the push service ({type(error).__name__})"
        return 201, ""

    def close(self) -> None:
        return None
