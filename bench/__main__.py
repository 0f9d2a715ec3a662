"""Run every benchmark and print one table: `python -m bench` (or `just bench`).

The core's timings are here; the TUI's live in bench/tui.py and the server's in bench/server.py,
each offering `run(path) -> list[Row]` (see bench.core.Row) over the same large demo. The same
figures are written as JSON (bench/results/<UTC time>.json) so a later run can be set beside
an earlier one; docs/performance.md explains each figure.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.core import Row, median_seconds, not_measured, table, timed_row

ROOT = Path(__file__).resolve().parent.parent
DEMO_LIMIT_S = 30.0
PROBLEMS_LIMIT_S = 1.0


def build_large_demo(path: Path) -> None:
    from schema import demo
    from schema.store.connection import connect

    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    db = connect(path)
    try:
        demo.build(db, size="large", seed=7)
    finally:
        db.conn.close()


def bench_demo(folder: Path, runs: int) -> tuple[list[Row], Path]:
    """Build the large demo `runs` times; the last build stays for the other benchmarks."""
    path = folder / "large.db"
    seconds = median_seconds(lambda: build_large_demo(path), runs)
    return [timed_row("large demo build (in process)", seconds, DEMO_LIMIT_S, runs)], path


def bench_problems(path: Path, runs: int) -> list[Row]:
    """`callboard problems` on the large demo, as a user runs it: a fresh process each time."""
    command = [sys.executable, "-m", "cli", "--db", str(path), "problems", "--json"]

    def once() -> None:
        subprocess.run(command, check=True, capture_output=True, cwd=ROOT)

    process = median_seconds(once, runs)
    startup = median_seconds(
        lambda: subprocess.run(
            [sys.executable, "-m", "cli", "--help"], check=True, capture_output=True, cwd=ROOT
        ),
        runs,
    )
    return [
        timed_row("callboard problems (process, large)", process, PROBLEMS_LIMIT_S, runs),
        Row(name="  of which interpreter + imports", value=f"{startup * 1000:.0f} ms", runs=runs),
        timed_row("problems.find() (in process, large)", _find_seconds(path, runs), 1.0, runs),
    ]


def _find_seconds(path: Path, runs: int) -> float:
    from schema import problems
    from schema.store.connection import connect

    db = connect(path)
    try:
        return median_seconds(lambda: problems.find(db), runs)
    finally:
        db.conn.close()


def bench_tui(path: Path) -> list[Row]:
    """The terminal app's timings (bench/tui.py, written by the TUI's engineer)."""
    return _hook("bench.tui", "TUI", path)


def bench_server(path: Path) -> list[Row]:
    """The crew server's timings (bench/server.py, written by the server's engineer)."""
    return _hook("bench.server", "server", path)


def _hook(module_name: str, label: str, path: Path) -> list[Row]:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        return [not_measured(label)]
    run: Callable[[Path], list[Row]] = module.run
    return run(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="repetitions per measure (median)")
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        help="where to write the JSON report (default: bench/results/<UTC time>.json)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="callboard-bench-") as folder:
        print(f"Building the large demo {args.runs} times...", file=sys.stderr, flush=True)
        demo_rows, path = bench_demo(Path(folder), args.runs)
        rows += demo_rows
        print("Timing `callboard problems`...", file=sys.stderr, flush=True)
        rows += bench_problems(path, max(args.runs, 5))
        rows += bench_tui(path)
        rows += bench_server(path)
        rows += _hook("bench.replication", "replication", path)  # off beside on (#15)
    print()
    print(
        f"Callboard benchmarks ({os.cpu_count()} CPUs, Python {sys.version.split()[0]},"
        f" load average {os.getloadavg()[0]:.1f})"
    )
    print(table(rows))
    total = time.perf_counter() - started
    print(f"\n(total {total:.0f} s; a report, not a test)")
    written = write_json(rows, args.json, total)
    print(f"JSON: {written}")
    return 0


def write_json(rows: list[Row], path: Path | None, total_s: float) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = path or ROOT / "bench" / "results" / f"{stamp}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "when": stamp,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "python": sys.version.split()[0],
        "machine": platform.platform(),
        "total_s": round(total_s, 1),
        "rows": [row.as_dict() for row in rows],
    }
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


if __name__ == "__main__":
    raise SystemExit(main())
