"""Field types shared by request bodies: validated by msgspec before any handler runs."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

from schema.checkins import Nonce
from schema.checkins import PhoneMoment as Moment

__all__ = ["Id", "Moment", "Nonce"]

# A row id in a path: SQLite integers are 64-bit, so anything larger is a 400, not a crash.
Id = Annotated[int, Parameter(ge=1, le=2**63 - 1)]
