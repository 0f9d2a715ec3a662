"""What every channel shares: the message it is handed, the failure it raises, the protocol."""

from __future__ import annotations

from typing import Protocol

import msgspec


class Attachment(msgspec.Struct, frozen=True, kw_only=True):
    filename: str
    content_type: str
    data: bytes


class Outgoing(msgspec.Struct, frozen=True, kw_only=True):
    """One message to one person, as the outbox holds it."""

    delivery_id: int
    person_name: str
    subject: str
    text: str
    html: str
    link: str
    # The RFC 5322 Message-ID of this sending: the same after a crash, new on a deliberate resend.
    header_id: str
    attachments: tuple[Attachment, ...] = ()


class Destination(msgspec.Struct, frozen=True, kw_only=True):
    """Where to: an email address, or a phone's push subscriptions."""

    email: str = ""
    subscriptions: tuple[PushSubscription, ...] = ()


class PushSubscription(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    endpoint: str
    p256dh: str
    auth: str


class SendFailed(Exception):
    """The channel could not deliver. `retry` False when trying again cannot help (a mailbox
    that does not exist); `gone` lists push subscriptions the service says are dead."""

    def __init__(self, reason: str, *, retry: bool = True, gone: tuple[int, ...] = ()) -> None:
        super().__init__(reason)
        self.reason = reason[:300]
        self.retry = retry
        self.gone = gone


class Channel(Protocol):
    """A way to reach a person. `ready` says why not when it cannot send at all."""

    name: str

    def unready_reason(self) -> str | None: ...

    def send(self, message: Outgoing, to: Destination) -> tuple[int, ...]:
        """Deliver or raise SendFailed; returns push subscriptions found dead, if any."""
        ...

    def close(self) -> None: ...
