"""What every screen needs to know: the production file, today, the clock (pinned in tests),
who is at the desk (the name their changes are recorded under) and whether they may change
anything at all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from schema.clock import utcnow, wall_clock
from schema.production import COORDINATOR

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Desk:
    """Passed down to every screen and dialog: attributes down, never reached for."""

    db_path: str
    zone: ZoneInfo
    clock: Clock = utcnow
    pinned_today: date | None = None
    actor: str = COORDINATOR
    read_only: bool = False

    def now(self) -> datetime:
        """The current moment, aware UTC (what the services take as `now`)."""
        return self.clock()

    def local_now(self) -> datetime:
        """The production's wall-clock time, naive, as schedule times are stored."""
        return wall_clock(self.clock(), self.zone)

    def today(self) -> date:
        return self.pinned_today or self.local_now().date()
