"""A real SMTP server on loopback (aiosmtpd) that keeps what it received, can refuse on demand
and can be stopped and started again on the same port (a server that is down, then back)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
import warnings
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.live_server import free_port


class Inbox:
    """The handler: every accepted message, parsed. `refuse` makes DATA answer with that reply."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.refuse: str | None = None
        self.delay = 0.0  # seconds before each answer: a slow server, to kill a sender mid-batch
        # Keep the Nth message, then hold the "250 OK" back: the sender is killed while the
        # server has accepted a message the sender has not yet heard about.
        self.stall_at: int | None = None
        self.stalled = threading.Event()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse:
            return self.refuse
        content = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(content, policy=email.policy.default)
        with self.lock:
            self.raw.append(content)
            self.messages.append(parsed)  # type: ignore[arg-type]
            stall = len(self.messages) == self.stall_at
        if stall:
            self.stalled.set()
            await asyncio.sleep(5)
        return "250 OK"


class SmtpServer:
    def __init__(self, *, user: str = "", password: str = "") -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.user = user
        self.password = password
        self.logins: list[str] = []
        self.controller: Controller | None = None

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any):
        ok = isinstance(data, LoginPassword) and (
            data.login.decode() == self.user and data.password.decode() == self.password
        )
        if ok:
            self.logins.append(self.user)
        return AuthResult(success=ok, handled=False)

    def start(self) -> SmtpServer:
        options: dict[str, Any] = {}
        if self.user:
            options = {
                "authenticator": self._authenticate,
                "auth_required": True,
                "auth_require_tls": False,
            }
        with warnings.catch_warnings():  # AUTH without TLS: loopback only, on purpose
            warnings.simplefilter("ignore", UserWarning)
            self.controller = self._controller(options)
        self.controller.start()
        return self

    def _controller(self, options: dict[str, Any]) -> Controller:
        return Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
