"""Field types shared by request bodies: validated by msgspec before any handler runs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from schema.checkins import NONCE

# A client-made idempotency key (the same rule the core applies).
Nonce = Annotated[str, msgspec.Meta(pattern=NONCE.pattern)]
# A moment from a phone: it must say its offset, or "when" is ambiguous.
Moment = Annotated[datetime, msgspec.Meta(tz=True)]
