"""Field types shared by request bodies: validated by msgspec before any handler runs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar.params import Parameter

from schema.checkins import NONCE

# A client-made idempotency key (the same rule the core applies).
Nonce = Annotated[str, msgspec.Meta(pattern=NONCE.pattern)]
# A row id in a path: SQLite integers are 64-bit, so anything larger is a 400, not a crash.
Id = Annotated[int, Parameter(ge=1, le=2**63 - 1)]
# A moment from a phone: it must say its offset, or "when" is ambiguous.
Moment = Annotated[datetime, msgspec.Meta(tz=True)]
