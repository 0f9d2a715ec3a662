"""The terminal app on the large demo: launch to interactive, and one search keystroke.

Launch runs in a fresh interpreter (imports count: that is what a coordinator waits for) and
ends when the stripboard shows its days and the selected day's calls. A keystroke is timed from
the key press to the first screen refresh painted after the People list was refilled with the
new matches (Textual's own refresh, hooked, so the harness adds no waits).
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.core import Row, format_seconds, timed_row

LAUNCH_LIMIT_S = 1.5
KEYSTROKE_LIMIT_S = 0.1

# Runs in a child process. The parent passes its wall-clock start, so interpreter start-up and
# imports count, and the harness's own teardown does not.
LAUNCH_SCRIPT = """
import asyncio, json, sys, time
launched = float(sys.argv[2])
from textual.widgets import DataTable
from tui.app import CallboardApp

def filled(screen, name):
    found = screen.query(f"#{name}")
    return bool(found) and found.first(DataTable).row_count > 0

async def main():
    app = CallboardApp(sys.argv[1], follow=False)
    marks = {}
    async with app.run_test(size=(120, 40)) as pilot:
        while "calls" not in marks:
            await pilot.pause(0.005)
            if "days" not in marks and filled(app.screen, "days"):
                marks["days"] = time.time() - launched
            if filled(app.screen, "calls"):
                marks["calls"] = time.time() - launched
            if time.time() - launched > 30:
                raise SystemExit("the stripboard never filled")
    print(json.dumps(marks))

asyncio.run(main())
"""


def launch_seconds(path: Path, runs: int) -> tuple[float, float]:
    """Median seconds from launch to the stripboard shown, and to the day's calls shown."""
    root = Path(__file__).resolve().parent.parent
    days, calls = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", LAUNCH_SCRIPT, str(path), repr(time.time())],
            check=True,
            capture_output=True,
            text=True,
            cwd=root,
        )
        marks = json.loads(out.stdout.strip().splitlines()[-1])
        days.append(marks["days"])
        calls.append(marks["calls"])
    return statistics.median(days), statistics.median(calls)


async def _keystrokes(path: Path, letters: str) -> list[float]:
    """Key press to the first paint after the screen's own `show_page` refilled the list."""
    from tui.app import CallboardApp

    app = CallboardApp(str(path), follow=False)
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await _until_idle(pilot)
        await pilot.press("slash")
        screen = app.screen
        shown: list[float] = []
        original = screen.show_page  # type: ignore[attr-defined]

        def timed_show(found: object) -> None:
            original(found)
            shown.append(time.perf_counter())

        screen.show_page = timed_show  # type: ignore[attr-defined]
        painted: list[float] = []
        refresh = screen._compositor_refresh  # type: ignore[attr-defined]

        def timed_refresh() -> None:
            refresh()
            painted.append(time.perf_counter())

        screen._compositor_refresh = timed_refresh  # type: ignore[attr-defined]
        for letter in letters:
            shown.clear()
            start = time.perf_counter()
            await pilot.press(letter)
            while not shown or not [t for t in painted if t > shown[0]]:
                await asyncio.sleep(0.0005)
            times.append(next(t for t in painted if t > shown[0]) - start)
            await _until_idle(pilot)
    return times


async def _until_idle(pilot: object) -> None:
    app = pilot.app  # type: ignore[attr-defined]
    for _ in range(2000):
        await pilot.pause(0.001)  # type: ignore[attr-defined]
        if not [w for w in app.workers if w.group == "db" and w.is_running]:
            await pilot.pause()  # type: ignore[attr-defined]
            return


def run(path: Path) -> list[Row]:
    print("Timing the terminal app...", file=sys.stderr, flush=True)
    stripboard, with_calls = launch_seconds(path, 5)
    # Each letter narrows the search, as a coordinator types a name.
    strokes = asyncio.run(_keystrokes(path, "marsh"))
    return [
        timed_row("TUI launch to stripboard, interactive (large)", stripboard, LAUNCH_LIMIT_S, 5),
        Row(name="  and the selected day's calls shown", value=format_seconds(with_calls), runs=5),
        timed_row(
            "People search keystroke re-render (large)",
            statistics.median(strokes),
            KEYSTROKE_LIMIT_S,
            len(strokes),
        ),
    ]
