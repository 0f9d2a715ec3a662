"""Where a request really comes from: peer address, forwarded headers only from trusted proxies."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from litestar.types import Scope

from server.settings import Network


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(value: str, trusted: tuple[Network, ...]) -> bool:
    address = _ip(value)
    return address is not None and any(address in network for network in trusted)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def peer(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else ""


def from_trusted_proxy(scope: Scope, trusted: tuple[Network, ...]) -> bool:
    return bool(trusted) and _trusted(peer(scope), trusted)


def client_ip(scope: Scope, trusted: tuple[Network, ...]) -> str:
    """The peer, or behind trusted proxies the right-most X-Forwarded-For hop they did not add.

    Walking from the right stops a client from choosing its own IP by sending a forged header:
    only the hops appended by proxies we trust are skipped.
    """
    address = peer(scope)
    if not from_trusted_proxy(scope, trusted):
        return address
    forwarded = _header(scope, b"x-forwarded-for")
    if not forwarded:
        return address
    for hop in reversed([h.strip() for h in forwarded.split(",")]):
        if _ip(hop) is None:
            return address  # garbage in the chain: fall back to what we know
        if not _trusted(hop, trusted):
            return hop
        address = hop
    return address


def is_https(scope: Scope, trusted: tuple[Network, ...]) -> bool:
    if scope.get("scheme") in ("https", "wss"):
        return True
    if from_trusted_proxy(scope, trusted):
        proto = _header(scope, b"x-forwarded-proto") or ""
        # The right-most value is the one our own proxy wrote; earlier ones the client may forge.
        return proto.split(",")[-1].strip().lower() == "https"
    return False


def host(scope: Scope, trusted: tuple[Network, ...]) -> str:
    if from_trusted_proxy(scope, trusted):
        forwarded = _header(scope, b"x-forwarded-host")
        if forwarded:
            return forwarded.split(",")[-1].strip().lower()
    return (_header(scope, b"host") or "").lower()


def same_origin(scope: Scope, trusted: tuple[Network, ...]) -> bool:
    """True when the request carries no Origin, or one naming this very host."""
    origin = _header(scope, b"origin")
    if origin is None:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False  # "http://[::1": not a URL, so not ours
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # "null" (sandboxed frames, file:) and anything odd
    return parts.netloc.lower() == host(scope, trusted)
