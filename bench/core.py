"""What every benchmark shares: a timed median and one row of the report."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Row:
    """One line of the report. `value` is shown as measured; `target` says what good is."""

    name: str
    value: str
    target: str = ""
    verdict: str = ""  # "ok", "SLOW", or "" when there is nothing to compare
    runs: int = 0
    data: dict[str, Any] | None = None  # the measured numbers, for the JSON report

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name.strip(),
            "value": self.value,
            "target": self.target,
            "verdict": self.verdict,
            "runs": self.runs,
            **({"data": self.data} if self.data else {}),
        }


def median_seconds(fn: Callable[[], object], runs: int = 3) -> float:
    """The median wall-clock time of `runs` calls of `fn`."""
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timed_row(name: str, seconds: float, limit: float, runs: int) -> Row:
    """A row for a duration against an upper limit in seconds."""
    return Row(
        name=name,
        value=format_seconds(seconds),
        target=f"< {format_seconds(limit)}",
        verdict="ok" if seconds < limit else "SLOW",
        runs=runs,
        data={"seconds": round(seconds, 4), "limit_s": limit},
    )


def format_seconds(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    return f"{seconds:.2f} s"


def not_measured(name: str) -> Row:
    return Row(name=name, value="not measured yet")


def table(rows: list[Row]) -> str:
    header = ("measure", "median", "target", "", "runs")
    cells = [header] + [
        (r.name, r.value, r.target, r.verdict, str(r.runs) if r.runs else "") for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
