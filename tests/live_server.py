"""A real crew server in a subprocess (uvicorn on a free loopback port), as `callboard serve`
runs it. Shared by the browser tests, the concurrency tests and `just bench`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(
    db_path: Path | str,
    *,
    port: int | None = None,
    log: IO[bytes] | int | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """Run the server on `db_path` until the block ends; yields its base URL."""
    port = port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(db_path, port=port, log=log, env=env)
    try:
        wait_until_up(base, server)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def start(
    db_path: Path | str,
    *,
    port: int,
    log: IO[bytes] | int | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start the server process (the caller waits for it and ends it: crash tests kill it)."""
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "server.app:app_from_env",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]
    # Only the settings given here: a CALLBOARD_* left in the caller's shell must not leak in.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOARD_")}
    full_env = {**inherited, "CALLBOARD_DB": str(db_path), **(env or {})}
    output = subprocess.DEVNULL if log is None else log
    return subprocess.Popen(
        command, cwd=ROOT, env=full_env, stdout=output, stderr=subprocess.STDOUT
    )


def wait_until_up(base: str, server: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with status {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/api/health", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"the server at {base} did not start within {timeout:.0f} s")
