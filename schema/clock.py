"""The clock, in one place, so that tests can pin it by passing `now` explicitly."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """The stored form of a moment: ISO 8601 with its offset (always UTC for aware moments)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.isoformat()


def local_iso(moment: datetime) -> str:
    """The stored form of a naive local schedule time, always with seconds."""
    return moment.replace(tzinfo=None, microsecond=0).isoformat(timespec="seconds")


def wall_clock(moment: datetime, zone: tzinfo) -> datetime:
    """What a clock on the wall in `zone` showed at `moment`: naive, as schedule times are kept.

    (The `fold` of a repeated hour survives, so the autumn's second 01:30 stays the second.)
    """
    return moment.astimezone(zone).replace(tzinfo=None)
