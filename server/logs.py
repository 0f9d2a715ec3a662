"""Keep bearer tokens out of logs: personal links (/p/TOKEN) and calendar feeds (/ics/TOKEN.ics)
carry their secret in the path, and access logs end up in journald and support tickets."""

from __future__ import annotations

import logging
import re

SECRET_PATH = re.compile(r"/(p|ics)/[^/?#\s]+")


def redact(path: str) -> str:
    return SECRET_PATH.sub(r"/\1/[redacted]", path)


class RedactSecrets(logging.Filter):
    """Rewrites string arguments of a log record (uvicorn's access line passes the path as one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install() -> None:
    """Filter the access log and our own error log (idempotent)."""
    for name in ("uvicorn.access", "callboard.server"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecrets) for f in logger.filters):
            logger.addFilter(RedactSecrets())
