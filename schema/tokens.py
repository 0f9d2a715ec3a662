"""Secrets: personal links, device sessions, calendar feeds and location check-in codes.

Tokens carry 160 random bits and only their SHA-256 is stored, so a leaked database reveals no
usable link. Location codes are public (they are printed on posters) and use an alphabet with no
characters that print ambiguously (0/O, 1/I/L, 5/S, 2/Z, 8/B).
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Callable

TOKEN_BYTES = 20
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 8
MAX_TOKEN_LENGTH = 64

RandomBytes = Callable[[int], bytes]


def new_token(rng: RandomBytes = secrets.token_bytes) -> str:
    """A URL-safe token with TOKEN_BYTES of randomness."""
    return base64.urlsafe_b64encode(rng(TOKEN_BYTES)).rstrip(b"=").decode("ascii")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_code(rng: RandomBytes = secrets.token_bytes) -> str:
    """A location check-in code: CODE_LENGTH symbols from the unambiguous alphabet."""
    raw = rng(CODE_LENGTH)
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in raw)


def normalize_code(code: str) -> str:
    """Codes are typed by hand sometimes: accept lower case and stray spaces or dashes."""
    return code.strip().upper().replace("-", "").replace(" ", "")


# One regex, not a loop over characters: every phone request asks this first.
_TOKEN = re.compile(rf"[A-Za-z0-9_-]{{16,{MAX_TOKEN_LENGTH}}}")


def looks_like_token(token: str) -> bool:
    return _TOKEN.fullmatch(token) is not None
