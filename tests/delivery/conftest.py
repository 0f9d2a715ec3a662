"""Fixtures for delivery tests: a production with people who have email, and an SMTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlite_utils

from schema import production
from tests.delivery.smtp import SmtpServer


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def use_smtp(db: sqlite_utils.Database, server: SmtpServer, **extra: object) -> None:
    current = production.get(db)
    production.update(
        db,
        current.version,
        {
            "smtp_host": "127.0.0.1",
            "smtp_port": server.port,
            "smtp_from": "Test Picture <office@picture.test>",
            "smtp_tls": "none",
            **extra,
        },
    )
