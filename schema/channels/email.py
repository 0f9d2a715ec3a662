"""Email through the production's own SMTP server (smtplib, blocking: run it off any event loop).

The password comes only from the environment (CALLBOARD_SMTP_PASSWORD): it is never stored in
the production file, never put in a failure reason and never logged. Every header is built with
the email package's own APIs from text whose line breaks are folded away first, so a name or a
note holding CR/LF can never add a header.
"""

from __future__ import annotations

import email.policy
import os
import smtplib
import ssl
from collections.abc import Mapping
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

import msgspec

from schema.channels.base import Destination, Outgoing, SendFailed

PASSWORD_VARIABLE = "CALLBOARD_SMTP_PASSWORD"  # noqa: S105 - a variable name, not a secret
TLS_MODES = ("starttls", "ssl", "none")
TIMEOUT_S = 20.0


class SmtpConfig(msgspec.Struct, frozen=True, kw_only=True):
    host: str
    port: int
    sender: str
    user: str = ""
    tls: str = "starttls"
    # Read from the environment when the channel is made; repr hides it.
    password: str = ""

    def __repr__(self) -> str:
        return f"SmtpConfig(host={self.host!r}, port={self.port}, user={self.user!r})"


def one_line(value: str) -> str:
    """Header text: every run of whitespace (CR and LF included) becomes one space."""
    return " ".join(value.split())


def sender_domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "callboard.invalid"


def build(message: Outgoing, to: str, sender: str) -> EmailMessage:
    """Plain text with an HTML alternative (and any attachments), headers via the email APIs."""
    mail = EmailMessage(policy=email.policy.SMTP)
    mail["Subject"] = one_line(message.subject)
    mail["From"] = one_line(sender)
    mail["To"] = Address(display_name=one_line(message.person_name), addr_spec=one_line(to))
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = message.header_id
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    for item in message.attachments:
        maintype, _, subtype = item.content_type.partition("/")
        mail.add_attachment(
            item.data,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=one_line(item.filename),
        )
    return mail


class EmailChannel:
    """Sends over one SMTP connection per batch; `close()` ends it."""

    name = "email"

    def __init__(self, config: SmtpConfig | None) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    @classmethod
    def from_settings(
        cls,
        host: str,
        port: int,
        sender: str,
        user: str,
        tls: str,
        environ: Mapping[str, str] = os.environ,
    ) -> EmailChannel:
        if not host or not sender:
            return cls(None)
        password = environ.get(PASSWORD_VARIABLE, "")
        return cls(
            SmtpConfig(host=host, port=port, sender=sender, user=user, tls=tls, password=password)
        )

    def unready_reason(self) -> str | None:
        if self.config is None:
            return "no SMTP server set (callboard settings --smtp-host H --smtp-from ADDRESS)"
        if self.config.user and not self.config.password:
            return f"an SMTP user is set but {PASSWORD_VARIABLE} is not in the environment"
        return None

    def send(self, message: Outgoing, to: Destination) -> tuple[int, ...]:
        config = self.config
        if config is None or not to.email:
            raise SendFailed("no email address or no SMTP server", retry=False)
        mail = build(message, to.email, config.sender)
        try:
            self._connection(config).send_message(mail)
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            code, text = next(iter(error.recipients.values()))
            raise SendFailed(_said(code, text), retry=code < 500) from None
        except smtplib.SMTPAuthenticationError as error:
            self.close()
            raise SendFailed(
                f"the SMTP server refused the login: {_said(error.smtp_code, error.smtp_error)}"
            ) from None
        except smtplib.SMTPDataError as error:
            self.close()
            raise SendFailed(
                _said(error.smtp_code, error.smtp_error), retry=error.smtp_code < 500
            ) from None
        except smtplib.SMTPResponseException as error:
            self.close()
            raise SendFailed(_said(error.smtp_code, error.smtp_error)) from None
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise SendFailed(
                f"could not reach the SMTP server {config.host}:{config.port}"
                f" ({type(error).__name__}: {error})"
            ) from None
        return ()

    def _connection(self, config: SmtpConfig) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        context = ssl.create_default_context()
        if config.tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                config.host, config.port, timeout=TIMEOUT_S, context=context
            )
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=TIMEOUT_S)
            if config.tls == "starttls":
                smtp.starttls(context=context)
        if config.user:
            smtp.login(config.user, config.password)
        self._smtp = smtp
        return smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _said(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"the SMTP server said {code} {one_line(words)}"
