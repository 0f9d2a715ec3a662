"""The server's settings: which production file, which proxies to trust, where the PWA lives."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from schema.clock import utcnow

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

SESSION_COOKIE = "callboard_session"

# static/ beside server/: the PWA another engineer writes.
DEFAULT_STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


@dataclass(frozen=True)
class RateLimits:
    """Requests allowed per client IP per window, per guarded endpoint group."""

    # Links are per IP and generous: a unit may open its links at once on one office Wi-Fi.
    # Check-ins count per device session (per IP only without one).
    session: int = 30
    checkin: int = 120
    upload: int = 10
    calendar: int = 10
    push: int = 10
    window_s: float = 60.0


@dataclass(frozen=True)
class Settings:
    db_path: str
    trusted_proxies: tuple[Network, ...] = ()
    static_dir: Path = DEFAULT_STATIC_DIR
    # True: always Secure; None or False: Secure when the request arrived over HTTPS.
    secure_cookies: bool | None = None
    limits: RateLimits = field(default_factory=RateLimits)
    # Passed to every service call as `now`, so tests can pin the server's clock.
    clock: Callable[[], datetime] = utcnow
    # Overrides the production's stored base URL in the links this server issues (calendar).
    base_url: str | None = None
    # Push services on other hosts than the browsers' own (a test's service on loopback).
    push_hosts: tuple[str, ...] = ()
    # Refuse a Host other than the base URL's name (DNS rebinding); see server/security.py.
    check_host: bool = True

    def static_file(self, name: str) -> bytes | None:
        """One of the PWA's own files (a fixed name, never a request's path), or None."""
        try:
            return (self.static_dir / name).read_bytes()
        except OSError:
            return None


def parse_networks(entries: list[str]) -> tuple[Network, ...]:
    """IPs or CIDRs ("10.0.0.1", "10.0.0.0/8"); a bad entry is a startup error, not a shrug."""
    return tuple(
        ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip()
    )


def env_flag(name: str) -> bool | None:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return None
    return value in {"1", "true", "yes", "on"}
